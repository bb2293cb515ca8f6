import type * as vscode from 'vscode';
import type { PrdIndex } from '../core/prd-index';

/**
 * The workspace's index as the features see it. One instance, made in activate(); the features never open
 * databases or load models themselves.
 */
export interface WorkspaceIndex {
  /** Fires after every change of the index (a file re-indexed or removed, a full index, a clear). */
  readonly onDidChange: vscode.Event<void>;
  /**
   * The open index, opening it on first use (no model load: the model loads on the first embedding).
   * Rejects with an Error whose message a user can act on (the caller shows it); undefined without a workspace folder.
   */
  current(): Promise<PrdIndex | undefined>;
  /** The index as it is now, or undefined when it has not been opened yet (for cheap, synchronous features). */
  peek(): PrdIndex | undefined;
  /** Index file key (as in hits, nodes, diagnostics) -> document URI. */
  uriOf(fileKey: string): vscode.Uri | undefined;
  /** Document URI -> index file key, or undefined when the document is outside the workspace folders. */
  keyOf(uri: vscode.Uri): string | undefined;
}
