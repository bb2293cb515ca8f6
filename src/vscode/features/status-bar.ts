import * as vscode from 'vscode';
import type { RemoteBackendStatus } from '../../core/backends/remote-stores';
import { indexServiceOf, type IndexState } from '../index-service';
import type { FeatureContext } from '.';

const PRIORITY = 50;

/**
 * One item: indexing progress, the requirement count when idle, or the last error with the action that fixes it.
 * A second one while remote stores are configured: whether they answer or the local stores stand in.
 */
export function registerStatusBar({ context, index }: FeatureContext): void {
  const service = indexServiceOf(index);
  const item = vscode.window.createStatusBarItem('cvprd.status', vscode.StatusBarAlignment.Left, PRIORITY);
  item.name = 'cvPRD Index';
  const show = (state: IndexState): void => {
    Object.assign(item, presentation(state));
    item.show();
  };
  show(service.state);
  const remoteItem = vscode.window.createStatusBarItem('cvprd.remoteStores', vscode.StatusBarAlignment.Left, PRIORITY - 1);
  remoteItem.name = 'cvPRD Remote Stores';
  remoteItem.command = 'cvprd.checkStoreConnections';
  const showRemote = (statuses: RemoteBackendStatus[]): void => {
    if (statuses.length === 0) {
      remoteItem.hide();
      return;
    }
    Object.assign(remoteItem, remotePresentation(statuses));
    remoteItem.show();
  };
  showRemote(service.remoteStatus());
  context.subscriptions.push(item, remoteItem, service.onDidChangeState(show), service.onDidChangeRemoteStatus(showRemote));
}

function remotePresentation(statuses: RemoteBackendStatus[]): Pick<vscode.StatusBarItem, 'text' | 'tooltip' | 'backgroundColor' | 'accessibilityInformation'> {
  const fallback = statuses.filter((status) => status.usingFallback);
  const syncing = statuses.some((status) => status.syncing);
  const lines = statuses.map((status) => {
    const pending = status.pendingFiles ? `, ${status.pendingFiles} file(s) pending` : '';
    const state = status.usingFallback ? `local ${status.role === 'vectors' ? 'vector index' : 'graph'} answers${status.error ? ` (${status.error})` : ''}` : status.state === 'ok' ? 'answering' : 'not used yet';
    return `${status.label}: ${state}${pending}${status.syncing ? ', syncing' : ''}`;
  });
  const tooltip = `cvPRD remote stores\n${lines.join('\n')}\nClick: Check Store Connections`;
  if (fallback.length > 0) {
    const names = fallback.map((status) => status.backend === 'qdrant' ? 'Qdrant' : 'FalkorDB').join(', ');
    return {
      text: `$(cloud-offline) ${names}: local fallback`,
      tooltip,
      backgroundColor: new vscode.ThemeColor('statusBarItem.warningBackground'),
      accessibilityInformation: { label: `cvPRD: ${names} not answering, the local stores answer instead. Check store connections.`, role: 'button' },
    };
  }
  const text = syncing ? '$(sync~spin) remote stores' : '$(cloud) remote stores';
  return {
    text,
    tooltip,
    backgroundColor: undefined,
    accessibilityInformation: { label: `cvPRD remote stores ${syncing ? 'syncing' : 'answering'}. Check store connections.`, role: 'button' },
  };
}

function presentation(state: IndexState): Pick<vscode.StatusBarItem, 'text' | 'tooltip' | 'command' | 'backgroundColor' | 'accessibilityInformation'> {
  switch (state.kind) {
    case 'indexing': {
      const counts = state.total > 0 ? ` ${state.done}/${state.total}` : '';
      return {
        text: `$(sync~spin) cvPRD${counts}`,
        tooltip: 'cvPRD is indexing the workspace PRDs',
        command: 'cvprd.showLog',
        backgroundColor: undefined,
        accessibilityInformation: { label: state.total > 0 ? `cvPRD indexing, ${state.done} of ${state.total} PRD files` : 'cvPRD indexing', role: 'button' },
      };
    }
    case 'idle': {
      const text = state.requirementCount === undefined ? 'cvPRD' : `${state.requirementCount.toLocaleString('en-US')} requirements`;
      return {
        text: `$(checklist) ${text}`,
        tooltip: 'cvPRD: show the index status',
        command: 'cvprd.showIndexStatus',
        backgroundColor: undefined,
        accessibilityInformation: { label: `cvPRD, ${text}; show the index status`, role: 'button' },
      };
    }
    case 'error':
      return {
        text: '$(error) cvPRD',
        tooltip: `cvPRD: ${state.message}\nClick: ${state.action}`,
        command: errorCommand(state),
        backgroundColor: new vscode.ThemeColor('statusBarItem.errorBackground'),
        accessibilityInformation: { label: `cvPRD error: ${state.message}. Activate: ${state.action}.`, role: 'button' },
      };
  }
}

function errorCommand(state: Extract<IndexState, { kind: 'error' }>): vscode.Command | string {
  if (state.action === 'Rebuild Index') return 'cvprd.rebuildIndex';
  if (state.action === 'Open Settings') return { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: [state.setting] };
  return 'cvprd.showLog';
}
