// The graph panel's browser app: draws what the host's graphView() sends with Cytoscape. The host owns the query
// (scope, focus, filters, cap); this page owns layout, viewport, selection and display options, kept with setState.
import cytoscape from 'cytoscape';
import './graph.css';
import {
  DEFAULT_GRAPH_QUERY, GRAPH_EDGE_KINDS, GRAPH_NODE_CAP_STEP, GRAPH_NODE_KINDS, GRAPH_PRIORITIES, focusOn, type GraphPanelAction,
  type GraphNodeDetails, type GraphPanelRequest, type GraphPanelUpdate, type GraphQuery, type GraphView, type GraphViewNodeData,
  type FocusDirection, type GraphViewProblem,
} from '../protocol';
import { EDGE_LOOKS, LABELLED, NODE_COLOURS, graphStyle, labelsReadable, type LabelBy, type SizeBy } from './graph-style';
import { button, checkbox, element, select } from '../dom';
import { forceLayout } from './force-layout';

type LayoutName = 'force' | 'breadthfirst' | 'concentric' | 'cose';

interface SavedState {
  query?: GraphQuery;
  layout: LayoutName;
  sizeBy: SizeBy;
  labelBy: LabelBy;
  filtersOpen: boolean;
  legendOpen: boolean;
  /** Node positions and viewport of the last drawing, so a panel shown again or restored looks the same. */
  positions?: Record<string, cytoscape.Position>;
  viewport?: { zoom: number; pan: cytoscape.Position };
}

interface VsCodeApi {
  postMessage(message: GraphPanelRequest): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Above this many edges, edges are drawn as plain lines (no arrows, no curves) and hidden while panning. */
const SIMPLE_EDGE_LIMIT = 2000;
/**
 * Above this many nodes, a node gets its label once it is in view and the zoom makes labels readable: zoomed out they
 * are hidden anyway, and styling 5,000 labels up front cost about 0.4 s of the first paint.
 */
const LAZY_LABEL_NODE_LIMIT = 1000;
const LABEL_DELAY_MS = 100;
/** Positions are kept in the webview state up to this many nodes (the state is serialised on every save). */
const SAVED_POSITIONS_LIMIT = 3000;
const DOUBLE_CLICK_MS = 300;
const HOVER_FADE_NODE_LIMIT = 2000;

const vscode = acquireVsCodeApi();
const state: SavedState = { layout: 'force', sizeBy: 'priority', labelBy: 'id', filtersOpen: false, legendOpen: true, ...vscode.getState() };
const saveState = () => vscode.setState(state);

let query: GraphQuery | undefined;
/** The newest query the page asked for and has not seen drawn yet; ids count up from the newest answered one. */
let asked: { id: number; query: GraphQuery } | undefined;
let lastAnswered = 0;
let lastView: GraphView | undefined;
let searchId = 0;
let detailsId = 0;
let searchMatches: string[] = [];
/** The node the details pane shows. */
let detailsKey: string | undefined;
/** The PRDs of the last drawing, for the PRD filter. */
let lastPrds: { file: string; title: string }[] = [];
/** For the test hook and the benchmark: how many drawings finished and how long the last took (message to painted frame). */
const renders: {
  count: number;
  lastMs: number;
  kind: 'none' | 'full' | 'update';
  /** Of the last full drawing: adding the elements to Cytoscape, the layout, and the wait for the painted frame. */
  phases?: { addMs: number; layoutMs: number; firstFrameMs: number };
} = { count: 0, lastMs: 0, kind: 'none' };

// ---- Page ----

const searchInput = element('input', { type: 'search', placeholder: 'Search requirements', 'aria-label': 'Search requirements' });
const layoutSelect = select('Layout', [
  ['force', 'Force'], ['breadthfirst', 'Breadth-first'], ['concentric', 'Concentric'], ['cose', 'Force (Cytoscape cose, slow)'],
], state.layout);
const focusLabel = element('span', { class: 'focus-label' });
const depthSelect = select('Focus depth', [['1', 'depth 1'], ['2', 'depth 2'], ['3', 'depth 3']], '1');
const directionSelect = select('Focus direction', [['both', 'both ways'], ['upstream', 'upstream'], ['downstream', 'downstream']], 'both');
const clearFocus = button('close', 'Show the whole graph', () => changeQuery((base) => ({ ...base, focus: undefined })));
const focusChip = element('span', { class: 'focus-chip', hidden: '' }, focusLabel, depthSelect, directionSelect, clearFocus);
const follow = checkbox('Follow editor', false, (on) => changeQuery((base) => ({ ...base, followEditor: on })));
const filtersButton = button('filter', 'Filters and display', () => {
  state.filtersOpen = !state.filtersOpen;
  saveState();
  showFilters();
  if (autoFit) fitView();
});
const legendButton = button('info', 'Legend', () => {
  state.legendOpen = !state.legendOpen;
  saveState();
  showLegend();
  if (autoFit) fitView();
});
const toolbar = element('div', { class: 'toolbar' },
  searchInput, layoutSelect, focusChip, follow.label, element('span', { class: 'spacer' }),
  button('screen-full', 'Fit to the window', () => fitView()),
  button('zoom-in', 'Zoom in', () => zoomBy(1.25)),
  button('zoom-out', 'Zoom out', () => zoomBy(0.8)),
  button('file-media', 'Export the view as PNG', () => exportPng()),
  button('json', 'Export the view as JSON', () => exportJson()),
  legendButton,
  filtersButton,
);

const filters = element('aside', { class: 'filters', 'aria-label': 'Filters' });
const graphContainer = element('div', {
  class: 'graph', tabindex: '0', role: 'application', 'aria-roledescription': 'graph',
  'aria-label': 'Requirements graph: arrow keys move to the nearest node that way, Enter opens the selected node, Escape clears the selection',
});
/** Read out by screen readers: the node that selection moved to. */
const announcer = element('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
const legend = element('div', { class: 'legend', 'aria-label': 'Legend' });
const emptyText = element('p');
const emptyAction = element('button', { class: 'primary', hidden: '' });
const emptyMessage = element('div', { class: 'empty', hidden: '' }, emptyText, emptyAction);
let onEmptyAction = (): void => undefined;
emptyAction.addEventListener('click', () => onEmptyAction());
const details = element('aside', { class: 'details', hidden: '', 'aria-label': 'Details' });
const main = element('div', { class: 'main' }, filters, graphContainer, details, legend, emptyMessage);
const statusText = element('span', { class: 'status-text' });
const showMore = element('button', { class: 'link', hidden: '' });
const searchStatus = element('span', { class: 'search-status' });
const statusbar = element('div', { class: 'statusbar' }, statusText, showMore, searchStatus);
document.body.append(element('div', { class: 'app' }, toolbar, main, statusbar), announcer);

// Cytoscape adds a <style> element unless one with this id exists; the CSP would block it (graph.css has the rule).
document.head.append(element('meta', { id: '__________cytoscape_stylesheet' }));

let cy = createCytoscape(0, 0);

function createCytoscape(nodeCount: number, edgeCount: number): cytoscape.Core {
  const instance = cytoscape({
    container: graphContainer,
    style: styleFor(nodeCount, edgeCount),
    minZoom: 0.02,
    maxZoom: 5,
    hideEdgesOnViewport: edgeCount > SIMPLE_EDGE_LIMIT,
    boxSelectionEnabled: false,
    // Two clicks this close are a double click (open the source), and only then is a single click's details pane shown.
    multiClickDebounceTime: DOUBLE_CLICK_MS,
  });
  bindEvents(instance);
  return instance;
}

function restyle(): void {
  cy.style(styleFor(cy.nodes().length, cy.edges().length));
}

/** The stylesheet for a drawing of this size, with the chosen display options. */
function styleFor(nodeCount: number, edgeCount: number): cytoscape.StylesheetJson {
  return graphStyle({ sizeBy: state.sizeBy, labelBy: state.labelBy, simpleEdges: edgeCount > SIMPLE_EDGE_LIMIT, lazyLabels: nodeCount > LAZY_LABEL_NODE_LIMIT });
}

function lazyLabels(): boolean {
  return cy.nodes().length > LAZY_LABEL_NODE_LIMIT;
}

/** Lazy labels: the nodes in view get theirs once labels are readable (nodes keep them; zoomed out they are hidden). */
function labelNodesInView(): void {
  if (!lazyLabels() || !labelsReadable(cy.zoom())) return;
  const { x1, y1, x2, y2 } = cy.extent();
  const inView = cy.nodes().filter((node) => {
    const { x, y } = node.position();
    return x >= x1 && x <= x2 && y >= y1 && y <= y2 && !node.hasClass(LABELLED);
  });
  if (inView.nonempty()) cy.batch(() => inView.addClass(LABELLED));
}

// Cytoscape sizes its canvas once; the webview's frame is often resized after the first drawing. Until the user pans or
// zooms, a drawing stays fitted to the window.
let autoFit = true;
new ResizeObserver(() => {
  cy.resize();
  if (autoFit) fitView();
}).observe(graphContainer);
for (const gesture of ['wheel', 'mousedown', 'touchstart']) graphContainer.addEventListener(gesture, () => { autoFit = false; }, { passive: true });

// VS Code fires no event on a theme change; it swaps the body's vscode-light / vscode-dark / vscode-high-contrast class.
new MutationObserver(() => restyle()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// ---- Drawing ----

function draw(message: Extract<GraphPanelUpdate, { type: 'graph' }>, received: number): void {
  if (message.answers !== undefined) lastAnswered = Math.max(lastAnswered, message.answers);
  if (asked && lastAnswered >= asked.id) asked = undefined;
  const previous = query;
  query = message.query;
  lastView = message.view;
  state.query = message.query;
  const wasEmpty = cy.nodes().empty();
  if (message.view.elements.nodes.length > 0) emptyMessage.hidden = true;
  else showEmpty('No nodes match the filters.', 'Reset Filters', () => changeQuery((base) => ({
    ...base, nodeKinds: DEFAULT_GRAPH_QUERY.nodeKinds, edgeKinds: DEFAULT_GRAPH_QUERY.edgeKinds, priorities: DEFAULT_GRAPH_QUERY.priorities, prds: [],
  })));
  const sameQuery = previous !== undefined && JSON.stringify(previous) === JSON.stringify(message.query);
  // In place only over a drawing: nodes added to an empty one would all start at its centre.
  if (message.update && sameQuery && !wasEmpty) {
    updateInPlace(message.view);
    finished('update', received);
  } else {
    drawFresh(message.view, received, !previous && savedLayoutFits(message));
  }
  showQuery(message);
  showFilters(message.prds);
  applySearchMatches();
  saveState();
}

function savedLayoutFits(message: Extract<GraphPanelUpdate, { type: 'graph' }>): boolean {
  const positions = state.positions;
  return positions !== undefined && message.view.elements.nodes.every((node) => positions[node.data.id] !== undefined);
}

function drawFresh(view: GraphView, received: number, restore: boolean): void {
  const { nodes, edges } = view.elements;
  cy.destroy();
  cy = createCytoscape(nodes.length, edges.length);
  // The force layout runs on the definitions, before Cytoscape holds them: moving 5,000 drawn nodes afterwards costs
  // more than the layout itself.
  const layoutStarted = performance.now();
  const positions = restore ? nodes.map((node) => state.positions![node.data.id])
    : state.layout === 'force' ? forcePositions(nodes.map((node) => node.data.id), edges.map((edge) => [edge.data.source, edge.data.target]))
      : undefined;
  const layoutMs = positions && !restore ? performance.now() - layoutStarted : 0;
  const addStarted = performance.now();
  // In a batch, Cytoscape's per-element notifications to the renderer are merged into one.
  cy.batch(() => cy.add([
    ...nodes.map((node, i) => ({ group: 'nodes' as const, data: withCaption(node.data), classes: node.classes, position: positions?.[i] })),
    ...edges.map((edge) => ({ group: 'edges' as const, data: edge.data, classes: edge.classes })),
  ]));
  const addMs = performance.now() - addStarted;
  const done = () => finished('full', received, { addMs, layoutMs: layoutMs || performance.now() - addStarted - addMs });
  if (restore && state.viewport) {
    autoFit = false;
    cy.viewport(state.viewport);
    done();
    return;
  }
  if (positions) settle(done);
  else runLayout(view.focus, done);
  // The node whose details are open stays selected when it is still drawn.
  const shown = detailsKey !== undefined ? cy.getElementById(detailsKey) : undefined;
  if (shown?.nonempty()) {
    shown.select();
    requestDetails(shown.id());
  } else {
    hideDetails();
  }
}

function forcePositions(ids: string[], links: [string, string][]): cytoscape.Position[] {
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const xy = forceLayout(ids.length, links.map(([source, target]) => [indexOf.get(source)!, indexOf.get(target)!] as const));
  return ids.map((_, i) => ({ x: xy[2 * i], y: xy[2 * i + 1] }));
}

/** Fits the new drawing to the window and keeps its positions. */
function settle(done: () => void): void {
  autoFit = true;
  fitView();
  rememberPositions();
  labelNodesInView();
  done();
}

/** Lays the drawn graph out again with the chosen layout. */
function runLayout(focus: string | undefined, done: () => void): void {
  if (state.layout !== 'force') {
    cy.layout(layoutOptions(state.layout, focus)).one('layoutstop', () => settle(done)).run();
    return;
  }
  const nodes = cy.nodes();
  const positions = forcePositions(nodes.map((node) => node.id()), cy.edges().map((edge) => [edge.source().id(), edge.target().id()]));
  cy.batch(() => nodes.forEach((node, i) => {
    node.position(positions[i]);
  }));
  settle(done);
}

function layoutOptions(name: Exclude<LayoutName, 'force'>, focus: string | undefined): cytoscape.LayoutOptions {
  switch (name) {
    case 'cose':
      return { name: 'cose', animate: false, randomize: true, nodeDimensionsIncludeLabels: false, fit: false, idealEdgeLength: () => 60, nodeRepulsion: () => 6000 } as cytoscape.LayoutOptions;
    case 'breadthfirst':
      return { name: 'breadthfirst', directed: true, animate: false, fit: false, spacingFactor: 1.1, roots: focus ? [focus] : undefined } as cytoscape.LayoutOptions;
    case 'concentric':
      return {
        name: 'concentric', animate: false, fit: false, minNodeSpacing: 8,
        concentric: (node: cytoscape.NodeSingular) => (node.id() === focus ? 1e6 : node.data('kind') === 'prd' ? 1e5 : node.data('degree') ?? 0),
        levelWidth: () => 2,
      } as cytoscape.LayoutOptions;
  }
}

/** The index changed under the same query: new elements come in near their neighbours; the viewport and selection stay. */
function updateInPlace(view: GraphView): void {
  const nodeIds = new Set(view.elements.nodes.map((node) => node.data.id));
  const edgeIds = new Set(view.elements.edges.map((edge) => edge.data.id));
  cy.batch(() => {
    cy.edges().filter((edge) => !edgeIds.has(edge.id())).remove();
    cy.nodes().filter((node) => !nodeIds.has(node.id())).remove();
    const extent = cy.extent();
    const added: cytoscape.NodeSingular[] = [];
    for (const node of view.elements.nodes) {
      const existing = cy.getElementById(node.data.id);
      if (existing.nonempty()) {
        existing.removeData();
        existing.data(withCaption(node.data));
        existing.classes(node.classes);
      } else {
        added.push(cy.add({ group: 'nodes', data: withCaption(node.data), classes: node.classes, position: { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 } }));
      }
    }
    for (const edge of view.elements.edges) {
      const existing = cy.getElementById(edge.data.id);
      if (existing.nonempty()) {
        existing.data(edge.data);
        existing.classes(edge.classes);
      } else {
        cy.add({ group: 'edges', data: edge.data, classes: edge.classes });
      }
    }
    for (const node of added) {
      const placed = node.neighborhood().nodes().filter((other) => !added.includes(other));
      if (placed.nonempty()) {
        const anchor = (placed.first() as cytoscape.NodeSingular).position();
        node.position({ x: anchor.x + 40 + Math.random() * 20, y: anchor.y + 40 + Math.random() * 20 });
      }
    }
  });
  rememberPositions();
  labelNodesInView();
  const selected = cy.$('node:selected');
  if (selected.nonempty()) requestDetails(selected.first().id());
  else if (!details.hidden) hideDetails();
}

function finished(kind: 'full' | 'update', received: number, phases?: { addMs: number; layoutMs: number }): void {
  const beforeFrame = performance.now();
  requestAnimationFrame(() => {
    const now = performance.now();
    renders.count++;
    renders.kind = kind;
    renders.lastMs = now - received;
    renders.phases = phases ? { ...phases, firstFrameMs: now - beforeFrame } : undefined;
  });
}

function rememberPositions(): void {
  if (cy.nodes().length > SAVED_POSITIONS_LIMIT) {
    state.positions = undefined;
  } else {
    state.positions = Object.fromEntries(cy.nodes().map((node) => [node.id(), { ...node.position() }]));
  }
  state.viewport = { zoom: cy.zoom(), pan: { ...cy.pan() } };
  saveState();
}

const MAX_CAPTION = 32;

/** The title label, cut short here: Cytoscape's own ellipsis measures the text again and again (slow at 5,000 nodes). */
function withCaption(data: GraphViewNodeData): GraphViewNodeData & { caption: string } {
  const title = data.title || data.label;
  return { ...data, caption: title.length > MAX_CAPTION ? `${title.slice(0, MAX_CAPTION - 1)}…` : title };
}

/**
 * Fits the nodes' centres (plus a margin for the largest node) to the window. Cytoscape's fit() measures every label
 * for the bounding box first: two seconds at 5,000 nodes.
 */
function fitView(): void {
  const nodes = cy.nodes();
  if (nodes.empty()) return;
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  nodes.forEach((node) => {
    const { x, y } = node.position();
    x1 = Math.min(x1, x);
    y1 = Math.min(y1, y);
    x2 = Math.max(x2, x);
    y2 = Math.max(y2, y);
  });
  const margin = 60;
  // The open filter pane floats over the graph's left side: fit the drawing beside it.
  const left = state.filtersOpen ? filters.offsetWidth : 0;
  // So does the legend at the bottom: fit the drawing above it.
  const bottom = legend.hidden ? 0 : legend.offsetHeight;
  const width = cy.width() - left;
  const height = Math.max(cy.height() - bottom, 2 * margin + 1);
  const zoom = Math.max(cy.minZoom(), Math.min(1.5, (width - 2 * margin) / Math.max(x2 - x1, 1), (height - 2 * margin) / Math.max(y2 - y1, 1)));
  cy.viewport({ zoom, pan: { x: left + width / 2 - (zoom * (x1 + x2)) / 2, y: height / 2 - (zoom * (y1 + y2)) / 2 } });
}

function zoomBy(factor: number): void {
  const box = graphContainer.getBoundingClientRect();
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: box.width / 2, y: box.height / 2 } });
}

// ---- Interaction ----

function bindEvents(instance: cytoscape.Core): void {
  instance.on('mouseover', 'node', (event) => {
    // Restyling every element on each hover would make a large graph stutter.
    if (instance.nodes().length > HOVER_FADE_NODE_LIMIT) return;
    const neighbourhood = event.target.closedNeighborhood();
    instance.batch(() => instance.elements().not(neighbourhood).addClass('faded'));
  });
  instance.on('mouseout', 'node', () => instance.batch(() => instance.elements('.faded').removeClass('faded')));
  instance.on('tap', 'node', (event) => {
    instance.elements(':selected').unselect();
    event.target.select();
  });
  // Not on 'tap': the pane opening under the pointer would swallow the second click of a double click.
  instance.on('onetap', 'node', (event) => requestDetails(event.target.id()));
  instance.on('tap', (event) => {
    if (event.target === instance) hideDetails();
  });
  instance.on('dbltap', 'node', (event) => vscode.postMessage({ type: 'open', key: event.target.id() }));
  instance.on('dragfree', 'node', () => rememberPositions());
  let viewportTimer: ReturnType<typeof setTimeout> | undefined;
  let labelTimer: ReturnType<typeof setTimeout> | undefined;
  instance.on('viewport', () => {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelNodesInView, LABEL_DELAY_MS);
    clearTimeout(viewportTimer);
    viewportTimer = setTimeout(() => {
      state.viewport = { zoom: instance.zoom(), pan: { ...instance.pan() } };
      saveState();
    }, 300);
  });
}

function requestDetails(key: string): void {
  vscode.postMessage({ type: 'details', id: ++detailsId, key });
}

function hideDetails(): void {
  detailsKey = undefined;
  details.hidden = true;
  details.replaceChildren();
}

function showDetails(info: GraphNodeDetails): void {
  const node = cy.getElementById(info.key);
  const problems: GraphViewProblem[] = node.nonempty() ? node.data('problems') ?? [] : [];
  const facts = [info.kind === 'requirement' ? words(info.type ?? 'requirement') : info.kind === 'prd' ? 'PRD' : 'section', info.priority, info.status && words(info.status)]
    .filter(Boolean).join(' · ');
  const heading = element('h2', {}, info.kind === 'requirement' ? `${info.label} ${info.title}` : info.title || info.label);
  const location = element('button', { class: 'link', title: 'Open in the editor' }, `${info.file}:${info.line}`);
  location.addEventListener('click', () => vscode.postMessage({ type: 'open', key: info.key }));
  const focusHere = element('button', {}, 'Focus here');
  focusHere.addEventListener('click', () => changeQuery((base) => focusOn(base, info.key)));
  const children: Node[] = [heading, element('div', { class: 'facts' }, facts), location, element('div', { class: 'text' }, info.text), focusHere];
  if (problems.length > 0) {
    const icon = (severity: string) => element('span', { class: `codicon codicon-${severity} problem-${severity}` });
    children.push(element('h3', {}, 'Problems'), element('ul', { class: 'problems' }, ...problems.map((p) => element('li', {}, icon(p.severity), ` ${p.message}`))));
  }
  for (const direction of ['out', 'in'] as const) {
    const links = info.links.filter((link) => link.direction === direction);
    if (links.length === 0) continue;
    children.push(element('h3', {}, direction === 'out' ? `Outgoing (${links.length})` : `Incoming (${links.length})`));
    for (const kind of GRAPH_EDGE_KINDS) {
      const ofKind = links.filter((link) => link.kind === kind);
      if (ofKind.length === 0) continue;
      const items = ofKind.map((link) => {
        const go = element('button', { class: 'link' }, link.kind === 'RELATED_TO' || link.file !== info.file ? `${link.label} (${link.file})` : link.label);
        go.title = link.title;
        go.addEventListener('click', () => selectNode(link.key));
        const suffix = link.score !== undefined ? ` cosine ${link.score.toFixed(2)}` : link.title && link.title !== link.label ? ` ${link.title}` : '';
        return element('li', {}, go, suffix);
      });
      children.push(element('div', { class: 'facts' }, EDGE_LOOKS[kind].description), element('ul', {}, ...items));
    }
  }
  const close = button('close', 'Close the details', () => {
    cy.elements(':selected').unselect();
    hideDetails();
  });
  close.classList.add('close');
  details.replaceChildren(close, ...children);
  details.hidden = false;
  detailsKey = info.key;
  announcer.textContent = `${heading.textContent}. ${facts}. ${info.links.length} links.`;
  revealBesideDetails(node);
}

/** Pans a node the details pane covers to the left of the pane. */
function revealBesideDetails(node: cytoscape.CollectionReturnValue): void {
  if (node.empty() || !node.isNode()) return;
  const x = (node as unknown as cytoscape.NodeSingular).renderedPosition().x;
  const paneLeft = details.offsetLeft;
  if (x > paneLeft - 30) cy.panBy({ x: paneLeft - 60 - x, y: 0 });
}

// ---- Keyboard ----

const ARROW_DIRECTIONS: Record<string, { x: number; y: number }> = {
  ArrowRight: { x: 1, y: 0 }, ArrowLeft: { x: -1, y: 0 }, ArrowDown: { x: 0, y: 1 }, ArrowUp: { x: 0, y: -1 },
};

graphContainer.addEventListener('keydown', (event) => {
  const selected = cy.nodes(':selected');
  const direction = ARROW_DIRECTIONS[event.key];
  if (direction) {
    event.preventDefault();
    const next = selected.empty() ? startNode() : nearestTowards(selected[0], direction);
    if (next) selectNode(next.id());
  } else if (event.key === 'Enter' && selected.nonempty()) {
    event.preventDefault();
    vscode.postMessage({ type: 'open', key: selected[0].id() });
  } else if (event.key === 'Escape' && selected.nonempty()) {
    event.preventDefault();
    selected.unselect();
    hideDetails();
  }
});

/** Where the arrow keys start: the focus node, else the node nearest the middle of the view. */
function startNode(): cytoscape.NodeSingular | undefined {
  const focus = query?.focus ? cy.getElementById(query.focus.key) : cy.collection();
  if (focus.nonempty()) return focus[0] as cytoscape.NodeSingular;
  const { x1, x2, y1, y2 } = cy.extent();
  let best: cytoscape.NodeSingular | undefined;
  let bestDistance = Infinity;
  cy.nodes().forEach((node) => {
    const { x, y } = node.position();
    const distance = (x - (x1 + x2) / 2) ** 2 + (y - (y1 + y2) / 2) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [node, distance];
  });
  return best;
}

/** The nearest node within 45 degrees either side of `direction` from `from`. */
function nearestTowards(from: cytoscape.NodeSingular, direction: { x: number; y: number }): cytoscape.NodeSingular | undefined {
  const origin = from.position();
  let best: cytoscape.NodeSingular | undefined;
  let bestDistance = Infinity;
  cy.nodes().forEach((node) => {
    if (node.id() === from.id()) return;
    const dx = node.position().x - origin.x;
    const dy = node.position().y - origin.y;
    const along = dx * direction.x + dy * direction.y;
    const across = Math.abs(dx * direction.y - dy * direction.x);
    if (along <= 0 || across > along) return;
    const distance = dx ** 2 + dy ** 2;
    if (distance < bestDistance) [best, bestDistance] = [node, distance];
  });
  return best;
}

/** A linked node: selected and centred when it is drawn, else the focus moves to it. */
function selectNode(key: string): void {
  const node = cy.getElementById(key);
  if (node.empty()) {
    changeQuery((base) => focusOn(base, key));
    return;
  }
  cy.elements(':selected').unselect();
  node.select();
  cy.animate({ center: { eles: node } }, { duration: 200 });
  requestDetails(key);
}

function words(value: string): string {
  return value.replace(/_/g, ' ');
}

/**
 * Asks the host for the query that `change` makes of the one asked for last (or drawn): two filters ticked before the
 * first drawing comes back both count.
 */
function changeQuery(change: (base: GraphQuery) => GraphQuery): void {
  const base = asked?.query ?? query;
  if (!base) return;
  asked = { id: (asked?.id ?? lastAnswered) + 1, query: change(base) };
  vscode.postMessage({ type: 'query', id: asked.id, query: asked.query });
}

// ---- Toolbar, filters, legend, status ----

function showQuery(message: Extract<GraphPanelUpdate, { type: 'graph' }>): void {
  const { query: shown, view } = message;
  focusChip.hidden = !shown.focus;
  focusLabel.textContent = `Focus: ${message.focusLabel ?? shown.focus?.key ?? ''}`;
  // Controls show what was asked for, as the filter pane does.
  const wanted = asked?.query ?? shown;
  depthSelect.value = String(wanted.focus?.depth ?? 1);
  directionSelect.value = wanted.focus?.direction ?? 'both';
  follow.input.checked = wanted.followEditor;
  const drawn = view.elements.nodes.length;
  const scope = shown.focus ? 'focus' : shown.file ? shown.file : 'whole workspace';
  statusText.textContent = `${drawn} of ${view.matchedNodes} nodes · ${view.elements.edges.length} links · ${scope}`;
  const hidden = view.matchedNodes - drawn;
  showMore.hidden = hidden <= 0;
  showMore.textContent = `Show ${Math.min(hidden, GRAPH_NODE_CAP_STEP)} more`;
}

showMore.addEventListener('click', () => changeQuery((base) => ({ ...base, maxNodes: base.maxNodes + GRAPH_NODE_CAP_STEP })));
depthSelect.addEventListener('change', () => changeQuery((base) => (base.focus ? { ...base, focus: { ...base.focus, depth: Number(depthSelect.value) } } : base)));
directionSelect.addEventListener('change', () => changeQuery((base) => (base.focus ? { ...base, focus: { ...base.focus, direction: directionSelect.value as FocusDirection } } : base)));
layoutSelect.addEventListener('change', () => {
  state.layout = layoutSelect.value as LayoutName;
  saveState();
  if (lastView) runLayout(lastView.focus, () => undefined);
});

const NODE_KIND_LABELS = { prd: 'PRDs', section: 'Sections', requirement: 'Requirements' };
const PRIORITY_LABELS = { critical: 'Critical (P0)', high: 'High (P1)', medium: 'Medium (P2)', low: 'Low (P3)', none: 'No priority' };

function showFilters(prds?: { file: string; title: string }[]): void {
  if (prds) lastPrds = prds;
  filters.hidden = !state.filtersOpen;
  filtersButton.setAttribute('aria-pressed', String(state.filtersOpen));
  // Ticks show what was asked for: a drawing of an earlier click must not untick a later one.
  const current = asked?.query ?? query;
  if (!current || !state.filtersOpen) return;
  const toggle = <T>(list: T[], value: T, on: boolean): T[] => (on ? [...list, value] : list.filter((item) => item !== value));
  const group = <T extends string>(title: string, values: readonly T[], selected: T[], label: (value: T) => string, list: (query: GraphQuery) => T[],
    set: (query: GraphQuery, list: T[]) => GraphQuery) =>
    [element('h3', {}, title), ...values.map((value) => checkbox(label(value), selected.includes(value), (on) => changeQuery((base) => set(base, toggle(list(base), value, on)))).label)];
  const prdChecks = lastPrds.map((prd) => checkbox(prd.title, current.prds.length === 0 || current.prds.includes(prd.file), (on) => changeQuery((base) => {
    const chosen = base.prds.length === 0 ? lastPrds.map((p) => p.file) : base.prds;
    const next = toggle(chosen, prd.file, on);
    return { ...base, prds: next.length === lastPrds.length ? [] : next };
  })).label);
  const sizeBy = select('Size by', [['priority', 'Size by priority'], ['degree', 'Size by links']], state.sizeBy);
  sizeBy.addEventListener('change', () => {
    state.sizeBy = sizeBy.value as SizeBy;
    saveState();
    restyle();
  });
  const labelBy = select('Label', [['id', 'Label: ID'], ['title', 'Label: title']], state.labelBy);
  labelBy.addEventListener('change', () => {
    state.labelBy = labelBy.value as LabelBy;
    saveState();
    restyle();
  });
  // The pane is built anew with each drawing: the control just toggled from the keyboard keeps the focus.
  const controls = () => [...filters.querySelectorAll<HTMLElement>('input, select')];
  const focused = document.activeElement instanceof HTMLElement ? controls().indexOf(document.activeElement) : -1;
  filters.replaceChildren(
    ...group('Nodes', GRAPH_NODE_KINDS, current.nodeKinds, (kind) => NODE_KIND_LABELS[kind], (q) => q.nodeKinds, (q, nodeKinds) => ({ ...q, nodeKinds })),
    ...group('Links', GRAPH_EDGE_KINDS, current.edgeKinds, (kind) => EDGE_LOOKS[kind].description, (q) => q.edgeKinds, (q, edgeKinds) => ({ ...q, edgeKinds })),
    ...group('Priority', GRAPH_PRIORITIES, current.priorities, (priority) => PRIORITY_LABELS[priority], (q) => q.priorities,
      (q, priorities) => ({ ...q, priorities })),
    element('h3', {}, 'PRDs'), element('div', { class: 'prd-list' }, ...prdChecks),
    element('h3', {}, 'Display'), sizeBy, labelBy,
  );
  if (focused >= 0) controls()[focused]?.focus();
}

function showLegend(): void {
  legend.hidden = !state.legendOpen;
  legendButton.setAttribute('aria-pressed', String(state.legendOpen));
  const entries: Node[] = NODE_COLOURS.map(({ label, variable }) => {
    const dot = element('span', { class: 'dot' });
    dot.style.background = `var(${variable})`;
    return element('span', { class: 'entry' }, dot, label);
  });
  for (const kind of GRAPH_EDGE_KINDS) {
    const look = EDGE_LOOKS[kind];
    const line = element('span', { class: 'line' });
    line.style.borderTopStyle = look.line;
    line.style.borderTopColor = `var(${look.variable})`;
    entries.push(element('span', { class: 'entry' }, line, look.description));
  }
  const cycle = element('span', { class: 'dot' });
  cycle.style.border = '2px double var(--vscode-editorError-foreground)';
  const problem = element('span', { class: 'dot' });
  problem.style.border = '2px solid var(--vscode-editorWarning-foreground)';
  entries.push(element('span', { class: 'entry' }, cycle, 'dependency cycle'), element('span', { class: 'entry' }, problem, 'validation problem'));
  legend.replaceChildren(...entries);
}
showLegend();

// ---- Search (hybrid, by the host) ----

let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 300);
});
searchInput.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  const matched = cy.nodes('.match');
  if (matched.empty()) return;
  cy.fit(matched, 60);
  // The best match drawn, selected: arrow keys in the graph go on from there.
  const best = searchMatches.find((key) => cy.getElementById(key).nonempty());
  if (best) {
    cy.elements(':selected').unselect();
    cy.getElementById(best).select();
    requestDetails(best);
  }
});

function runSearch(): void {
  const text = searchInput.value.trim();
  searchId++;
  if (text === '') {
    searchMatches = [];
    applySearchMatches();
    return;
  }
  searchStatus.textContent = 'Searching…';
  vscode.postMessage({ type: 'search', id: searchId, text });
}

function applySearchMatches(): void {
  cy.batch(() => {
    cy.elements('.match').removeClass('match');
    for (const key of searchMatches) cy.getElementById(key).addClass('match');
  });
  const drawn = cy.nodes('.match').length;
  searchStatus.textContent = searchMatches.length === 0 ? (searchInput.value.trim() ? 'No matches' : '')
    : `${searchMatches.length} matches, ${drawn} in view${drawn > 0 ? ' (Enter: zoom to them, select the best)' : ''}`;
}

// ---- Export ----

function exportPng(): void {
  if (lazyLabels()) cy.batch(() => cy.nodes().addClass(LABELLED));
  const background = getComputedStyle(document.body).backgroundColor;
  const data = cy.png({ output: 'base64uri', full: true, scale: 2, maxWidth: 8000, maxHeight: 8000, bg: background });
  vscode.postMessage({ type: 'export', format: 'png', data });
}

/** The drawn view as Cytoscape JSON (`elements: { nodes, edges }`, as `cvprd graph --format cytoscape` writes it and Cytoscape imports it). */
function exportJson(): void {
  const classes = (ele: { classes(): string[] }) => ele.classes().filter((name) => name !== LABELLED).join(' ');
  const nodes = cy.nodes().map((node) => ({ data: node.data(), classes: classes(node), position: { ...node.position() } }));
  const edges = cy.edges().map((edge) => ({ data: edge.data(), classes: classes(edge) }));
  const elements = { nodes, edges };
  vscode.postMessage({ type: 'export', format: 'json', data: `${JSON.stringify({ elements, query }, null, 2)}\n` });
}

// ---- Messages from the host ----

window.addEventListener('message', (event: MessageEvent<GraphPanelUpdate>) => {
  const message = event.data;
  const received = performance.now();
  switch (message?.type) {
    case 'graph':
      draw(message, received);
      break;
    case 'searchResults':
      if (message.id !== searchId) return;
      searchMatches = message.keys;
      applySearchMatches();
      if (message.message) searchStatus.textContent += ` · ${message.message}`;
      break;
    case 'details':
      if (message.id !== detailsId) return;
      if (message.details) showDetails(message.details);
      else hideDetails();
      break;
    case 'empty': {
      // The host took the query asked for and has nothing to draw: the next change builds on the drawn query again.
      asked = undefined;
      cy.elements().remove();
      const action = message.action;
      showEmpty(message.message, action && EMPTY_ACTION_LABELS[action], () => action && vscode.postMessage({ type: 'runAction', action }));
      statusText.textContent = '';
      showMore.hidden = true;
      break;
    }
  }
});

const EMPTY_ACTION_LABELS: Record<GraphPanelAction, string> = { indexWorkspace: 'Index Workspace', openFolder: 'Open Folder' };

/** Says why nothing is drawn, with a button for what changes that. */
function showEmpty(text: string, actionLabel: string | undefined, action: () => void): void {
  emptyText.textContent = text;
  emptyAction.hidden = actionLabel === undefined;
  emptyAction.textContent = actionLabel ?? '';
  onEmptyAction = action;
  emptyMessage.hidden = false;
}

/** For the end-to-end tests and the benchmark: what Cytoscape holds now. */
(window as unknown as { __cvprdGraphTestHook: () => unknown }).__cvprdGraphTestHook = () => ({
  nodes: cy.nodes().map((node) => ({
    id: node.id(), label: node.data('label'), classes: node.classes().join(' '), data: node.data(),
    position: { ...node.position() }, renderedPosition: { ...node.renderedPosition() },
  })),
  edges: cy.edges().map((edge) => ({ id: edge.id(), source: edge.source().id(), target: edge.target().id(), kind: edge.data('kind'), classes: edge.classes().join(' ') })),
  selected: cy.$(':selected').map((ele) => ele.id()),
  viewport: { zoom: cy.zoom(), pan: cy.pan() },
  layout: state.layout,
  renders: { ...renders },
  query,
});

vscode.postMessage({ type: 'ready' });
