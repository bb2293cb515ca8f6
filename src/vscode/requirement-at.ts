import * as vscode from 'vscode';
import type { PrdIndex } from '../core/prd-index';
import type { GraphNode } from '../core/types';

/** Words shaped like requirement IDs (FR-001, OT-P0-001, REQ-12); the index decides which are real. */
export const ID_SHAPE = /[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+/;

export interface RequirementAtPosition {
  node: GraphNode;
  /** The ID under the cursor, or the whole line when the cursor is inside a requirement's text. */
  range: vscode.Range;
  /** True when the cursor is on an ID (hover/definition apply); false when it is only inside a requirement. */
  onId: boolean;
}

/**
 * The requirement meant at a position: the ID under the cursor (the definition in this file first, then the only one
 * elsewhere), else the innermost requirement of this file whose lines contain the cursor.
 */
export function requirementAt(index: PrdIndex, fileKey: string, document: vscode.TextDocument, position: vscode.Position): RequirementAtPosition | undefined {
  const graph = index.graph();
  const wordRange = document.getWordRangeAtPosition(position, ID_SHAPE);
  if (wordRange) {
    const candidates = graph.findRequirement(document.getText(wordRange), fileKey);
    const node = candidates.find((candidate) => candidate.file === fileKey) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (node) return { node, range: wordRange, onId: true };
  }
  const line = position.line + 1;
  let innermost: GraphNode | undefined;
  for (const node of graph.fileSubgraph(fileKey).nodes) {
    if (node.kind !== 'requirement' || node.file !== fileKey || line < node.lines.start || line > node.lines.end) continue;
    if (!innermost || node.lines.end - node.lines.start < innermost.lines.end - innermost.lines.start) innermost = node;
  }
  return innermost ? { node: innermost, range: document.lineAt(position.line).range, onId: false } : undefined;
}
