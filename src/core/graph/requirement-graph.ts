// In-memory requirements graph with adjacency maps. Every traversal is iterative so that a very deep
// chain (tens of thousands of DEPENDS_ON hops) cannot overflow the call stack.
import type { Direction, EdgeKind, GraphEdge, GraphNode, ReachedNode, StoredReference, Subgraph } from '../types';

export type { ReachedNode } from '../types';

export interface UnresolvedReference {
  reference: StoredReference;
  status: 'unknown' | 'ambiguous';
  /** The definitions the ID could mean (empty when unknown). */
  candidates: GraphNode[];
}

export interface TraversalOptions {
  depth: number;
  direction: Direction;
  kinds?: EdgeKind[];
}

export interface PathOptions {
  kinds?: EdgeKind[];
  /** Defaults to 'both': "how are these two connected" rarely cares which way the edges point. */
  direction?: Direction;
  maxDepth?: number;
}

export function requirementKey(file: string, id: string): string {
  return `req:${file}::${id}`;
}

export function sectionKey(file: string, key: string): string {
  return `sec:${file}::${key}`;
}

export function prdKey(file: string): string {
  return `prd:${file}`;
}

/**
 * The line as part of an edge's identity: RELATED_TO is one edge per node pair, whatever the line ('');
 * other kinds may repeat on different lines (two mentions).
 */
export function edgeLineKey(e: GraphEdge): string {
  return e.kind === 'RELATED_TO' ? '' : String(e.line ?? '');
}

/** Edges with the same identity (kind, ends, source file and line key) are one edge. */
export function edgeIdentity(e: GraphEdge): string {
  return `${e.kind}\u0000${e.from}\u0000${e.to}\u0000${e.file}\u0000${edgeLineKey(e)}`;
}

export class RequirementGraph {
  private readonly nodeMap = new Map<string, GraphNode>();
  private readonly edgeMap = new Map<string, GraphEdge>();
  private readonly outEdges = new Map<string, Set<GraphEdge>>();
  private readonly inEdges = new Map<string, Set<GraphEdge>>();
  /** Requirement ID -> node keys of its definitions (one per file). */
  private readonly byRequirementId = new Map<string, Set<string>>();
  /** cycles() per set of edge kinds; cleared whenever an edge is added or removed. */
  private readonly cycleCache = new Map<string, string[][]>();
  /** References that did not resolve to exactly one requirement; the validator reports them. */
  unresolvedReferences: UnresolvedReference[] = [];

  get nodeCount(): number { return this.nodeMap.size; }
  get edgeCount(): number { return this.edgeMap.size; }

  nodes(): IterableIterator<GraphNode> { return this.nodeMap.values(); }
  edges(): IterableIterator<GraphEdge> { return this.edgeMap.values(); }

  node(key: string): GraphNode | undefined {
    return this.nodeMap.get(key);
  }

  /** Adds or replaces a node; edges attached to an existing key stay attached. */
  addNode(node: GraphNode): void {
    const previous = this.nodeMap.get(node.key);
    if (previous?.requirementId !== undefined) this.byRequirementId.get(previous.requirementId)?.delete(node.key);
    this.nodeMap.set(node.key, node);
    if (node.requirementId !== undefined) {
      let keys = this.byRequirementId.get(node.requirementId);
      if (!keys) this.byRequirementId.set(node.requirementId, (keys = new Set()));
      keys.add(node.key);
    }
  }

  /** Adds an edge between existing nodes; an identical edge (same kind, ends, file and line) is replaced. */
  addEdge(edge: GraphEdge): void {
    for (const end of [edge.from, edge.to]) {
      if (!this.nodeMap.has(end)) throw new Error(`Cannot add ${edge.kind} edge ${edge.from} -> ${edge.to} (from ${edge.file}): node ${end} does not exist`);
    }
    const id = edgeIdentity(edge);
    const previous = this.edgeMap.get(id);
    if (previous) this.detachEdge(id, previous);
    this.edgeMap.set(id, edge);
    this.cycleCache.clear();
    let out = this.outEdges.get(edge.from);
    if (!out) this.outEdges.set(edge.from, (out = new Set()));
    out.add(edge);
    let incoming = this.inEdges.get(edge.to);
    if (!incoming) this.inEdges.set(edge.to, (incoming = new Set()));
    incoming.add(edge);
  }

  /**
   * Removes everything a file produced: its nodes (with every edge touching them, wherever it came from)
   * and every edge whose source file it is. References from other files into it must be re-added by
   * whoever re-indexes them, as with a graph database's DETACH DELETE.
   */
  removeBySource(file: string): void {
    for (const [id, edge] of this.edgeMap) {
      if (edge.file === file) this.detachEdge(id, edge);
    }
    for (const node of [...this.nodeMap.values()]) {
      if (node.file !== file) continue;
      for (const edge of [...(this.outEdges.get(node.key) ?? []), ...(this.inEdges.get(node.key) ?? [])]) {
        this.detachEdge(edgeIdentity(edge), edge);
      }
      this.outEdges.delete(node.key);
      this.inEdges.delete(node.key);
      this.nodeMap.delete(node.key);
      if (node.requirementId !== undefined) {
        const keys = this.byRequirementId.get(node.requirementId);
        keys?.delete(node.key);
        if (keys?.size === 0) this.byRequirementId.delete(node.requirementId);
      }
    }
    this.unresolvedReferences = this.unresolvedReferences.filter((u) => u.reference.file !== file);
  }

  private detachEdge(id: string, edge: GraphEdge): void {
    this.edgeMap.delete(id);
    this.cycleCache.clear();
    this.outEdges.get(edge.from)?.delete(edge);
    this.inEdges.get(edge.to)?.delete(edge);
  }

  outgoing(key: string, kinds?: readonly EdgeKind[]): GraphEdge[] {
    return this.filterKinds(this.outEdges.get(key), kinds);
  }

  incoming(key: string, kinds?: readonly EdgeKind[]): GraphEdge[] {
    return this.filterKinds(this.inEdges.get(key), kinds);
  }

  private filterKinds(edges: Set<GraphEdge> | undefined, kinds?: readonly EdgeKind[]): GraphEdge[] {
    if (!edges) return [];
    return kinds ? [...edges].filter((e) => kinds.includes(e.kind)) : [...edges];
  }

  /** Every definition of a requirement ID, sorted by file; the definition in preferFile (if any) comes first. */
  findRequirement(id: string, preferFile?: string): GraphNode[] {
    const found = [...(this.byRequirementId.get(id) ?? [])].map((k) => this.nodeMap.get(k)!);
    return found.sort((a, b) => {
      if (a.file === preferFile) return -1;
      if (b.file === preferFile) return 1;
      return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
    });
  }

  /** Edges leaving `key` in the given direction, each with the node at its other end. */
  private steps(key: string, direction: Direction, kinds?: readonly EdgeKind[]): { edge: GraphEdge; next: string }[] {
    const result: { edge: GraphEdge; next: string }[] = [];
    if (direction !== 'in') for (const edge of this.outgoing(key, kinds)) result.push({ edge, next: edge.to });
    if (direction !== 'out') for (const edge of this.incoming(key, kinds)) result.push({ edge, next: edge.from });
    return result;
  }

  /** Breadth-first reach from a node: the nodes within `depth` edges and the edges followed to reach them. */
  neighbors(key: string, options: TraversalOptions): Subgraph {
    const start = this.nodeMap.get(key);
    if (!start) return { nodes: [], edges: [] };
    const seen = new Set([key]);
    const nodes = [start];
    const edges = new Set<GraphEdge>();
    let frontier = [key];
    for (let level = 0; level < options.depth && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const current of frontier) {
        for (const step of this.steps(current, options.direction, options.kinds)) {
          edges.add(step.edge);
          if (seen.has(step.next)) continue;
          seen.add(step.next);
          nodes.push(this.nodeMap.get(step.next)!);
          next.push(step.next);
        }
      }
      frontier = next;
    }
    return { nodes, edges: [...edges] };
  }

  private reach(key: string, direction: Direction, kinds: readonly EdgeKind[], transitive: boolean): ReachedNode[] {
    const reached: ReachedNode[] = [];
    const seen = new Set([key]);
    let frontier = [key];
    for (let depth = 1; frontier.length > 0 && (transitive || depth === 1); depth++) {
      const next: string[] = [];
      for (const current of frontier) {
        for (const step of this.steps(current, direction, kinds)) {
          if (seen.has(step.next)) continue;
          seen.add(step.next);
          reached.push({ node: this.nodeMap.get(step.next)!, depth });
          next.push(step.next);
        }
      }
      frontier = next;
    }
    return reached;
  }

  /** What `key` depends on (outgoing DEPENDS_ON), nearest first. */
  dependencies(key: string, options: { transitive?: boolean } = {}): ReachedNode[] {
    return this.reach(key, 'out', ['DEPENDS_ON'], options.transitive ?? true);
  }

  /**
   * Impact: everything that breaks or must be revisited when `key` changes, nearest first. Follows incoming
   * DEPENDS_ON and, unless throughRefines is false, incoming REFINES too — a refinement restates its parent
   * in more detail, so a change to the parent reaches it and, through it, whatever depends on it.
   */
  dependents(key: string, options: { transitive?: boolean; throughRefines?: boolean } = {}): ReachedNode[] {
    const kinds: EdgeKind[] = options.throughRefines === false ? ['DEPENDS_ON'] : ['DEPENDS_ON', 'REFINES'];
    return this.reach(key, 'in', kinds, options.transitive ?? true);
  }

  /** The nodes along a path with the fewest edges from `from` to `to` (both included); [] when there is none. */
  shortestPath(from: string, to: string, options: PathOptions = {}): GraphNode[] {
    if (!this.nodeMap.has(from) || !this.nodeMap.has(to)) return [];
    if (from === to) return [this.nodeMap.get(from)!];
    const direction = options.direction ?? 'both';
    const maxDepth = options.maxDepth ?? Infinity;
    const parent = new Map<string, string>([[from, from]]);
    let frontier = [from];
    for (let depth = 1; frontier.length > 0 && depth <= maxDepth; depth++) {
      const next: string[] = [];
      for (const current of frontier) {
        for (const step of this.steps(current, direction, options.kinds)) {
          if (parent.has(step.next)) continue;
          parent.set(step.next, current);
          if (step.next === to) return this.unwind(parent, to);
          next.push(step.next);
        }
      }
      frontier = next;
    }
    return [];
  }

  private unwind(parent: Map<string, string>, to: string): GraphNode[] {
    const keys = [to];
    for (let k = to; parent.get(k) !== k; ) keys.push((k = parent.get(k)!));
    return keys.reverse().map((k) => this.nodeMap.get(k)!);
  }

  /**
   * Cycles along the given edge kinds, as node keys (the closing return to the first node is implied).
   * Found per strongly connected component (Tarjan, iterative); within a component, shortest cycles are
   * collected until every member lies on one, so each member of a cycle is named. Each cycle is rotated
   * to start at its smallest key and listed once; a self-loop is a one-node cycle.
   */
  cycles(kinds: readonly EdgeKind[] = ['DEPENDS_ON']): string[][] {
    const cacheKey = [...new Set(kinds)].sort().join(',');
    let found = this.cycleCache.get(cacheKey);
    if (!found) {
      found = findCycles([...this.edgeMap.values()].filter((e) => kinds.includes(e.kind)));
      this.cycleCache.set(cacheKey, found);
    }
    // Copies, so a caller that edits the result cannot corrupt the cache.
    return found.map((cycle) => [...cycle]);
  }

  /** A PRD's nodes, every edge touching them, and the nodes at the far end of those edges. */
  fileSubgraph(file: string): Subgraph {
    const nodes = new Map<string, GraphNode>();
    const edges = new Set<GraphEdge>();
    for (const node of this.nodeMap.values()) {
      if (node.file === file) nodes.set(node.key, node);
    }
    for (const key of [...nodes.keys()]) {
      for (const edge of [...(this.outEdges.get(key) ?? []), ...(this.inEdges.get(key) ?? [])]) {
        edges.add(edge);
        for (const end of [edge.from, edge.to]) if (!nodes.has(end)) nodes.set(end, this.nodeMap.get(end)!);
      }
    }
    return { nodes: [...nodes.values()], edges: [...edges] };
  }

  /** The nodes with a VERIFIES edge into the requirement (its acceptance criteria, tests...). */
  verifiers(reqKey: string): GraphNode[] {
    return uniqueNodes(this.incoming(reqKey, ['VERIFIES']).map((e) => this.nodeMap.get(e.from)!));
  }

  /** The nodes with an IMPLEMENTS edge into the requirement. */
  implementers(reqKey: string): GraphNode[] {
    return uniqueNodes(this.incoming(reqKey, ['IMPLEMENTS']).map((e) => this.nodeMap.get(e.from)!));
  }

  /** The whole graph as a subgraph (for exports). */
  all(): Subgraph {
    return { nodes: [...this.nodeMap.values()], edges: [...this.edgeMap.values()] };
  }
}

/**
 * The cycles of a directed graph given by its edges, as node keys (see RequirementGraph.cycles): shortest cycles per
 * strongly connected component until every member is named, each rotated to its smallest key, listed once, sorted.
 */
export function findCycles(edges: Iterable<{ from: string; to: string }>): string[][] {
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, Set<string>>();
  for (const edge of edges) {
    let out = successors.get(edge.from);
    if (!out) successors.set(edge.from, (out = []));
    out.push(edge.to);
    let into = predecessors.get(edge.to);
    if (!into) predecessors.set(edge.to, (into = new Set()));
    into.add(edge.from);
  }
  const result: string[][] = [];
  for (const component of stronglyConnected(successors)) {
    if (component.length === 1 && !predecessors.get(component[0])?.has(component[0])) continue;
    const members = new Set(component);
    const covered = new Set<string>();
    const listed = new Set<string>();
    for (const start of [...component].sort()) {
      if (covered.has(start)) continue;
      const cycle = shortestCycleThrough(start, members, successors, predecessors.get(start)!);
      for (const k of cycle) covered.add(k);
      const rotated = rotateToSmallest(cycle);
      const id = rotated.join('\u0000');
      if (!listed.has(id)) {
        listed.add(id);
        result.push(rotated);
      }
    }
  }
  return result.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a.length - b.length));
}

/** Tarjan's algorithm with an explicit stack. Returns every component, including single nodes. */
function stronglyConnected(successors: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of successors.keys()) {
    if (index.has(root)) continue;
    const work: { key: string; targets: string[]; next: number }[] = [];
    const enter = (key: string) => {
      index.set(key, counter);
      low.set(key, counter++);
      stack.push(key);
      onStack.add(key);
      work.push({ key, targets: successors.get(key) ?? [], next: 0 });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.targets.length) {
        const target = frame.targets[frame.next++];
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) low.set(frame.key, Math.min(low.get(frame.key)!, index.get(target)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parentKey = work[work.length - 1].key;
        low.set(parentKey, Math.min(low.get(parentKey)!, low.get(frame.key)!));
      }
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.key);
        components.push(component);
      }
    }
  }
  return components;
}

function uniqueNodes(nodes: GraphNode[]): GraphNode[] {
  return [...new Map(nodes.map((n) => [n.key, n])).values()];
}

/**
 * Breadth-first from `start` inside its component until reaching a node with an edge back to `start`:
 * the first such node found closes a shortest cycle, so a hub with thousands of 2-cycles stays linear.
 */
function shortestCycleThrough(start: string, members: Set<string>, successors: Map<string, string[]>, predecessors: Set<string>): string[] {
  if (predecessors.has(start)) return [start];
  const parent = new Map<string, string>([[start, start]]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const target of successors.get(current) ?? []) {
        if (!members.has(target) || parent.has(target)) continue;
        parent.set(target, current);
        if (predecessors.has(target)) {
          const cycle = [target];
          for (let k = target; k !== start; ) cycle.push((k = parent.get(k)!));
          return cycle.reverse();
        }
        next.push(target);
      }
    }
    frontier = next;
  }
  return [start];
}

function rotateToSmallest(cycle: string[]): string[] {
  let best = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[best]) best = i;
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}
