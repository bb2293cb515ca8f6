// The index as the editor features read it: one snapshot, its graph and the derived model, plus the ID under a cursor.
import * as vscode from 'vscode';
import type { RequirementGraph } from '../../core/graph/requirement-graph';
import { ID_SHAPE } from '../requirement-at';
import type { WorkspaceIndex } from '../workspace-index';
import { prdModelOf, type OutlineRequirement, type PrdModel } from './prd-model';

export interface IndexView {
  graph: RequirementGraph;
  model: PrdModel;
}

/** The index as it is now, without opening it (for CodeLens and outline, which run on every edit). */
export function peekView(index: WorkspaceIndex): IndexView | undefined {
  const prdIndex = index.peek();
  return prdIndex && { graph: prdIndex.graph(), model: prdModelOf(prdIndex.snapshot()) };
}

/**
 * The index, opening it when needed (never loads the model). Undefined without a workspace or when it cannot be opened;
 * the index service has already shown that error with its action, so it is only logged here.
 */
export async function openView(index: WorkspaceIndex, log: vscode.LogOutputChannel, purpose: string): Promise<IndexView | undefined> {
  try {
    const prdIndex = await index.current();
    return prdIndex && { graph: prdIndex.graph(), model: prdModelOf(prdIndex.snapshot()) };
  } catch (error) {
    log.debug(`${purpose}: the index is not available: ${(error as Error).message}`);
    return undefined;
  }
}

export interface IdAtPosition {
  id: string;
  /** The whole ID (markdown's word ranges stop at '-'). */
  range: vscode.Range;
  /** Its definitions, the one in this document first. */
  definitions: OutlineRequirement[];
  /**
   * What a mention here refers to, as the graph resolves it: the definition in this PRD, else the only one elsewhere.
   * Empty when several other PRDs define the ID (ambiguous).
   */
  resolved: OutlineRequirement[];
}

/** The known requirement ID under the cursor, if any. fileKey is the document's index key (undefined outside it). */
export function idAt(view: IndexView, document: vscode.TextDocument, position: vscode.Position, fileKey: string | undefined): IdAtPosition | undefined {
  // IDs from custom patterns need not contain a dash, so a plain word is tried too.
  for (const range of [document.getWordRangeAtPosition(position, ID_SHAPE), document.getWordRangeAtPosition(position)]) {
    if (!range) continue;
    const id = document.getText(range);
    const found = view.model.definitionsById.get(id);
    if (!found) continue;
    const inThisFile = found.filter((definition) => definition.requirement.file === fileKey);
    const definitions = [...inThisFile, ...found.filter((definition) => definition.requirement.file !== fileKey)];
    const resolved = inThisFile.length > 0 ? inThisFile : found.length === 1 ? found : [];
    return { id, range, definitions, resolved };
  }
  return undefined;
}
