import * as vscode from 'vscode';
import type { IndexReport } from '../../core/indexer';
import type { Diagnostic } from '../../core/types';
import type { IndexStatus } from '../index-service';
import { openIndexOrExplain, type CommandDeps } from './command-deps';

/** cvprd.indexWorkspace: an index run with a cancellable progress notification; resolves to its report. */
export async function indexWorkspace(deps: CommandDeps): Promise<IndexReport | undefined> {
  const report = await deps.index.indexWorkspace({ notify: true });
  if (report && !report.cancelled) {
    void vscode.window.showInformationMessage(`cvPRD: ${describeReport(report)}`);
  }
  return report;
}

/** cvprd.rebuildIndex: deletes the database (moves it aside when it was unreadable) and indexes from scratch. */
export function rebuildIndex(deps: CommandDeps): Promise<IndexReport | undefined> {
  return deps.index.rebuild();
}

/**
 * cvprd.clearIndex: asks, then deletes the database. `{ confirm: false }` skips the question (for tests).
 * Resolves to true when the index was cleared.
 */
export async function clearIndex(deps: CommandDeps, options?: { confirm?: boolean }): Promise<boolean> {
  if (options?.confirm !== false) {
    const answer = await vscode.window.showWarningMessage(
      'Delete the cvPRD index of this workspace?',
      { modal: true, detail: 'Your PRD files are not touched. Search, the explorer and validation stay empty until you index again.' },
      'Clear Index',
    );
    if (answer !== 'Clear Index') return false;
  }
  const cleared = await deps.index.clear();
  if (cleared) void vscode.window.showInformationMessage('cvPRD: the index was cleared. Run "cvPRD: Index Workspace" to build it again.');
  return cleared;
}

/** cvprd.validate: validates the up-to-date index, focuses the Problems panel and summarises; resolves to the findings. */
export async function validatePrds(deps: CommandDeps): Promise<Diagnostic[] | undefined> {
  if (!(await openIndexOrExplain(deps))) return undefined;
  await deps.index.indexWorkspace({ notify: false });
  const index = await deps.index.current();
  if (!index) return undefined;
  const diagnostics = index.validate({ unverifiedSeverity: deps.config.unverifiedSeverity, crossPrdDuplicateSeverity: deps.config.crossPrdDuplicates });
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const files = new Set(diagnostics.map((diagnostic) => diagnostic.file)).size;
  const prdCount = index.snapshot().prds.length;
  const bySeverity = (severity: Diagnostic['severity']) => diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  const summary = diagnostics.length === 0
    ? `cvPRD: no problems in ${plural(prdCount, 'PRD')}.`
    : `cvPRD: ${plural(bySeverity('error'), 'error')}, ${plural(bySeverity('warning'), 'warning')}, ${bySeverity('info').toLocaleString('en-US')} info in ${files} of ${plural(prdCount, 'PRD')}.`;
  deps.log.info(summary);
  void vscode.window.showInformationMessage(summary);
  return diagnostics;
}

/** cvprd.showIndexStatus: counts, database, model and last run in a quick pick; resolves to the status at once. */
export function showIndexStatus(deps: CommandDeps): IndexStatus {
  const status = deps.index.status();
  const facts: vscode.QuickPickItem[] = [
    { label: 'State', description: describeState(status) },
    ...(status.stats
      ? [
        { label: 'PRDs', description: String(status.stats.prds) },
        { label: 'Requirements', description: String(status.stats.requirements) },
        { label: 'Sections', description: String(status.stats.sections) },
        { label: 'Chunks', description: `${status.stats.chunks} (${status.stats.embeddings} embeddings)` },
        { label: 'Links', description: `${status.stats.references} references, ${status.stats.fileLinks} file links, ${status.stats.related} related pairs` },
        { label: 'Database size', description: `${(status.stats.dbBytes / 1024 / 1024).toFixed(1)} MB` },
      ]
      : [{ label: 'Index', description: 'not opened yet' }]),
    { label: 'Database', description: status.dbPath ?? 'none (no workspace folder open)' },
    { label: 'Model folder', description: status.modelDir },
    { label: 'Last run', description: status.lastRun ? `${status.lastRun.finishedAt.toLocaleString()}: ${describeReport(status.lastRun.report)}` : 'none in this session' },
  ];
  const actions = [
    { label: '$(sync) Index Workspace', command: 'cvprd.indexWorkspace' },
    { label: '$(output) Show Log', command: 'cvprd.showLog' },
  ];
  const picker = vscode.window.createQuickPick<vscode.QuickPickItem & { command?: string }>();
  picker.title = 'cvPRD Index Status';
  picker.items = [...facts, { label: '', kind: vscode.QuickPickItemKind.Separator }, ...actions];
  picker.onDidAccept(() => {
    const command = picker.selectedItems[0]?.command;
    picker.hide();
    if (command) void vscode.commands.executeCommand(command);
  });
  picker.onDidHide(() => picker.dispose());
  picker.show();
  return status;
}

function describeState(status: IndexStatus): string {
  const { state } = status;
  if (state.kind === 'indexing') return state.total > 0 ? `indexing ${state.done}/${state.total}` : 'indexing';
  if (state.kind === 'error') return `error: ${state.message}`;
  return 'idle';
}

function describeReport(report: IndexReport): string {
  const parts = [
    `${plural(report.filesIndexed, 'PRD')} indexed`,
    `${report.filesUnchanged} unchanged`,
    report.filesRemoved > 0 ? `${report.filesRemoved} removed` : undefined,
    report.filesFailed > 0 ? `${report.filesFailed} failed` : undefined,
    report.warnings.length > 0 ? plural(report.warnings.length, 'warning') : undefined,
  ];
  return `${parts.filter(Boolean).join(', ')} in ${(report.tookMs / 1000).toFixed(1)} s${report.cancelled ? ' (cancelled)' : ''}`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
