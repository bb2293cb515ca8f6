import * as vscode from 'vscode';
import type { PrdIndex } from '../../core/prd-index';
import type { GraphNode } from '../../core/types';
import { requirementAt } from '../requirement-at';
import type { WorkspaceIndex } from '../workspace-index';

export const NO_REQUIREMENT_MESSAGE = 'Place the cursor on a requirement ID (e.g. FR-001) or inside a requirement.';

/**
 * The requirement a command acts on. The argument may be a graph node key (`req:<file>::<id>`), a reference the
 * core resolves (`FR-001`, `<file>::FR-001`), a tree item or node carrying such a key (`node.key`, `key`, `id`);
 * without one (or with the document URI an editor menu passes) it is the requirement at the active editor's cursor.
 * Shows NO_REQUIREMENT_MESSAGE and returns undefined when there is none.
 */
export function targetRequirement(index: PrdIndex, workspaceIndex: WorkspaceIndex, argument: unknown): GraphNode | undefined {
  const reference = referenceIn(argument);
  const node = reference !== undefined ? byReference(index, reference) : atCursor(index, workspaceIndex);
  if (!node) void vscode.window.showInformationMessage(NO_REQUIREMENT_MESSAGE);
  return node;
}

function referenceIn(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  if (!argument || typeof argument !== 'object' || argument instanceof vscode.Uri) return undefined;
  const candidate = argument as { node?: { key?: unknown }; key?: unknown; id?: unknown };
  for (const value of [candidate.node?.key, candidate.key, candidate.id]) {
    if (typeof value === 'string' && value.startsWith('req:')) return value;
  }
  return undefined;
}

/** Unknown and ambiguous references throw the core's errors, whose messages say what to do. */
function byReference(index: PrdIndex, reference: string): GraphNode | undefined {
  if (!reference.startsWith('req:')) return index.requirement(reference);
  const node = index.graph().node(reference);
  return node?.kind === 'requirement' ? node : undefined;
}

function atCursor(index: PrdIndex, workspaceIndex: WorkspaceIndex): GraphNode | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const fileKey = workspaceIndex.keyOf(editor.document.uri);
  return fileKey === undefined ? undefined : requirementAt(index, fileKey, editor.document, editor.selection.active)?.node;
}

/** "FR-012 Conflict resolution", or the node's label for nodes without an ID. */
export function requirementLabel(node: GraphNode): string {
  return node.requirementId ? `${node.requirementId} ${node.title}` : node.label;
}
