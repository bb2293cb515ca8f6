import * as vscode from 'vscode';
import type { IndexReport } from '../../core/indexer';
import type { Diagnostic } from '../../core/types';
import { SETTING } from '../config';
import type { WorkspaceIndex } from '../workspace-index';
import type { Feature } from './index';

const SOURCE = 'cvPRD';

/** A core diagnostic, or one about a whole file from an index run ('not-indexed'). */
type Problem = Omit<Diagnostic, 'code'> & { code: Diagnostic['code'] | 'not-indexed' };
const SEVERITIES: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};
/** Index changes come in bursts (a run fires once, but saves and watchers follow each other): validate once per burst. */
const REFRESH_DELAY_MS = 50;

/**
 * The Problems panel: the core's validation (duplicate IDs, unknown and ambiguous references, cycles, unverified
 * requirements, empty sections, parse warnings stored with each file) plus the files the last index run could not index.
 * Recomputed on every index change and on changes of the validation settings; files without problems are cleared.
 */
export const registerDiagnostics: Feature = ({ context, index, config, log }) => {
  const collection = vscode.languages.createDiagnosticCollection('cvprd');
  let timer: NodeJS.Timeout | undefined;

  // peek(), not current(): the index service opens the index for its start-up run and fires onDidChange after it, and
  // after Clear Index the diagnostics must go away rather than re-create the database.
  const refresh = () => {
    const prdIndex = index.peek();
    const problems: Problem[] = prdIndex
      ? [
        ...prdIndex.validate({ unverifiedSeverity: config.unverifiedSeverity, crossPrdDuplicateSeverity: config.crossPrdDuplicates }),
        ...failedFiles(lastReportOf(index)),
      ]
      : [];
    publish(collection, index, problems);
  };
  const scheduleRefresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      try {
        refresh();
      } catch (error) {
        log.error(`diagnostics: validating the index failed: ${(error as Error).stack ?? error}`);
      }
    }, REFRESH_DELAY_MS);
  };

  context.subscriptions.push(
    collection,
    { dispose: () => clearTimeout(timer) },
    index.onDidChange(scheduleRefresh),
    config.onDidChange((change) => {
      if (change.affects(SETTING.unverifiedSeverity) || change.affects(SETTING.crossPrdDuplicates)) scheduleRefresh();
    }),
  );
};

/** lastReport() belongs to the index service, not to the WorkspaceIndex contract: read it when it is there. */
function lastReportOf(index: WorkspaceIndex): IndexReport | undefined {
  return 'lastReport' in index && typeof index.lastReport === 'function' ? (index.lastReport as () => IndexReport | undefined)() : undefined;
}

function publish(collection: vscode.DiagnosticCollection, index: WorkspaceIndex, problems: Problem[]): void {
  const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  for (const problem of problems) {
    const uri = index.uriOf(problem.file);
    if (!uri) continue;
    let entry = byUri.get(uri.toString());
    if (!entry) byUri.set(uri.toString(), (entry = { uri, diagnostics: [] }));
    entry.diagnostics.push(toVscodeDiagnostic(index, problem));
  }
  const stale: vscode.Uri[] = [];
  collection.forEach((uri) => {
    if (!byUri.has(uri.toString())) stale.push(uri);
  });
  for (const uri of stale) collection.delete(uri);
  for (const { uri, diagnostics } of byUri.values()) collection.set(uri, diagnostics);
}

function toVscodeDiagnostic(index: WorkspaceIndex, problem: Problem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(lineRange(problem.line), problem.message, SEVERITIES[problem.severity]);
  diagnostic.code = problem.code;
  diagnostic.source = SOURCE;
  const related = (problem.related ?? []).flatMap((other) => {
    const uri = index.uriOf(other.file);
    return uri ? [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, lineRange(other.line)), other.message)] : [];
  });
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/** The whole (1-based) line; the editor clamps the end to the line's length. */
function lineRange(line: number): vscode.Range {
  const zeroBased = Math.max(line - 1, 0);
  return new vscode.Range(zeroBased, 0, zeroBased, Number.MAX_SAFE_INTEGER);
}

/** Files the last index run could not index (unreadable, binary, not parseable): they are retried by every run. */
function failedFiles(report: IndexReport | undefined): Problem[] {
  return (report?.errors ?? []).map((problem) => ({
    code: 'not-indexed', severity: 'warning', file: problem.file, line: 1, message: `Not indexed: ${problem.message}`,
  }));
}
