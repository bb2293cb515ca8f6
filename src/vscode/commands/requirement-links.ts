import * as vscode from 'vscode';
import type { ReachedNode } from '../../core/graph/requirement-graph';
import type { SearchHit } from '../../core/types';
import { openIndexOrExplain, type CommandDeps } from './command-deps';
import { hitItem, humanType, showLocationPicker, type LocationItem } from './location-picker';
import { requirementLabel, targetRequirement } from './target-requirement';

/** cvprd.showDependencies: what the requirement depends on, transitively, nearest first. */
export async function showDependencies(deps: CommandDeps, argument?: unknown): Promise<ReachedNode[] | undefined> {
  return showReached(deps, argument, 'dependencies');
}

/** cvprd.showImpact: what depends on (or refines) the requirement, transitively, nearest first. */
export async function showImpact(deps: CommandDeps, argument?: unknown): Promise<ReachedNode[] | undefined> {
  return showReached(deps, argument, 'impact');
}

async function showReached(deps: CommandDeps, argument: unknown, direction: 'dependencies' | 'impact'): Promise<ReachedNode[] | undefined> {
  const index = await openIndexOrExplain(deps);
  if (!index) return undefined;
  const node = targetRequirement(index, deps.index, argument);
  if (!node) return undefined;
  // The graph store in effect: FalkorDB when configured (with its local fallback), else the embedded graph.
  const graph = index.graphStore;
  const reached = direction === 'dependencies' ? await graph.dependencies(node.key) : await graph.dependents(node.key);
  const name = node.requirementId ?? node.label;
  if (reached.length === 0) {
    void vscode.window.showInformationMessage(direction === 'dependencies' ? `${name} depends on no other requirement.` : `No requirement depends on ${name}.`);
    return reached;
  }
  const items = reached.map(({ node: other, depth }): LocationItem => ({
    label: requirementLabel(other),
    description: [depth === 1 ? 'direct' : `depth ${depth}`, humanType(other.type), other.priority, other.status].filter(Boolean).join(' · '),
    detail: `${other.file}:${other.lines.start}`,
    file: other.file,
    lines: other.lines,
  }));
  showLocationPicker(deps.index, deps.log, {
    title: direction === 'dependencies' ? `${name} depends on ${count(reached.length)}` : `${count(reached.length)} depend on ${name}`,
    placeholder: 'Enter opens the requirement',
    items,
  });
  return reached;
}

function count(n: number): string {
  return n === 1 ? '1 requirement' : `${n} requirements`;
}

/** cvprd.findSimilar: the chunks nearest in meaning to the requirement's text, by their stored embeddings. */
export async function findSimilar(deps: CommandDeps, argument?: unknown): Promise<SearchHit[] | undefined> {
  const index = await openIndexOrExplain(deps);
  if (!index) return undefined;
  const node = targetRequirement(index, deps.index, argument);
  if (!node?.requirementId) return undefined;
  const chunkKey = `${node.file}::req:${node.requirementId}`;
  const hits = (await index.similarTo(chunkKey, deps.config.resultCount)).filter((hit) => hit.chunkKey !== chunkKey);
  if (hits.length === 0) {
    void vscode.window.showInformationMessage(`Nothing similar to ${node.requirementId} was found; is the workspace indexed?`);
    return hits;
  }
  showLocationPicker(deps.index, deps.log, {
    title: `Similar to ${requirementLabel(node)}`,
    placeholder: 'Enter opens the requirement or section',
    items: hits.map((hit) => hitItem(hit, index.requirementTitle(hit))),
  });
  return hits;
}
