import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../workspace-index';
import { idAt, openView } from './index-view';
import { dependencyCounts, escapeMarkdown, lineLink, requirementMarkdown } from './requirement-presentation';

/**
 * Hover on a requirement ID: title, type · priority · status, a text excerpt, "N dependencies · M dependents" and a
 * file:line link. An ID that several other PRDs define lists those definitions instead; the second definition of an
 * ID in one PRD describes itself and says it is a duplicate.
 */
export class RequirementHoverProvider implements vscode.HoverProvider {
  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const view = await openView(this.index, this.log, 'hover');
    if (!view) return undefined;
    const fileKey = this.index.keyOf(document.uri);
    const found = idAt(view, document, position, fileKey);
    if (!found) return undefined;
    const duplicate = fileKey !== undefined
      ? view.model.requirementsIn(fileKey).find((entry) => !entry.firstInFile && entry.requirement.id === found.id && entry.requirement.lines.start - 1 === position.line)
      : undefined;
    if (duplicate && found.resolved.length === 1) {
      // The second definition of an ID in one PRD: describe it, not the first definition that mentions resolve to.
      const markdown = requirementMarkdown(duplicate.requirement, { uri: this.index.uriOf(duplicate.requirement.file) });
      const first = found.resolved[0].requirement;
      markdown.appendMarkdown(`\n\nDuplicate ID: ${escapeMarkdown(found.id)} is already defined on line ${first.lines.start} of this PRD, and mentions of it mean that one.`);
      return new vscode.Hover(markdown, found.range);
    }
    if (found.resolved.length === 1) {
      const [definition] = found.resolved;
      const markdown = requirementMarkdown(definition.requirement, {
        uri: this.index.uriOf(definition.requirement.file),
        counts: dependencyCounts(view.graph, definition.key),
      });
      return new vscode.Hover(markdown, found.range);
    }
    const markdown = new vscode.MarkdownString(`**${escapeMarkdown(found.id)}** is defined in ${found.definitions.length} PRDs:\n\n`);
    for (const { requirement } of found.definitions) {
      const prdTitle = view.model.outline(requirement.file)?.title ?? requirement.file;
      markdown.appendMarkdown(`- ${escapeMarkdown(requirement.title)} — ${escapeMarkdown(prdTitle)}, ${lineLink(this.index.uriOf(requirement.file), requirement.file, requirement.lines.start)}\n`);
    }
    return new vscode.Hover(markdown, found.range);
  }
}
