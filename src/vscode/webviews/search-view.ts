import * as vscode from 'vscode';
import type { SearchViewAction, SearchViewStatus, SearchViewUpdate } from '../../../webview/protocol';
import { openLocation } from '../commands/open-location';
import { SECTION } from '../config';
import type { FeatureContext } from '../features';
import { indexServiceOf, type WorkspaceIndexService } from '../index-service';
import { searchViewStatus } from './search-view-model';
import { SearchViewSession } from './search-view-session';
import { webviewHtml, webviewOptions } from './webview-html';

export const SEARCH_VIEW_ID = 'cvprd.search';

/** The Search view of the cvPRD container: live hybrid search over the workspace's PRDs (webview/search). */
export function registerSearchView({ context, index, config, log }: FeatureContext): void {
  const service = indexServiceOf(index);
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      view.webview.options = webviewOptions(context.extensionUri);
      view.webview.html = webviewHtml(view.webview, context.extensionUri, { script: 'search.js', title: 'cvPRD Search', styles: ['search.css'] });
      const post = (update: SearchViewUpdate): void => {
        view.webview.postMessage(update).then(undefined, (error: Error) => log.debug(`search view: a message was not delivered: ${error.message}`));
      };
      const session = new SearchViewSession({
        post,
        log,
        index: () => service.current(),
        status: () => currentStatus(service, config.include),
        resultCount: () => config.resultCount,
        open: (file, lines) => openLocation(service, file, lines),
        copyText: async (text, what) => {
          await vscode.env.clipboard.writeText(text);
          vscode.window.setStatusBarMessage(`cvPRD: copied ${what}`, 3000);
        },
        executeCommand: (command, argument) => Promise.resolve(vscode.commands.executeCommand(command, argument)),
        runAction: (action) => Promise.resolve(runAction(service, action)),
        showError: (message) => void vscode.window.showErrorMessage(`cvPRD: ${message}`),
      });
      const subscriptions = [
        view.webview.onDidReceiveMessage((message: unknown) => void session.handle(message)),
        service.onDidChangeState(() => session.postStatus()),
        service.onDidChange(() => {
          session.postStatus();
          post({ type: 'indexChanged' });
        }),
      ];
      view.onDidDispose(() => subscriptions.forEach((subscription) => subscription.dispose()));
    },
  };
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(SEARCH_VIEW_ID, provider));
}

function currentStatus(service: WorkspaceIndexService, include: string[]): SearchViewStatus {
  // Indexing reports each file and an error replaces the list: only an idle index has counts worth reading.
  const index = service.state.kind === 'idle' ? service.peek() : undefined;
  const stats = index?.store.stats();
  return searchViewStatus({
    hasFolder: (vscode.workspace.workspaceFolders ?? []).some((folder) => folder.uri.scheme === 'file'),
    cleared: service.cleared,
    state: service.state,
    ranOnce: service.lastReport() !== undefined,
    counts: stats && { prds: stats.prds, requirements: stats.requirements },
    prds: index ? index.store.prds().map((prd) => ({ file: prd.file, title: prd.meta.title })) : [],
    include,
  });
}

function runAction(service: WorkspaceIndexService, action: SearchViewAction): Thenable<unknown> {
  switch (action) {
    case 'indexWorkspace':
      return vscode.commands.executeCommand('cvprd.indexWorkspace');
    case 'rebuildIndex':
      return vscode.commands.executeCommand('cvprd.rebuildIndex');
    case 'showLog':
      return vscode.commands.executeCommand('cvprd.showLog');
    case 'openFolder':
      // Without a folder argument VS Code asks for one with its folder dialog.
      return vscode.commands.executeCommand('vscode.openFolder');
    case 'openSettings': {
      const { state } = service;
      return vscode.commands.executeCommand('workbench.action.openSettings', state.kind === 'error' && state.setting ? state.setting : SECTION);
    }
  }
}
