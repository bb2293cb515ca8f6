import * as path from 'node:path';
import * as vscode from 'vscode';
import { toCsv, toCytoscapeJson, toGraphMl, toTraceabilityMatrix } from '../../core/graph/export';
import type { RequirementGraph } from '../../core/graph/requirement-graph';
import { openIndexOrExplain, type CommandDeps } from './command-deps';

export const EXPORT_FORMATS = {
  json: { label: 'JSON', description: 'Cytoscape elements: nodes and edges', extension: 'json' },
  graphml: { label: 'GraphML', description: 'for yEd, Gephi and other graph tools', extension: 'graphml' },
  csv: { label: 'CSV', description: 'two tables: nodes, and edges beside them (<name>.edges.csv)', extension: 'csv' },
  markdown: { label: 'Markdown matrix', description: 'traceability: what verifies and implements each requirement', extension: 'md' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export interface ExportGraphArguments {
  format?: ExportFormat;
  /** File to write (a Uri or an absolute path); skips the save dialog. */
  target?: vscode.Uri | string;
}

/** cvprd.exportGraph: the whole requirements graph to a file the user chooses; resolves to the files written. */
export async function exportGraph(deps: CommandDeps, args?: ExportGraphArguments): Promise<vscode.Uri[] | undefined> {
  const index = await openIndexOrExplain(deps);
  if (!index) return undefined;
  const format = args?.format ?? (await pickFormat());
  if (!format) return undefined;
  if (!(format in EXPORT_FORMATS)) throw new Error(`Unknown export format "${format}"; use one of ${Object.keys(EXPORT_FORMATS).join(', ')}.`);
  const target = args?.target !== undefined ? toUri(args.target) : await askTarget(format);
  if (!target) return undefined;
  const graph = index.graph();
  const written: vscode.Uri[] = [];
  for (const [uri, text] of render(graph, format, target)) {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    written.push(uri);
  }
  const message = `Exported ${graph.nodeCount} nodes and ${graph.edgeCount} edges to ${written.map((uri) => path.basename(uri.fsPath)).join(' and ')}.`;
  deps.log.info(`${message} (${written.map((uri) => uri.fsPath).join(', ')})`);
  void vscode.window.showInformationMessage(`cvPRD: ${message}`, 'Open').then((chosen) => {
    if (chosen) void vscode.commands.executeCommand('vscode.open', written[0]);
  });
  return written;
}

function render(graph: RequirementGraph, format: ExportFormat, target: vscode.Uri): [vscode.Uri, string][] {
  switch (format) {
    case 'json':
      return [[target, `${JSON.stringify(toCytoscapeJson(graph.all()), null, 2)}\n`]];
    case 'graphml':
      return [[target, toGraphMl(graph.all())]];
    case 'csv': {
      const tables = toCsv(graph.all());
      const edgesFile = target.with({ path: `${target.path.replace(/\.csv$/i, '')}.edges.csv` });
      return [[target, tables.nodes], [edgesFile, tables.edges]];
    }
    case 'markdown':
      return [[target, toTraceabilityMatrix(graph)]];
  }
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const items = Object.entries(EXPORT_FORMATS).map(([format, info]) => ({ label: info.label, description: info.description, format: format as ExportFormat }));
  return (await vscode.window.showQuickPick(items, { title: 'cvPRD: Export Graph', placeHolder: 'Format' }))?.format;
}

async function askTarget(format: ExportFormat): Promise<vscode.Uri | undefined> {
  const { extension, label } = EXPORT_FORMATS[format];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = format === 'markdown' ? 'traceability-matrix.md' : `requirements-graph.${extension}`;
  return vscode.window.showSaveDialog({
    title: 'cvPRD: Export Graph',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [label]: [extension] },
    saveLabel: 'Export',
  });
}

function toUri(target: vscode.Uri | string): vscode.Uri {
  return typeof target === 'string' ? vscode.Uri.file(target) : target;
}
