import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../workspace-index';
import { openView } from './index-view';
import { requirementMarkdown } from './requirement-presentation';

/** An ID being typed, up to the cursor: "FR-", "fr-01", "OT-P0-0". */
const ID_PREFIX = /[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]*)*$/;

/** Typing '-' after an ID prefix ("FR-") asks for completions even where quick suggestions are off, as in markdown. */
export const COMPLETION_TRIGGER_CHARACTERS = ['-'];

/**
 * Completes known requirement IDs from the word being typed: one item per ID (detail = title, documentation = the
 * excerpt), the IDs defined in this PRD first.
 */
export class RequirementCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const typed = ID_PREFIX.exec(document.lineAt(position.line).text.slice(0, position.character))?.[0];
    if (!typed) return undefined;
    const view = await openView(this.index, this.log, 'completion');
    if (!view) return undefined;
    const fileKey = this.index.keyOf(document.uri);
    const range = new vscode.Range(position.line, position.character - typed.length, position.line, position.character);
    const prefix = typed.toUpperCase();
    const items: vscode.CompletionItem[] = [];
    for (const [id, definitions] of view.model.definitionsById) {
      if (!id.toUpperCase().startsWith(prefix)) continue;
      const definition = definitions.find((candidate) => candidate.requirement.file === fileKey) ?? definitions[0];
      const { requirement } = definition;
      const item = new vscode.CompletionItem(id, vscode.CompletionItemKind.Reference);
      item.detail = requirement.title;
      item.documentation = requirementMarkdown(requirement, { uri: this.index.uriOf(requirement.file) });
      item.range = range;
      item.filterText = id;
      item.sortText = `${requirement.file === fileKey ? 0 : 1}${id}`;
      items.push(item);
    }
    return items;
  }
}
