// Reads the graph panel's drawing through the page's test hook (window.__cvprdGraphTestHook in webview/graph/main.ts)
// and drives it where Cytoscape drew it: shared by the graph panel's end-to-end files.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import type { GraphQuery } from '../../webview/protocol';
import { sleep } from '../vscode-host/server.mjs';
import type { Workbench } from './workbench';

export { requirementKey as requirementNodeKey } from '../../src/core/graph/requirement-graph';

export const GRAPH_PANEL_TITLE = 'cvPRD Graph';

export interface HookNode {
  id: string;
  label: string;
  classes: string;
  data: Record<string, unknown>;
  position: { x: number; y: number };
  renderedPosition: { x: number; y: number };
}
export interface HookEdge {
  id: string;
  source: string;
  target: string;
  kind: string;
  classes: string;
}
export interface HookState {
  nodes: HookNode[];
  edges: HookEdge[];
  selected: string[];
  viewport: { zoom: number; pan: { x: number; y: number } };
  renders: { count: number; kind: string };
  query?: GraphQuery;
}

export function node(graph: HookState, id: string): HookNode {
  const found = graph.nodes.find((n) => n.id === id);
  assert.ok(found, `${id} is drawn`);
  return found;
}

export async function readGraph(panel: Frame): Promise<HookState> {
  return panel.evaluate(() => (globalThis as unknown as { __cvprdGraphTestHook: () => HookState }).__cvprdGraphTestHook());
}

/** Polls the test hook until `condition` holds (the webview's CSP forbids Playwright's string predicates). */
export async function waitForGraph(panel: Frame, condition: (graph: HookState) => boolean, what: string, timeoutMs = 30_000): Promise<HookState> {
  const deadline = Date.now() + timeoutMs;
  let last: HookState | undefined;
  for (;;) {
    const graph = await readGraph(panel).catch(() => undefined);
    if (graph && condition(graph)) return graph;
    last = graph ?? last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what} (last drawing: ${last?.nodes.length} nodes, query ${JSON.stringify(last?.query)})`);
    }
    await sleep(200);
  }
}

/** Clicks (or double-clicks) a node where Cytoscape drew it, after closing the details pane that may cover it. */
export async function clickNode(workbench: Workbench, panel: Frame, id: string, clickCount = 1): Promise<void> {
  if (await panel.locator('.details').isVisible()) {
    await panel.locator('.details .close').click();
    await panel.locator('.details').waitFor({ state: 'hidden' });
  }
  const graph = await readGraph(panel);
  const box = await panel.locator('.graph').boundingBox();
  assert.ok(box, 'the graph is on screen');
  const at = node(graph, id).renderedPosition;
  await workbench.page.mouse.click(box.x + at.x, box.y + at.y, { clickCount });
}

/**
 * Waits for the index, opens `file` (so the panel opens beside it, in the second group: Workbench.activeEditor reads the
 * first group) and runs Show Graph; resolves to the panel's frame once a drawing satisfies `drawn`.
 */
export async function showGraphBeside(workbench: Workbench, file: string, drawn: (graph: HookState) => boolean): Promise<Frame> {
  await workbench.waitForIndex();
  await workbench.openFile(file);
  await workbench.runCommand('cvPRD: Show Graph');
  const panel = await workbench.webview(GRAPH_PANEL_TITLE);
  await waitForGraph(panel, drawn, 'the first drawing');
  return panel;
}
