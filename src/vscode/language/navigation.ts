// Go to Definition and Find All References on requirement IDs.
import * as vscode from 'vscode';
import type { EdgeKind } from '../../core/types';
import type { WorkspaceIndex } from '../workspace-index';
import { idRangesOnLine, LineReader } from './id-locations';
import { idAt, openView } from './index-view';
import type { OutlineRequirement } from './prd-model';

/** The edges a written mention of an ID produces (CONTAINS, LINKS_TO and RELATED_TO are not mentions). */
const MENTION_KINDS: readonly EdgeKind[] = ['DEPENDS_ON', 'REFINES', 'IMPLEMENTS', 'VERIFIES', 'CONFLICTS_WITH', 'REFERENCES'];

export class RequirementDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  /** Every definition of the ID, the one in this document first; each selects the ID on its line. */
  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DefinitionLink[] | undefined> {
    const view = await openView(this.index, this.log, 'definition');
    if (!view) return undefined;
    const found = idAt(view, document, position, this.index.keyOf(document.uri));
    if (!found) return undefined;
    const reader = new LineReader();
    const links: vscode.DefinitionLink[] = [];
    for (const definition of found.definitions) {
      const location = await definitionLocation(this.index, reader, definition);
      if (!location) continue;
      const { requirement } = definition;
      links.push({
        originSelectionRange: found.range,
        targetUri: location.uri,
        targetRange: new vscode.Range(requirement.lines.start - 1, 0, requirement.lines.end, 0),
        targetSelectionRange: location.range,
      });
    }
    return links;
  }
}

export class RequirementReferenceProvider implements vscode.ReferenceProvider {
  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  /**
   * Every mention the index resolved to the requirement under the cursor (an ID that several other PRDs define
   * counts for all of them), each at its column; the definition too when includeDeclaration is set.
   */
  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): Promise<vscode.Location[] | undefined> {
    const view = await openView(this.index, this.log, 'references');
    if (!view) return undefined;
    const found = idAt(view, document, position, this.index.keyOf(document.uri));
    if (!found) return undefined;
    const targets = found.resolved.length > 0 ? found.resolved : found.definitions;
    const reader = new LineReader();
    const locations: vscode.Location[] = [];
    if (context.includeDeclaration) {
      for (const target of targets) {
        const location = await definitionLocation(this.index, reader, target);
        if (location) locations.push(location);
      }
    }
    const mentionLines = new Map<string, { file: string; line: number }>();
    for (const target of targets) {
      for (const edge of view.graph.incoming(target.key, MENTION_KINDS)) {
        if (edge.line !== undefined) mentionLines.set(`${edge.file}\u0000${edge.line}`, { file: edge.file, line: edge.line });
      }
    }
    const inOrder = [...mentionLines.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    for (const { file, line } of inOrder) {
      const uri = this.index.uriOf(file);
      if (!uri) continue;
      const text = (await reader.line(uri, line - 1)) ?? '';
      for (const range of idRangesOnLine(text, line - 1, found.id)) locations.push(new vscode.Location(uri, range));
    }
    return locations;
  }
}

/** The ID on the first line of its definition. */
async function definitionLocation(index: WorkspaceIndex, reader: LineReader, definition: OutlineRequirement): Promise<vscode.Location | undefined> {
  const { requirement } = definition;
  const uri = index.uriOf(requirement.file);
  if (!uri) return undefined;
  const line = requirement.lines.start - 1;
  const [range] = idRangesOnLine((await reader.line(uri, line)) ?? '', line, requirement.id);
  return new vscode.Location(uri, range);
}
