// The default GraphStore: the in-memory RequirementGraph behind the async interface FalkorDB also meets.
import type { Direction, EdgeKind, GraphCounts, GraphEdge, GraphNode, GraphStore, ReachedNode, Subgraph } from '../types';
import { RequirementGraph } from './requirement-graph';

export class EmbeddedGraphStore implements GraphStore {
  constructor(private current: RequirementGraph = new RequirementGraph()) {}

  get graph(): RequirementGraph {
    return this.current;
  }

  /** An edge whose end is in neither the batch nor the store rejects the whole batch, leaving the store unchanged. */
  async upsert(nodes: GraphNode[], edges: GraphEdge[]): Promise<void> {
    const incoming = new Set(nodes.map((n) => n.key));
    for (const edge of edges) {
      const missing = [edge.from, edge.to].find((k) => !incoming.has(k) && !this.current.node(k));
      if (missing !== undefined) throw new Error(`Graph upsert from ${edge.file}: ${edge.kind} edge ${edge.from} -> ${edge.to} names unknown node ${missing}`);
    }
    for (const node of nodes) this.current.addNode(node);
    for (const edge of edges) this.current.addEdge(edge);
  }

  async deleteBySource(file: string): Promise<void> {
    this.current.removeBySource(file);
  }

  async neighbors(key: string, options: { depth: number; direction: Direction; kinds?: EdgeKind[] }): Promise<Subgraph> {
    return this.current.neighbors(key, options);
  }

  async paths(from: string, to: string, options: { kinds?: EdgeKind[]; maxDepth?: number; direction?: Direction }): Promise<GraphNode[][]> {
    const path = this.current.shortestPath(from, to, options);
    return path.length > 0 ? [path] : [];
  }

  async dependencies(key: string, options: { transitive?: boolean } = {}): Promise<ReachedNode[]> {
    return this.current.dependencies(key, options);
  }

  async dependents(key: string, options: { transitive?: boolean; throughRefines?: boolean } = {}): Promise<ReachedNode[]> {
    return this.current.dependents(key, options);
  }

  async cycles(kinds: EdgeKind[] = ['DEPENDS_ON']): Promise<string[][]> {
    return this.current.cycles(kinds);
  }

  async clear(): Promise<void> {
    this.current = new RequirementGraph();
  }

  async counts(): Promise<GraphCounts> {
    return { nodes: this.current.nodeCount, edges: this.current.edgeCount };
  }

  async close(): Promise<void> {}
}
