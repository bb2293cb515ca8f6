import * as vscode from 'vscode';
import { indexServiceOf, type IndexState } from '../index-service';
import type { FeatureContext } from '.';

const PRIORITY = 50;

/** One item: indexing progress, the requirement count when idle, or the last error with the action that fixes it. */
export function registerStatusBar({ context, index }: FeatureContext): void {
  const service = indexServiceOf(index);
  const item = vscode.window.createStatusBarItem('cvprd.status', vscode.StatusBarAlignment.Left, PRIORITY);
  item.name = 'cvPRD Index';
  const show = (state: IndexState): void => {
    Object.assign(item, presentation(state));
    item.show();
  };
  show(service.state);
  context.subscriptions.push(item, service.onDidChangeState(show));
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
