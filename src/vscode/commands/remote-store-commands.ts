import * as vscode from 'vscode';
import type { ConnectionCheck, RemoteSyncReport } from '../../core/backends/remote-stores';
import type { PrdIndex } from '../../core/prd-index';
import { SECTION, SETTING } from '../config';
import { REMOTE_SECRET } from '../remote-secrets';
import { openIndexOrExplain, type CommandDeps } from './command-deps';

const NO_REMOTE_STORES = 'cvPRD uses its local stores: choose Qdrant in "cvprd.vectorStore" or FalkorDB in "cvprd.graphStore" to use a remote store.';

/**
 * cvprd.syncRemoteStores: makes the remote stores match the local index (what changed, or everything with
 * `{ full: true }`), with a cancellable-free progress notification; resolves to the report (undefined without
 * remote stores).
 */
export async function syncRemoteStores(deps: CommandDeps, options?: { full?: boolean }): Promise<RemoteSyncReport | undefined> {
  const index = await openRemoteIndex(deps);
  if (!index) return undefined;
  const report = await withSyncProgress('Syncing remote stores', (onProgress) => index.syncRemote({ full: options?.full, onProgress }));
  showSyncReport(deps, report);
  return report;
}

/**
 * cvprd.checkStoreConnections: each remote store's reachability, version and counts, shown in a message and the log;
 * a Qdrant collection with other vectors gets "Recreate Collection" (after a modal question). Resolves to the checks.
 */
export async function checkStoreConnections(deps: CommandDeps): Promise<ConnectionCheck[] | undefined> {
  const index = await openRemoteIndex(deps);
  if (!index) return undefined;
  const checks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'cvPRD: checking the store connections…' },
    () => index.checkConnections(),
  );
  for (const check of checks) deps.log.info(`store check: ${describeCheck(check)}`);
  const allReachable = checks.every((check) => check.reachable && !check.error);
  const summary = checks.map(describeCheck).join(' · ');
  const mismatch = checks.find((check) => check.collectionMismatch);
  const actions = [...(mismatch ? ['Recreate Collection'] : []), ...(allReachable ? [] : ['Open Settings']), 'Show Log'];
  const show = allReachable ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(`cvPRD: ${summary}`, ...actions).then(async (chosen) => {
    if (chosen === 'Recreate Collection') await recreateCollection(deps, index, mismatch!);
    else if (chosen === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.`);
    else if (chosen === 'Show Log') deps.log.show(true);
  });
  return checks;
}

/** cvprd.setQdrantApiKey: asks for the key (hidden input) and keeps it in SecretStorage; empty removes it. */
export function setQdrantApiKey(deps: CommandDeps, value?: string): Promise<boolean> {
  return setSecret(deps, REMOTE_SECRET.qdrantApiKey, 'Qdrant API key', value);
}

/** cvprd.setFalkorDbPassword: asks for the password (hidden input) and keeps it in SecretStorage; empty removes it. */
export function setFalkorDbPassword(deps: CommandDeps, value?: string): Promise<boolean> {
  return setSecret(deps, REMOTE_SECRET.falkordbPassword, 'FalkorDB password', value);
}

/** `value` comes from tests only; users type it into a password box. Resolves to true when something was stored or removed. */
async function setSecret(deps: CommandDeps, key: string, what: string, value?: string): Promise<boolean> {
  const entered = value ?? await vscode.window.showInputBox({
    title: `cvPRD: ${what}`,
    prompt: `Kept in VS Code's secret storage, never in settings or logs. Leave empty to remove the stored ${what}.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (entered === undefined) return false;
  if (entered.trim() === '') {
    await deps.secrets.delete(key);
    deps.log.info(`removed the stored ${what}`);
  } else {
    await deps.secrets.store(key, entered.trim());
    deps.log.info(`stored a new ${what}`);
  }
  // SecretStorage.onDidChange reconnects the stores with it.
  void vscode.window.showInformationMessage(`cvPRD: ${entered.trim() === '' ? 'removed the' : 'stored the'} ${what}.`);
  return true;
}

async function openRemoteIndex(deps: CommandDeps): Promise<PrdIndex | undefined> {
  const index = await openIndexOrExplain(deps);
  if (!index) return undefined;
  if (index.remoteStatus().length === 0) {
    void vscode.window.showInformationMessage(NO_REMOTE_STORES, 'Open Settings').then((chosen) => {
      if (chosen) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${SETTING.vectorStore}`);
    });
    return undefined;
  }
  return index;
}

async function recreateCollection(deps: CommandDeps, index: PrdIndex, check: ConnectionCheck): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    `Delete and recreate the Qdrant collection of ${check.label}?`,
    { modal: true, detail: `${check.error ?? ''}\nIts points are deleted and pushed again from the local index. Other repositories that share this collection lose their points until they sync.` },
    'Recreate Collection',
  );
  if (answer !== 'Recreate Collection') return;
  const report = await withSyncProgress('Recreating the Qdrant collection', (onProgress) => index.recreateVectorCollection({ onProgress }));
  showSyncReport(deps, report);
}

function withSyncProgress(title: string, run: (onProgress: (step: { backend: string; done: number; total: number }) => void) => Promise<RemoteSyncReport>): Thenable<RemoteSyncReport> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `cvPRD: ${title}` }, (progress) => {
    const percents = new Map<string, number>();
    return run((step) => {
      const percent = step.total > 0 ? (100 * step.done) / step.total : 0;
      const increment = (percent - (percents.get(step.backend) ?? 0)) / 2;
      percents.set(step.backend, percent);
      progress.report({ message: `${step.backend} ${step.done}/${step.total} files`, increment });
    });
  });
}

function showSyncReport(deps: CommandDeps, report: RemoteSyncReport): void {
  const parts = report.backends.map((backend) => backend.ok
    ? `${backend.backend}: ${backend.filesPushed} file(s) pushed, ${backend.filesRemoved} removed, ${backend.filesUnchanged} unchanged`
    : `${backend.backend}: ${backend.error ?? 'failed'}${backend.unavailable ? ' (the local index answers meanwhile; changes stay pending)' : ''}`);
  for (const part of parts) deps.log.info(`sync: ${part}`);
  if (report.ok) void vscode.window.showInformationMessage(`cvPRD: remote stores in sync. ${parts.join('; ')}`);
  else {
    void vscode.window.showWarningMessage(`cvPRD: ${parts.join('; ')}`, 'Check Store Connections', 'Show Log').then((chosen) => {
      if (chosen === 'Check Store Connections') void vscode.commands.executeCommand('cvprd.checkStoreConnections');
      else if (chosen === 'Show Log') deps.log.show(true);
    });
  }
}

function describeCheck(check: ConnectionCheck): string {
  if (!check.reachable) return `${check.label}: unreachable (${check.error ?? 'no answer'})`;
  const counts = check.counts && ('points' in check.counts ? `${check.counts.points} points` : `${check.counts.nodes} nodes, ${check.counts.edges} edges`);
  return `${check.label}: ${check.version ?? 'reachable'}${counts ? `, ${counts}` : ''}${check.error ? ` (${check.error})` : ''}`;
}
