// The outline of a PRD (headings nested, requirements inside them) and Go to Symbol in Workspace over every requirement.
import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../workspace-index';
import { idColumns } from './id-locations';
import { openView, peekView } from './index-view';
import type { OutlineEntry } from './prd-model';
import { requirementLabel, requirementSymbolKind, typePriorityStatus } from './requirement-presentation';

export class PrdDocumentSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly index: WorkspaceIndex) {}

  /** Undefined for markdown that is not an indexed PRD, so only the built-in heading outline shows there. */
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] | undefined {
    const fileKey = this.index.keyOf(document.uri);
    const outline = fileKey !== undefined ? peekView(this.index)?.model.outline(fileKey) : undefined;
    return outline && outline.entries.map((entry) => documentSymbol(document, entry));
  }
}

/** Index lines are 1-based and may be stale against unsaved edits: clamp them into the document. */
function documentSymbol(document: vscode.TextDocument, entry: OutlineEntry): vscode.DocumentSymbol {
  const lines = entry.kind === 'section' ? entry.section.lines : entry.requirement.lines;
  const last = document.lineCount - 1;
  const start = Math.min(lines.start - 1, last);
  const end = Math.max(start, Math.min(lines.end - 1, last));
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  const startLine = document.lineAt(start);
  let symbol: vscode.DocumentSymbol;
  if (entry.kind === 'section') {
    symbol = new vscode.DocumentSymbol(entry.section.title || '(untitled)', '', vscode.SymbolKind.Namespace, range, startLine.range);
  } else {
    const { requirement } = entry;
    const [column] = idColumns(startLine.text, requirement.id);
    const selection = column === undefined ? startLine.range : new vscode.Range(start, column, start, column + requirement.id.length);
    symbol = new vscode.DocumentSymbol(requirementLabel(requirement), typePriorityStatus(requirement), requirementSymbolKind(requirement), range, selection);
  }
  symbol.children = entry.children.map((child) => documentSymbol(document, child));
  return symbol;
}

export class RequirementWorkspaceSymbolProvider implements vscode.WorkspaceSymbolProvider {
  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  /**
   * Every requirement whose name ("FR-001 Title") contains the query's characters in order, case-insensitively (the
   * relaxed match VS Code asks for: it scores and highlights the results itself); the container is the PRD's title.
   */
  async provideWorkspaceSymbols(query: string): Promise<vscode.SymbolInformation[]> {
    const view = await openView(this.index, this.log, 'workspace symbols');
    if (!view) return [];
    const wanted = query.toLowerCase().replace(/\s+/g, '');
    const symbols: vscode.SymbolInformation[] = [];
    for (const prd of view.model.prds) {
      const uri = this.index.uriOf(prd.file);
      if (!uri) continue;
      for (const { requirement } of view.model.requirementsIn(prd.file)) {
        const name = requirementLabel(requirement);
        if (!containsInOrder(name.toLowerCase(), wanted)) continue;
        const line = requirement.lines.start - 1;
        symbols.push(new vscode.SymbolInformation(name, requirementSymbolKind(requirement), prd.title, new vscode.Location(uri, new vscode.Range(line, 0, line, 0))));
      }
    }
    return symbols;
  }
}

function containsInOrder(text: string, characters: string): boolean {
  let from = 0;
  for (const character of characters) {
    from = text.indexOf(character, from) + 1;
    if (from === 0) return false;
  }
  return true;
}
