// How requirements look wherever the extension shows them: labels, icons, symbol kinds, text excerpts, hover text.
import * as vscode from 'vscode';
import type { RequirementGraph } from '../../core/graph/requirement-graph';
import type { ChunkType, StoredRequirement } from '../../core/types';

const TYPE_ICONS: Record<ChunkType, string> = {
  overview: 'book',
  objective: 'target',
  requirement: 'checklist',
  feature: 'package',
  user_story: 'person',
  acceptance_criteria: 'pass',
  constraint: 'lock',
  non_functional: 'dashboard',
  stakeholder: 'organization',
  metric: 'graph',
  dependency: 'references',
  risk: 'warning',
  assumption: 'question',
  out_of_scope: 'circle-slash',
  other: 'symbol-misc',
};

const TYPE_SYMBOL_KINDS: Record<ChunkType, vscode.SymbolKind> = {
  overview: vscode.SymbolKind.File,
  objective: vscode.SymbolKind.Key,
  requirement: vscode.SymbolKind.Interface,
  feature: vscode.SymbolKind.Class,
  user_story: vscode.SymbolKind.Object,
  acceptance_criteria: vscode.SymbolKind.Boolean,
  constraint: vscode.SymbolKind.Constant,
  non_functional: vscode.SymbolKind.Property,
  stakeholder: vscode.SymbolKind.Struct,
  metric: vscode.SymbolKind.Number,
  dependency: vscode.SymbolKind.Package,
  risk: vscode.SymbolKind.Event,
  assumption: vscode.SymbolKind.TypeParameter,
  out_of_scope: vscode.SymbolKind.Null,
  other: vscode.SymbolKind.Variable,
};

const EXCERPT_LENGTH = 300;

export function requirementIcon(requirement: StoredRequirement): vscode.ThemeIcon {
  return new vscode.ThemeIcon(requirement.status === 'done' ? 'pass-filled' : TYPE_ICONS[requirement.type] ?? 'symbol-misc');
}

export function requirementSymbolKind(requirement: StoredRequirement): vscode.SymbolKind {
  return TYPE_SYMBOL_KINDS[requirement.type] ?? vscode.SymbolKind.Variable;
}

/** "FR-012 Conflict resolution" */
export function requirementLabel(requirement: StoredRequirement): string {
  return `${requirement.id} ${requirement.title}`;
}

/** "critical · open"; undefined when neither is known. */
export function priorityAndStatus(requirement: StoredRequirement): string | undefined {
  const parts = [requirement.priority, requirement.status && words(requirement.status)].filter((part) => part);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** "requirement · critical · open" */
export function typePriorityStatus(requirement: StoredRequirement): string {
  return [words(requirement.type), priorityAndStatus(requirement)].filter((part) => part).join(' · ');
}

/** 'in_progress' -> 'in progress', 'acceptance_criteria' -> 'acceptance criteria'. */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}

// "**Priority:** P0 · **Status:** Open": the hover and tooltip show these fields already.
const FIELD_LINE = /^\s*(?:\*\*|__)(?:priority|status)\b/i;

const CODE_FENCE = /^\s*(```|~~~)/;

/** The requirement's prose on one line (no field lines, no fenced code), cut at a word boundary near maxLength. */
export function excerpt(text: string, maxLength = EXCERPT_LENGTH): string {
  const prose: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (CODE_FENCE.test(line)) inFence = !inFence;
    else if (!inFence && !FIELD_LINE.test(line)) prose.push(line);
  }
  const flat = prose.join(' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= maxLength) return flat;
  const cut = flat.lastIndexOf(' ', maxLength);
  return `${flat.slice(0, cut > maxLength / 2 ? cut : maxLength).trimEnd()}…`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * Direct neighbours only, as the PRD text states them: what the requirement depends on (outgoing DEPENDS_ON) and what
 * depends on or refines it (incoming DEPENDS_ON and REFINES, as the impact analysis counts them).
 */
export function dependencyCounts(graph: RequirementGraph, key: string): { dependencies: number; dependents: number } {
  return {
    dependencies: graph.dependencies(key, { transitive: false }).length,
    dependents: graph.dependents(key, { transitive: false }).length,
  };
}

/** "2 dependencies · 5 dependents" */
export function dependencySummary(counts: { dependencies: number; dependents: number }): string {
  return `${plural(counts.dependencies, 'dependency', 'dependencies')} · ${plural(counts.dependents, 'dependent')}`;
}

/** A link that opens the file at the line (VS Code's opener understands the `#L<line>` fragment). */
export function lineLink(uri: vscode.Uri | undefined, file: string, line: number): string {
  const text = `${file}:${line}`;
  return uri ? `[${escapeLinkText(text)}](${uri.with({ fragment: `L${line}` }).toString()})` : `\`${text}\``;
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]\\]/g, '\\$&');
}

/**
 * The markdown shared by the explorer's tooltip and the hover: title, type · priority · status, the text excerpt,
 * then "N dependencies · M dependents · file:line".
 */
export function requirementMarkdown(requirement: StoredRequirement, options: { uri: vscode.Uri | undefined; counts?: { dependencies: number; dependents: number } }): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown(`**${escapeMarkdown(requirementLabel(requirement))}**\n\n`);
  markdown.appendMarkdown(`${escapeMarkdown(typePriorityStatus(requirement))}\n\n`);
  const text = excerpt(requirement.text);
  if (text) markdown.appendMarkdown(`${text}\n\n`);
  const footer = [options.counts && dependencySummary(options.counts), lineLink(options.uri, requirement.file, requirement.lines.start)];
  markdown.appendMarkdown(footer.filter((part) => part).join(' · '));
  return markdown;
}

/** Escapes what would change inline formatting (emphasis, code, links, HTML); titles stay readable in the raw value. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, '\\$&');
}
