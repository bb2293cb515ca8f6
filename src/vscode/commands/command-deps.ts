import * as vscode from 'vscode';
import type { PrdIndex } from '../../core/prd-index';
import type { Config } from '../config';
import type { WorkspaceIndexService } from '../index-service';

/** What every command gets from registerCommands. */
export interface CommandDeps {
  index: WorkspaceIndexService;
  config: Config;
  log: vscode.LogOutputChannel;
  /** The extension's SecretStorage: the remote stores' credentials. */
  secrets: vscode.SecretStorage;
}

/**
 * The open index, or undefined (after telling the user why) when no folder is open or the index was cleared.
 * Errors opening it propagate to the caller.
 */
export async function openIndexOrExplain(deps: CommandDeps): Promise<PrdIndex | undefined> {
  const index = await deps.index.current();
  if (index) return index;
  if (deps.index.cleared) {
    void vscode.window.showInformationMessage('The cvPRD index was cleared.', 'Index Workspace').then((chosen) => {
      if (chosen) void vscode.commands.executeCommand('cvprd.indexWorkspace');
    });
  } else {
    void vscode.window.showInformationMessage('cvPRD works on the PRD files of a workspace folder: open a folder first.', 'Open Folder').then((chosen) => {
      if (chosen) void vscode.commands.executeCommand('vscode.openFolder');
    });
  }
  return undefined;
}
