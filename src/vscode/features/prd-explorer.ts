import * as vscode from 'vscode';
import { prdModelOf, type OutlineEntry, type OutlineRequirement, type OutlineSection, type PrdOutline } from '../language/prd-model';
import {
  escapeMarkdown, lineLink, plural, priorityAndStatus, requirementIcon, requirementLabel, requirementMarkdown, words,
} from '../language/requirement-presentation';
import type { WorkspaceIndex } from '../workspace-index';
import type { Feature } from './index';

const VIEW_ID = 'cvprd.explorer';
/** The manifest's view/item/context menus show the requirement commands for this value. */
const REQUIREMENT_CONTEXT_VALUE = 'requirement';

/**
 * A node of the PRD Explorer. A requirement passed to a command from the view's context menu is an
 * OutlineRequirement: its `key` is the GraphNode key (`req:<file>::<id>`), as the commands' targetRequirement reads it.
 */
export type ExplorerElement = PrdOutline | OutlineEntry;

/**
 * The workspace's PRDs -> their headings -> requirements, from the index snapshot (the model is built once per
 * index generation). Headings with no requirement anywhere below them are left out: the view is for finding
 * requirements, the editor's outline shows every heading. A PRD's single top-level heading (its H1, normally the
 * title again) is skipped so that its sections sit right under the PRD. Only requirements carry a command (open at
 * their lines): VS Code expands an item with a command only from its twistie, and PRDs and headings should expand on click.
 */
export class PrdExplorerProvider implements vscode.TreeDataProvider<ExplorerElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(private readonly index: WorkspaceIndex, private readonly log: vscode.LogOutputChannel) {}

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getChildren(element?: ExplorerElement): ExplorerElement[] {
    if (element) return shownChildren(element.kind === 'prd' ? topLevelOf(element) : element.children);
    // Not opened here: the index service opens it for its start-up run and fires onDidChange when that is done, and
    // after Clear Index the view must not re-create the database. An empty or unopened index shows the welcome content.
    const prdIndex = this.index.peek();
    if (!prdIndex) return [];
    try {
      return prdModelOf(prdIndex.snapshot()).prds;
    } catch (error) {
      this.log.error(`PRD Explorer: reading the index failed: ${(error as Error).stack ?? error}`);
      return [];
    }
  }

  getTreeItem(element: ExplorerElement): vscode.TreeItem {
    switch (element.kind) {
      case 'prd':
        return this.prdItem(element);
      case 'section':
        return this.sectionItem(element);
      case 'requirement':
        return this.requirementItem(element);
    }
  }

  private prdItem(prd: PrdOutline): vscode.TreeItem {
    const item = new vscode.TreeItem(prd.title, collapsible(shownChildren(topLevelOf(prd)).length > 0));
    item.id = `prd:${prd.file}`;
    item.description = `${prd.file} · ${plural(prd.requirementCount, 'requirement')}`;
    // The file's icon from the icon theme, and the Problems colour of the file on the label.
    item.resourceUri = this.index.uriOf(prd.file);
    item.iconPath = vscode.ThemeIcon.File;
    const { meta } = prd.prd;
    const tooltip = new vscode.MarkdownString(`**${escapeMarkdown(prd.title)}**\n\n`);
    const facts = [meta.status && words(meta.status), meta.priority, meta.owner, meta.version && `v${meta.version}`].filter((fact) => fact);
    if (facts.length > 0) tooltip.appendMarkdown(`${escapeMarkdown(facts.join(' · '))}\n\n`);
    tooltip.appendMarkdown(`${plural(prd.requirementCount, 'requirement')} · ${lineLink(item.resourceUri, prd.file, 1)}`);
    item.tooltip = tooltip;
    return item;
  }

  private sectionItem(entry: OutlineSection): vscode.TreeItem {
    const { section } = entry;
    const item = new vscode.TreeItem(section.title || '(untitled)', collapsible(true));
    item.id = `sec:${section.file}::${section.key}`;
    item.description = plural(entry.requirementCount, 'requirement');
    item.iconPath = new vscode.ThemeIcon('list-tree');
    item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(section.headingPath.join(' › '))}**\n\n${plural(entry.requirementCount, 'requirement')} · ${lineLink(this.index.uriOf(section.file), section.file, section.lines.start)}`);
    return item;
  }

  private requirementItem(entry: OutlineRequirement): vscode.TreeItem {
    const { requirement } = entry;
    const item = new vscode.TreeItem(requirementLabel(requirement), collapsible(shownChildren(entry.children).length > 0));
    // The line keeps a duplicated ID's second definition apart from the first.
    item.id = `${entry.key}@${requirement.lines.start}`;
    item.description = priorityAndStatus(requirement);
    item.iconPath = requirementIcon(requirement);
    item.contextValue = REQUIREMENT_CONTEXT_VALUE;
    item.tooltip = requirementMarkdown(requirement, { uri: this.index.uriOf(requirement.file) });
    // cvprd.openLocation takes the index file key and 1-based, inclusive lines.
    item.command = { command: 'cvprd.openLocation', title: 'Open in Editor', arguments: [requirement.file, requirement.lines.start, requirement.lines.end] };
    return item;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

function collapsible(hasChildren: boolean): vscode.TreeItemCollapsibleState {
  return hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
}

function topLevelOf(prd: PrdOutline): OutlineEntry[] {
  const [only] = prd.entries;
  return prd.entries.length === 1 && only.kind === 'section' && only.section.level === 1 ? only.children : prd.entries;
}

function shownChildren(entries: OutlineEntry[]): OutlineEntry[] {
  return entries.filter((entry) => entry.kind === 'requirement' || entry.requirementCount > 0);
}

export const registerPrdExplorer: Feature = ({ context, index, log }) => {
  const provider = new PrdExplorerProvider(index, log);
  context.subscriptions.push(
    provider,
    vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true }),
    // The view's Refresh button (cvprd.explorer.refresh, a command of commands.ts) fires this event too.
    index.onDidChange(() => provider.refresh()),
  );
};
