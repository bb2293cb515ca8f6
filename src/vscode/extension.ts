import * as vscode from 'vscode';
import { Config } from './config';
import { FEATURES } from './features';
import { WorkspaceIndexService } from './index-service';

/** What activate() returns (extension.exports): the workspace index, for tests and other extensions. */
export interface CvprdExtensionApi {
  readonly index: WorkspaceIndexService;
}

let shutDown: (() => Promise<void>) | undefined;

/**
 * The composition root: settings, the log and the workspace index, then every feature once. Nothing heavy runs
 * here: the index opens on first use (the start-up reconcile, in the background), the model on the first embedding.
 */
export function activate(context: vscode.ExtensionContext): CvprdExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('cvPRD', { log: true });
  const config = new Config(context.extensionPath);
  const index = new WorkspaceIndexService(context, config, log);
  context.subscriptions.push(index, config, log);
  shutDown = () => index.close();
  for (const feature of FEATURES) feature({ context, index, config, log });
  index.start();
  log.info(`activated in ${Math.round(performance.now() - started)} ms (VS Code ${vscode.version}, workspace trusted: ${vscode.workspace.isTrusted})`);
  return { index };
}

/** Waits for the index to close: a running index run stops, the database closes, the embedding process ends. */
export function deactivate(): Promise<void> | undefined {
  return shutDown?.();
}
