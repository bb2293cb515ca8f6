// `npm run bench:graph`: the graph panel's browser app (out/webview/graph.js) in headless Chromium, fed a synthetic
// graph through the same message the host sends. Measures first paint (message posted -> layout done and a frame
// painted) and pan/zoom frame times (requestAnimationFrame deltas while zooming and panning by script).
// A measurement, not a test. The page is a plain one with a stub acquireVsCodeApi: no VS Code, no theme.
//   BENCH_GRAPH_COSE=0   skip Cytoscape's cose layout at 1,000 nodes (the comparison; it takes half a minute)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { graphView } from '../src/core/graph/graph-view';
import { RequirementGraph, prdKey, requirementKey } from '../src/core/graph/requirement-graph';
import type { EdgeKind, Priority } from '../src/core/types';
import { CHROMIUM, CHROMIUM_FLAGS, loadPlaywright } from '../test/vscode-host/server.mjs';
import { seededRandom } from '../test/support/random-vectors';
import { DEFAULT_GRAPH_QUERY, type GraphPanelUpdate, type GraphQuery } from '../webview/protocol';
import { percentile } from './stats';

const projectRoot = path.resolve(__dirname, '..');
const script = path.join(projectRoot, 'out', 'webview', 'graph.js');
const stylesheet = path.join(projectRoot, 'out', 'webview', 'graph.css');
const FIRST_PAINT_TIMEOUT_MS = 600_000;
const WHEEL_STEPS = 20;
const DRAG_STEPS = 120;

/** `nodes` nodes (one PRD per 100) and `edges` edges: each requirement's CONTAINS, the rest random typed links. */
function syntheticGraph(nodes: number, edges: number, seed = 7): RequirementGraph {
  const random = seededRandom(seed);
  const graph = new RequirementGraph();
  const prdCount = Math.max(1, Math.round(nodes / 100));
  const priorities: (Priority | undefined)[] = ['critical', 'high', 'medium', 'low', undefined];
  for (let p = 0; p < prdCount; p++) {
    const file = `prds/product-${p}.prd.md`;
    graph.addNode({ key: prdKey(file), kind: 'prd', file, label: `Product ${p}`, title: `Product ${p}`, lines: { start: 1, end: 400 }, headingPath: [] });
  }
  const requirements: string[] = [];
  for (let i = 0; i < nodes - prdCount; i++) {
    const file = `prds/product-${i % prdCount}.prd.md`;
    const id = `FR-${String(i).padStart(4, '0')}`;
    const key = requirementKey(file, id);
    graph.addNode({
      key, kind: 'requirement', file, label: id, title: `Requirement ${i} of the synthetic workspace`, requirementId: id, type: 'requirement',
      priority: priorities[i % priorities.length], lines: { start: 3 + i, end: 3 + i }, headingPath: ['Requirements'],
    });
    graph.addEdge({ from: prdKey(file), to: key, kind: 'CONTAINS', file, line: 3 + i });
    requirements.push(key);
  }
  const kinds: EdgeKind[] = ['DEPENDS_ON', 'DEPENDS_ON', 'DEPENDS_ON', 'REFINES', 'VERIFIES', 'IMPLEMENTS', 'REFERENCES', 'RELATED_TO', 'CONFLICTS_WITH'];
  for (let line = 1; graph.edgeCount < edges; line++) {
    const from = requirements[Math.floor(random() * requirements.length)];
    // Mostly links within the same neighbourhood of IDs, as real PRDs have, plus some far ones.
    const near = random() < 0.8;
    const offset = near ? Math.floor(random() * 40) - 20 : Math.floor(random() * requirements.length);
    const to = requirements[(requirements.indexOf(from) + offset + requirements.length) % requirements.length];
    if (from === to) continue;
    const kind = kinds[Math.floor(random() * kinds.length)];
    graph.addEdge({ from, to, kind, file: graph.node(from)!.file, line, score: kind === 'RELATED_TO' ? 0.6 + random() * 0.3 : undefined });
  }
  return graph;
}

function graphMessage(graph: RequirementGraph, query: GraphQuery): GraphPanelUpdate {
  const view = graphView(graph, { nodeKinds: query.nodeKinds, edgeKinds: query.edgeKinds, maxNodes: query.maxNodes });
  const prds = [...graph.nodes()].filter((n) => n.kind === 'prd').map((n) => ({ file: n.file, title: n.label }));
  return { type: 'graph', query, view, prds, update: false };
}

const ms = (value: number) => `${Math.round(value)} ms`;

interface Phases {
  addMs: number;
  layoutMs: number;
  firstFrameMs: number;
}

interface Measurement {
  case: string;
  nodes: number;
  edges: number;
  layout: string;
  firstPaintMs: number;
  phases: Phases;
  frames: { p50: number; p95: number; max: number };
}

type Page = import('playwright-core').Page;

type Layout = 'force' | 'concentric' | 'cose';

/** Page-side helpers, as source text: the page runs them, not Node (and tsx's helpers do not exist there). */
const PAGE_HELPERS = `
window.benchFirstPaint = async (message, timeout) => {
  const hook = window.__cvprdGraphTestHook;
  const started = performance.now();
  window.postMessage(message, '*');
  while (hook().renders.count === 0) {
    if (performance.now() - started > timeout) throw new Error('no first paint after ' + timeout + ' ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const state = hook();
  return { ms: performance.now() - started, layout: state.layout, nodes: state.nodes.length, edges: state.edges.length, phases: state.renders.phases };
};
window.benchStartFrames = () => {
  window.frameDeltas = [];
  window.recording = true;
  let last = performance.now();
  const frame = (now) => {
    window.frameDeltas.push(now - last);
    last = now;
    if (window.recording) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};
window.benchStopFrames = () => {
  window.recording = false;
  return window.frameDeltas.slice(1);
};
`;

type PageHelpers = {
  benchFirstPaint(message: GraphPanelUpdate, timeout: number): Promise<{ ms: number; layout: string; nodes: number; edges: number; phases: Phases }>;
  benchStartFrames(): void;
  benchStopFrames(): number[];
};

async function measure(page: Page, label: string, message: GraphPanelUpdate, layout: Layout): Promise<Measurement> {
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>`);
  await page.addStyleTag({ content: fs.readFileSync(stylesheet, 'utf8') });
  const savedState = { layout, sizeBy: 'priority', labelBy: 'id', filtersOpen: false };
  await page.addScriptTag({
    content: `window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return ${JSON.stringify(savedState)}; }, setState() {} });\n${PAGE_HELPERS}`,
  });
  await page.addScriptTag({ path: script });
  const paint = await page.evaluate(([m, timeout]) => (globalThis as unknown as PageHelpers).benchFirstPaint(m, timeout), [message, FIRST_PAINT_TIMEOUT_MS] as const);
  const deltas = await panAndZoom(page);
  const frames = { p50: percentile(deltas, 0.5), p95: percentile(deltas, 0.95), max: Math.max(...deltas) };
  return { case: label, nodes: paint.nodes, edges: paint.edges, layout: paint.layout, firstPaintMs: paint.ms, phases: paint.phases, frames };
}

/**
 * Real input, as a user pans and zooms (Cytoscape takes its cheaper drawing paths only during user interaction):
 * mouse-wheel steps in and out, then drags, while a requestAnimationFrame loop records the frame deltas.
 */
async function panAndZoom(page: Page): Promise<number[]> {
  await page.evaluate(() => (globalThis as unknown as PageHelpers).benchStartFrames());
  await page.mouse.move(640, 400);
  for (const direction of [-1, 1]) {
    for (let i = 0; i < WHEEL_STEPS; i++) {
      await page.mouse.wheel(0, direction * 120);
      await page.waitForTimeout(16);
    }
  }
  await page.mouse.down();
  for (let i = 0; i < DRAG_STEPS; i++) await page.mouse.move(640 + (i % 40) * 8 - 160, 400 + (i % 20) * 6 - 60);
  await page.mouse.up();
  return page.evaluate(() => (globalThis as unknown as PageHelpers).benchStopFrames());
}

async function main(): Promise<void> {
  if (!fs.existsSync(script)) throw new Error('out/webview/graph.js is missing: run `node esbuild.mjs` first.');
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  const results: Measurement[] = [];
  const startLoad = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    const cases: { label: string; nodes: number; edges: number; layout: Layout }[] = [
      { label: '1k nodes, default force layout', nodes: 1_000, edges: 2_000, layout: 'force' },
      { label: '5k nodes, default force layout', nodes: 5_000, edges: 10_000, layout: 'force' },
      { label: '5k nodes, concentric', nodes: 5_000, edges: 10_000, layout: 'concentric' },
    ];
    if (process.env.BENCH_GRAPH_COSE !== '0') cases.push({ label: '1k nodes, Cytoscape cose', nodes: 1_000, edges: 2_000, layout: 'cose' });
    for (const c of cases) {
      const graph = syntheticGraph(c.nodes, c.edges);
      const message = graphMessage(graph, { ...DEFAULT_GRAPH_QUERY, maxNodes: c.nodes });
      console.log(`${c.label}: graph ${graph.nodeCount} nodes / ${graph.edgeCount} edges, message ${(JSON.stringify(message).length / 1e6).toFixed(1)} MB…`);
      const result = await measure(page, c.label, message, c.layout);
      console.log(`  first paint ${result.firstPaintMs.toFixed(0)} ms (${result.layout}); frames p50 ${result.frames.p50.toFixed(1)} ms, p95 ${result.frames.p95.toFixed(1)} ms`);
      results.push(result);
    }
  } finally {
    await browser.close();
  }
  const table = [
    '| case | nodes / edges drawn | first paint | of which: add / layout / first frame | pan/zoom frame p50 / p95 / max |',
    '| --- | --- | --- | --- | --- |',
    ...results.map((r) => `| ${r.case} | ${r.nodes} / ${r.edges} | ${(r.firstPaintMs / 1000).toFixed(2)} s | `
      + `${ms(r.phases.addMs)} / ${ms(r.phases.layoutMs)} / ${ms(r.phases.firstFrameMs)} | `
      + `${r.frames.p50.toFixed(1)} / ${r.frames.p95.toFixed(1)} / ${r.frames.max.toFixed(1)} ms |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  console.log(`${new Date().toISOString()}; Chromium ${CHROMIUM} headless (software rendering, --disable-gpu), ${os.cpus()[0]?.model}, `
    + `${os.cpus().length} cores; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} (started at ${startLoad})`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
