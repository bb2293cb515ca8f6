// What the graph panel draws: the requirements graph cut down to a scope (whole workspace, one PRD, or a focus node's
// neighbourhood), filtered, capped, and decorated with validation marks, as Cytoscape element definitions (plain JSON).
import type { Diagnostic, EdgeKind, GraphEdge, GraphNode, NodeKind, Priority } from '../types';
import { toCytoscapeJson, type CytoscapeEdgeData, type CytoscapeNodeData } from './export';
import type { RequirementGraph } from './requirement-graph';

/**
 * Upstream is what a node stands on: what it depends on, refines, implements, verifies or mentions (its outgoing
 * edges) and the PRD or section containing it. Downstream is the reverse: what stands on it and what it contains.
 */
export type FocusDirection = 'upstream' | 'downstream' | 'both';
export const MIN_FOCUS_DEPTH = 1;
export const MAX_FOCUS_DEPTH = 3;

/** A requirement without a priority matches 'none'. */
export type PriorityFilter = Priority | 'none';

export interface GraphFocus {
  key: string;
  /** Edges from the focus node, 1-3 (clamped). */
  depth: number;
  direction: FocusDirection;
}

export interface GraphViewOptions {
  /** Only this PRD's nodes and the nodes they link to (ignored when there is a focus). */
  file?: string;
  /** The focus node's neighbourhood instead of the whole graph; the focus node is never filtered out or capped. */
  focus?: GraphFocus;
  /** Node kinds shown (default all). CONTAINS edges skip hidden sections: a requirement hangs from its PRD then. */
  nodeKinds?: readonly NodeKind[];
  /** Edge kinds shown and, with a focus, followed (default all). */
  edgeKinds?: readonly EdgeKind[];
  /** Priorities of the requirements shown (default all); PRDs and sections are not filtered by priority. */
  priorities?: readonly PriorityFilter[];
  /** Files (PRDs) whose nodes are shown (default all). */
  prds?: readonly string[];
  /** At most this many nodes (default unlimited): a focus view keeps the nearest, any other the best connected. */
  maxNodes?: number;
  /** Validation results, marked on the node whose lines hold each problem. */
  diagnostics?: readonly Diagnostic[];
}

export interface GraphViewProblem {
  severity: Diagnostic['severity'];
  message: string;
}

export interface GraphViewNodeData extends CytoscapeNodeData {
  /** Links other than CONTAINS, in the whole graph. */
  degree: number;
  problems?: GraphViewProblem[];
}

export type GraphViewEdgeData = CytoscapeEdgeData;

/** Cytoscape element definitions; classes: `focus`, `cycle`, `problem-error`, `problem-warning`. */
export interface GraphViewElements {
  nodes: { data: GraphViewNodeData; classes: string }[];
  edges: { data: GraphViewEdgeData; classes: string }[];
}

export interface GraphView {
  elements: GraphViewElements;
  /** Nodes that matched the scope and filters; more than the nodes shown when the cap cut some off. */
  matchedNodes: number;
  /** The focus node's key when it exists in the graph. */
  focus?: string;
}

export function graphView(graph: RequirementGraph, options: GraphViewOptions = {}): GraphView {
  const edgeKinds = options.edgeKinds;
  const focusNode = options.focus ? graph.node(options.focus.key) : undefined;
  const candidates = focusNode && options.focus
    ? reachable(graph, focusNode, options.focus, edgeKinds)
    : options.file !== undefined ? graph.fileSubgraph(options.file).nodes : [...graph.nodes()];

  const matched = candidates.filter((node) => node === focusNode || passesFilters(node, options));
  // Computed once per node: ranking for the cap and the shown nodes' data both need it.
  const degrees = new Map<string, number>();
  const degree = (node: GraphNode): number => {
    let d = degrees.get(node.key);
    if (d === undefined) degrees.set(node.key, (d = nonContainmentDegree(graph, node.key)));
    return d;
  };
  // A focus view arrives nearest first; any other keeps PRDs, then the best connected requirements and sections.
  const ranked = focusNode ? matched : rankForCap(matched, degree);
  const shown = ranked.slice(0, Math.max(options.maxNodes ?? Infinity, focusNode ? 1 : 0));
  const shownKeys = new Set(shown.map((node) => node.key));

  const edges: GraphEdge[] = [];
  for (const node of shown) {
    for (const edge of graph.outgoing(node.key, edgeKinds)) if (shownKeys.has(edge.to)) edges.push(edge);
  }
  if (!edgeKinds || edgeKinds.includes('CONTAINS')) edges.push(...containmentShortcuts(graph, shown, shownKeys));

  const cytoscape = toCytoscapeJson({ nodes: shown, edges });
  const cycles = cycleMarks(graph);
  const inScope = new Set(candidates.map((node) => node.key));
  const problems = onShownNodes(graph, problemsByNode(graph, options.diagnostics ?? []), inScope, shownKeys);
  const nodes = cytoscape.elements.nodes.map(({ data }, i) => {
    const nodeProblems = problems.get(data.id);
    const classes = [
      data.id === focusNode?.key ? 'focus' : '',
      cycles.nodes.has(data.id) ? 'cycle' : '',
      worstClass(nodeProblems),
    ];
    return {
      data: { ...data, degree: degree(shown[i]), ...(nodeProblems ? { problems: nodeProblems } : {}) },
      classes: classes.filter(Boolean).join(' '),
    };
  });
  const edgeElements = cytoscape.elements.edges.map(({ data }) => ({
    data,
    classes: data.kind === 'DEPENDS_ON' && cycles.edges.has(`${data.source}\u0000${data.target}`) ? 'cycle' : '',
  }));
  return { elements: { nodes, edges: edgeElements }, matchedNodes: matched.length, focus: focusNode?.key };
}

function passesFilters(node: GraphNode, options: GraphViewOptions): boolean {
  if (options.nodeKinds && !options.nodeKinds.includes(node.kind)) return false;
  if (options.prds && !options.prds.includes(node.file)) return false;
  if (options.priorities && node.kind === 'requirement' && !options.priorities.includes(node.priority ?? 'none')) return false;
  return true;
}

/** Breadth-first from the focus node, nearest first, following each edge kind the way the direction means. */
function reachable(graph: RequirementGraph, start: GraphNode, focus: GraphFocus, kinds: readonly EdgeKind[] | undefined): GraphNode[] {
  const depth = Math.min(Math.max(Math.round(focus.depth), MIN_FOCUS_DEPTH), MAX_FOCUS_DEPTH);
  const upstream = focus.direction !== 'downstream';
  const downstream = focus.direction !== 'upstream';
  const seen = new Set([start.key]);
  const order = [start];
  let frontier = [start.key];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      order.push(graph.node(key)!);
      next.push(key);
    };
    for (const key of frontier) {
      // CONTAINS points from the container down to its content, every other kind from the dependent to what it stands on.
      for (const edge of graph.outgoing(key, kinds)) if (edge.kind === 'CONTAINS' ? downstream : upstream) visit(edge.to);
      for (const edge of graph.incoming(key, kinds)) if (edge.kind === 'CONTAINS' ? upstream : downstream) visit(edge.from);
    }
    frontier = next;
  }
  return order;
}

const KIND_RANK: Record<NodeKind, number> = { prd: 0, requirement: 1, section: 2 };

function rankForCap(nodes: GraphNode[], degree: (node: GraphNode) => number): GraphNode[] {
  return [...nodes].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]
    || degree(b) - degree(a)
    || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function nonContainmentDegree(graph: RequirementGraph, key: string): number {
  const count = (edges: GraphEdge[]) => edges.reduce((n, edge) => n + (edge.kind === 'CONTAINS' ? 0 : 1), 0);
  return count(graph.outgoing(key)) + count(graph.incoming(key));
}

/** A shown node whose container is hidden hangs from its nearest shown ancestor (a requirement from its PRD). */
function containmentShortcuts(graph: RequirementGraph, shown: GraphNode[], shownKeys: Set<string>): GraphEdge[] {
  const shortcuts: GraphEdge[] = [];
  for (const node of shown) {
    const direct = graph.incoming(node.key, ['CONTAINS'])[0];
    if (!direct || shownKeys.has(direct.from)) continue;
    const ancestor = nearestShown(graph, direct.from, shownKeys);
    if (ancestor !== undefined) shortcuts.push({ ...direct, from: ancestor });
  }
  return shortcuts;
}

/** `key` itself when shown, else its nearest shown container up the CONTAINS edges; undefined when there is none. */
function nearestShown(graph: RequirementGraph, key: string, shownKeys: Set<string>): string | undefined {
  let target: string | undefined = key;
  while (target !== undefined && !shownKeys.has(target)) target = graph.incoming(target, ['CONTAINS'])[0]?.from;
  return target;
}

function cycleMarks(graph: RequirementGraph): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const cycle of graph.cycles(['DEPENDS_ON'])) {
    cycle.forEach((key, i) => {
      nodes.add(key);
      edges.add(`${key}\u0000${cycle[(i + 1) % cycle.length]}`);
    });
  }
  return { nodes, edges };
}

/** Each problem goes to the innermost node of its file whose lines hold the problem's line. */
function problemsByNode(graph: RequirementGraph, diagnostics: readonly Diagnostic[]): Map<string, GraphViewProblem[]> {
  const result = new Map<string, GraphViewProblem[]>();
  if (diagnostics.length === 0) return result;
  const byFile = new Map<string, GraphNode[]>();
  for (const node of graph.nodes()) {
    let nodes = byFile.get(node.file);
    if (!nodes) byFile.set(node.file, (nodes = []));
    nodes.push(node);
  }
  for (const diagnostic of diagnostics) {
    let innermost: GraphNode | undefined;
    for (const node of byFile.get(diagnostic.file) ?? []) {
      if (diagnostic.line < node.lines.start || diagnostic.line > node.lines.end) continue;
      if (!innermost || isInside(node, innermost)) innermost = node;
    }
    if (!innermost) continue;
    let problems = result.get(innermost.key);
    if (!problems) result.set(innermost.key, (problems = []));
    problems.push({ severity: diagnostic.severity, message: diagnostic.message });
  }
  return result;
}

/**
 * A problem on a node of the scope that a filter or the cap hides (a section, by default) moves to the node's nearest
 * shown container, named in the message, so that the container is marked. Problems of nodes out of scope are dropped.
 */
function onShownNodes(
  graph: RequirementGraph, problems: Map<string, GraphViewProblem[]>, inScope: Set<string>, shownKeys: Set<string>,
): Map<string, GraphViewProblem[]> {
  const result = new Map<string, GraphViewProblem[]>();
  for (const [key, nodeProblems] of problems) {
    if (!inScope.has(key)) continue;
    const target = nearestShown(graph, key, shownKeys);
    if (target === undefined) continue;
    const label = graph.node(key)!.label;
    const moved = target === key ? nodeProblems : nodeProblems.map((problem) => ({ ...problem, message: `${label}: ${problem.message}` }));
    result.set(target, [...(result.get(target) ?? []), ...moved]);
  }
  return result;
}

const NESTING: Record<NodeKind, number> = { prd: 0, section: 1, requirement: 2 };

/** Whether `node` lies inside `other`: a shorter line range, or the same range one level deeper (a PRD's only section). */
function isInside(node: GraphNode, other: GraphNode): boolean {
  const span = node.lines.end - node.lines.start;
  const otherSpan = other.lines.end - other.lines.start;
  return span < otherSpan || (span === otherSpan && NESTING[node.kind] > NESTING[other.kind]);
}

/** Errors and warnings mark a node; infos (an unverified requirement, on most of them) only show in its details. */
function worstClass(problems: GraphViewProblem[] | undefined): string {
  if (problems?.some((p) => p.severity === 'error')) return 'problem-error';
  if (problems?.some((p) => p.severity === 'warning')) return 'problem-warning';
  return '';
}
