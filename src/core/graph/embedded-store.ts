// The default GraphStore: the in-memory RequirementGraph behind the async interface FalkorDB also meets.
import type { Direction, EdgeKind, GraphEdge, GraphNode, GraphStore, Subgraph } from '../types';
import { RequirementGraph } from './requirement-graph';

export class EmbeddedGraphStore implements GraphStore {
  constructor(readonly graph: RequirementGraph = new RequirementGraph()) {}

  /** An edge whose end is in neither the batch nor the store rejects the whole batch, leaving the store unchanged. */
  async upsert(nodes: GraphNode[], edges: GraphEdge[]): Promise<void> {
    const incoming = new Set(nodes.map((n) => n.key));
    for (const edge of edges) {
      const missing = [edge.from, edge.to].find((k) => !incoming.has(k) && !this.graph.node(k));
      if (missing !== undefined) throw new Error(`Graph upsert from ${edge.file}: ${edge.kind} edge ${edge.from} -> ${edge.to} names unknown node ${missing}`);
    }
    for (const node of nodes) this.graph.addNode(node);
    for (const edge of edges) this.graph.addEdge(edge);
  }

  async deleteBySource(file: string): Promise<void> {
    this.graph.removeBySource(file);
  }

  async neighbors(key: string, options: { depth: number; direction: Direction; kinds?: EdgeKind[] }): Promise<Subgraph> {
    return this.graph.neighbors(key, options);
  }

  async paths(from: string, to: string, options: { kinds?: EdgeKind[]; maxDepth?: number; direction?: Direction }): Promise<GraphNode[][]> {
    const path = this.graph.shortestPath(from, to, options);
    return path.length > 0 ? [path] : [];
  }
}
