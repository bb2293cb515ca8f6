// The behaviour every GraphStore must show. Run it against a backend with:
//   graphStoreContract('FalkorDB', async () => new FalkorGraphStore(...));
import { strict as assert } from 'node:assert';
import type { EdgeKind, GraphEdge, GraphNode, GraphStore } from '../../src/core/types';

function req(file: string, id: string, line: number, title = `Title of ${id}`): GraphNode {
  return {
    key: `req:${file}::${id}`, kind: 'requirement', file, label: id, title, requirementId: id, type: 'requirement',
    priority: 'high', status: 'open', lines: { start: line, end: line + 1 }, headingPath: ['Requirements'],
  };
}

function prd(file: string): GraphNode {
  return { key: `prd:${file}`, kind: 'prd', file, label: file, title: file, lines: { start: 1, end: 50 }, headingPath: [] };
}

function edge(from: GraphNode, to: GraphNode, kind: EdgeKind, file: string, line?: number): GraphEdge {
  return { from: from.key, to: to.key, kind, file, line };
}

const keys = (nodes: GraphNode[]) => nodes.map((n) => n.key).sort();

export function graphStoreContract(name: string, makeStore: () => Promise<GraphStore>): void {
  describe(`GraphStore contract: ${name}`, () => {
    // a.md: A1 -> A2 -> A3 (DEPENDS_ON); b.md: B1 depends on A3 and verifies A1; b.md links to a.md.
    const pa = prd('a.md');
    const pb = prd('b.md');
    const a1 = req('a.md', 'A1', 3, 'Title with <xml> & "quotes"');
    const a2 = req('a.md', 'A2', 5);
    const a3 = req('a.md', 'A3', 7);
    const b1 = req('b.md', 'B1', 3);
    const aEdges = [edge(pa, a1, 'CONTAINS', 'a.md', 3), edge(pa, a2, 'CONTAINS', 'a.md', 5), edge(pa, a3, 'CONTAINS', 'a.md', 7),
      edge(a1, a2, 'DEPENDS_ON', 'a.md', 3), edge(a2, a3, 'DEPENDS_ON', 'a.md', 5)];
    const bEdges = [edge(pb, b1, 'CONTAINS', 'b.md', 3), edge(b1, a3, 'DEPENDS_ON', 'b.md', 3), edge(b1, a1, 'VERIFIES', 'b.md', 4),
      edge(pb, pa, 'LINKS_TO', 'b.md', 9)];
    let store: GraphStore;

    beforeEach(async () => {
      store = await makeStore();
      await store.upsert([pa, a1, a2, a3], aEdges);
      await store.upsert([pb, b1], bEdges);
    });

    it('returns a node with its properties intact', async () => {
      const sub = await store.neighbors(a1.key, { depth: 0, direction: 'both' });
      assert.deepEqual(sub.nodes, [a1]);
      assert.deepEqual(sub.edges, []);
    });

    it('follows edges by direction, kind and depth', async () => {
      const out = await store.neighbors(a1.key, { depth: 1, direction: 'out', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(out.nodes), [a1.key, a2.key]);
      assert.deepEqual(out.edges.map((e) => [e.from, e.to, e.kind, e.file, e.line]), [[a1.key, a2.key, 'DEPENDS_ON', 'a.md', 3]]);
      const deep = await store.neighbors(a1.key, { depth: 2, direction: 'out', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(deep.nodes), [a1.key, a2.key, a3.key]);
      const incoming = await store.neighbors(a3.key, { depth: 1, direction: 'in', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(incoming.nodes), [a2.key, a3.key, b1.key].sort());
      const both = await store.neighbors(a1.key, { depth: 1, direction: 'both' });
      assert.deepEqual(keys(both.nodes), [pa.key, a1.key, a2.key, b1.key].sort());
    });

    it('finds the shortest path and nothing when there is none', async () => {
      const [path] = await store.paths(a1.key, a3.key, { kinds: ['DEPENDS_ON'], direction: 'out' });
      assert.deepEqual(path.map((n) => n.key), [a1.key, a2.key, a3.key]);
      assert.deepEqual(await store.paths(a3.key, a1.key, { kinds: ['DEPENDS_ON'], direction: 'out' }), []);
      assert.deepEqual(await store.paths(a1.key, a3.key, { kinds: ['DEPENDS_ON'], direction: 'out', maxDepth: 1 }), []);
      const [viaB] = await store.paths(a1.key, a3.key, { kinds: ['DEPENDS_ON', 'VERIFIES'], direction: 'both' });
      assert.equal(viaB.length, 3);
    });

    it('upserting the same nodes and edges again changes nothing', async () => {
      await store.upsert([pa, a1, a2, a3], aEdges);
      const sub = await store.neighbors(pa.key, { depth: 3, direction: 'both' });
      assert.equal(sub.nodes.length, 6);
      assert.equal(sub.edges.length, aEdges.length + bEdges.length);
    });

    it('replaces a node\'s properties on upsert', async () => {
      const renamed = { ...a2, title: 'Renamed', status: 'done' as const };
      await store.upsert([renamed], []);
      const sub = await store.neighbors(a2.key, { depth: 0, direction: 'both' });
      assert.equal(sub.nodes[0].title, 'Renamed');
      assert.equal(sub.nodes[0].status, 'done');
      const still = await store.neighbors(a2.key, { depth: 1, direction: 'out', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(still.nodes), [a2.key, a3.key]);
    });

    it('deleteBySource removes the file\'s nodes, its edges and edges into its nodes, and nothing else', async () => {
      await store.deleteBySource('b.md');
      assert.deepEqual(await store.neighbors(b1.key, { depth: 1, direction: 'both' }), { nodes: [], edges: [] });
      const intoA3 = await store.neighbors(a3.key, { depth: 1, direction: 'in', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(intoA3.nodes), [a2.key, a3.key]);
      await store.deleteBySource('a.md');
      assert.deepEqual(await store.neighbors(a1.key, { depth: 1, direction: 'both' }), { nodes: [], edges: [] });
    });

    it('re-indexing a file after deleteBySource restores it', async () => {
      await store.deleteBySource('b.md');
      await store.upsert([pb, b1], bEdges);
      const [path] = await store.paths(b1.key, a3.key, { kinds: ['DEPENDS_ON'], direction: 'out' });
      assert.deepEqual(path.map((n) => n.key), [b1.key, a3.key]);
    });

    it('rejects an edge to a node it does not hold, naming the node, and keeps the batch out', async () => {
      const ghost = req('c.md', 'C1', 1);
      const c0 = prd('c.md');
      await assert.rejects(store.upsert([c0], [edge(c0, ghost, 'CONTAINS', 'c.md', 1)]), /req:c\.md::C1/);
      assert.deepEqual(await store.neighbors(c0.key, { depth: 0, direction: 'both' }), { nodes: [], edges: [] });
    });

    it('returns an empty subgraph for an unknown key', async () => {
      assert.deepEqual(await store.neighbors('req:none.md::X', { depth: 2, direction: 'both' }), { nodes: [], edges: [] });
      assert.deepEqual(await store.paths('req:none.md::X', a1.key, {}), []);
    });
  });
}
