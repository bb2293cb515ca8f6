import { strict as assert } from 'node:assert';
import { buildGraph } from '../../src/core/graph/build';
import { RequirementGraph } from '../../src/core/graph/requirement-graph';
import type { GraphNode } from '../../src/core/types';
import { snapshot } from '../fixtures/graph/snapshot-builder';

const ids = (nodes: GraphNode[]) => nodes.map((n) => n.requirementId ?? n.key);
const short = (cycles: string[][]) => cycles.map((c) => c.map((k) => k.replace(/^req:[^:]+::/, '')));

/** One PRD, requirements R1..Rn, DEPENDS_ON edges as pairs "R1>R2". */
function chain(edges: string[], extraIds: string[] = []) {
  const b = snapshot().prd('a.md');
  const all = new Set(extraIds);
  for (const e of edges) for (const id of e.split('>')) all.add(id);
  let line = 2;
  for (const id of all) b.req('a.md', id, { line: line++ });
  for (const e of edges) {
    const [from, to] = e.split('>');
    b.ref('a.md', from, to, 'DEPENDS_ON', 100);
  }
  return buildGraph(b.snapshot);
}

describe('graph cycles', () => {
  it('finds a 2-cycle, a 3-cycle and a self-loop, each once', () => {
    const g = chain(['A>B', 'B>A', 'C>D', 'D>E', 'E>C', 'F>F', 'G>A']);
    assert.deepEqual(short(g.cycles()), [['A', 'B'], ['C', 'D', 'E'], ['F']]);
  });

  it('finds none in a DAG, even with diamonds', () => {
    const g = chain(['A>B', 'A>C', 'B>D', 'C>D', 'D>E']);
    assert.deepEqual(g.cycles(), []);
  });

  it('only follows the kinds it is asked about', () => {
    const g = buildGraph(snapshot().prd('a.md').req('a.md', 'A', { line: 2 }).req('a.md', 'B', { line: 3 })
      .ref('a.md', 'A', 'B', 'DEPENDS_ON', 2).ref('a.md', 'B', 'A', 'REFINES', 3).snapshot);
    assert.deepEqual(g.cycles(), []);
    assert.deepEqual(short(g.cycles(['DEPENDS_ON', 'REFINES'])), [['A', 'B']]);
  });

  it('names every member of a component made of two cycles sharing a node', () => {
    const g = chain(['A>B', 'B>A', 'B>C', 'C>B']);
    const cycles = short(g.cycles());
    assert.deepEqual(cycles, [['A', 'B'], ['B', 'C']]);
  });

  it('lists each of 10,000 two-cycles through one hub', () => {
    const g = new RequirementGraph();
    const node = (key: string) => ({ key, kind: 'requirement' as const, file: 'hub.md', label: key, title: '', lines: { start: 1, end: 1 }, headingPath: [] });
    g.addNode(node('hub'));
    for (let i = 0; i < 10_000; i++) {
      g.addNode(node(`x${i}`));
      g.addEdge({ from: 'hub', to: `x${i}`, kind: 'DEPENDS_ON', file: 'hub.md' });
      g.addEdge({ from: `x${i}`, to: 'hub', kind: 'DEPENDS_ON', file: 'hub.md' });
    }
    const cycles = g.cycles();
    assert.equal(cycles.length, 10_000);
    assert.ok(cycles.every((c) => c.length === 2 && c[0] === 'hub'));
  });

  it('handles a 20,000-node chain and a 20,000-node ring without overflowing the stack', () => {
    const g = new RequirementGraph();
    const n = 20_000;
    const key = (i: number) => `req:big.md::R${i}`;
    for (let i = 0; i < n; i++) {
      g.addNode({ key: key(i), kind: 'requirement', file: 'big.md', label: `R${i}`, title: '', requirementId: `R${i}`, lines: { start: i + 1, end: i + 1 }, headingPath: [] });
    }
    for (let i = 0; i + 1 < n; i++) g.addEdge({ from: key(i), to: key(i + 1), kind: 'DEPENDS_ON', file: 'big.md', line: i + 1 });
    assert.deepEqual(g.cycles(), []);
    assert.equal(g.dependencies(key(0)).length, n - 1);
    assert.equal(g.dependents(key(n - 1)).length, n - 1);
    assert.equal(g.shortestPath(key(0), key(n - 1), { direction: 'out' }).length, n);
    g.addEdge({ from: key(n - 1), to: key(0), kind: 'DEPENDS_ON', file: 'big.md', line: n });
    const cycles = g.cycles();
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0].length, n);
  });
});

describe('graph dependencies and impact', () => {
  // A depends on B, B on C and D, D on E. X refines C; Y depends on X.
  const g = buildGraph(snapshot().prd('a.md')
    .req('a.md', 'A', { line: 2 }).req('a.md', 'B', { line: 3 }).req('a.md', 'C', { line: 4 }).req('a.md', 'D', { line: 5 })
    .req('a.md', 'E', { line: 6 }).req('a.md', 'X', { line: 7 }).req('a.md', 'Y', { line: 8 })
    .ref('a.md', 'A', 'B', 'DEPENDS_ON', 2).ref('a.md', 'B', 'C', 'DEPENDS_ON', 3).ref('a.md', 'B', 'D', 'DEPENDS_ON', 3)
    .ref('a.md', 'D', 'E', 'DEPENDS_ON', 5).ref('a.md', 'X', 'C', 'REFINES', 7).ref('a.md', 'Y', 'X', 'DEPENDS_ON', 8)
    .ref('a.md', 'A', 'E', 'VERIFIES', 2)
    .snapshot);

  it('lists transitive dependencies nearest first, with their depth', () => {
    const deps = g.dependencies('req:a.md::A');
    assert.deepEqual(deps.map((d) => `${d.node.requirementId}@${d.depth}`), ['B@1', 'C@2', 'D@2', 'E@3']);
    assert.deepEqual(ids(g.dependencies('req:a.md::A', { transitive: false }).map((d) => d.node)), ['B']);
  });

  it('finds the impact of a change through DEPENDS_ON and REFINES', () => {
    assert.deepEqual(g.dependents('req:a.md::C').map((d) => `${d.node.requirementId}@${d.depth}`), ['B@1', 'X@1', 'A@2', 'Y@2']);
    assert.deepEqual(ids(g.dependents('req:a.md::C', { throughRefines: false }).map((d) => d.node)), ['B', 'A']);
    assert.deepEqual(ids(g.dependents('req:a.md::E', { transitive: false }).map((d) => d.node)), ['D']);
  });

  it('finds the shortest path, honouring kinds and direction, and [] when none', () => {
    assert.deepEqual(ids(g.shortestPath('req:a.md::A', 'req:a.md::E', { kinds: ['DEPENDS_ON'], direction: 'out' })), ['A', 'B', 'D', 'E']);
    assert.deepEqual(ids(g.shortestPath('req:a.md::A', 'req:a.md::E', { kinds: ['DEPENDS_ON', 'VERIFIES'] })), ['A', 'E']);
    assert.deepEqual(g.shortestPath('req:a.md::E', 'req:a.md::A', { kinds: ['DEPENDS_ON'], direction: 'out' }), []);
    assert.deepEqual(ids(g.shortestPath('req:a.md::E', 'req:a.md::A', { kinds: ['DEPENDS_ON'], direction: 'in' })), ['E', 'D', 'B', 'A']);
    assert.deepEqual(g.shortestPath('req:a.md::A', 'req:a.md::E', { kinds: ['DEPENDS_ON'], direction: 'out', maxDepth: 2 }), []);
    assert.deepEqual(g.shortestPath('req:a.md::A', 'req:nowhere::Q'), []);
  });

  it('returns the neighbourhood within a depth and the edges followed', () => {
    const sub = g.neighbors('req:a.md::B', { depth: 1, direction: 'both', kinds: ['DEPENDS_ON'] });
    assert.deepEqual(ids(sub.nodes).sort(), ['A', 'B', 'C', 'D']);
    assert.equal(sub.edges.length, 3);
    const two = g.neighbors('req:a.md::B', { depth: 2, direction: 'out', kinds: ['DEPENDS_ON'] });
    assert.deepEqual(ids(two.nodes).sort(), ['B', 'C', 'D', 'E']);
    assert.deepEqual(g.neighbors('req:a.md::missing', { depth: 3, direction: 'both' }), { nodes: [], edges: [] });
  });

  it('lists the verifiers of a requirement', () => {
    assert.deepEqual(ids(g.verifiers('req:a.md::E')), ['A']);
    assert.deepEqual(g.verifiers('req:a.md::B'), []);
  });
});

describe('graph file subgraph', () => {
  const g = buildGraph(snapshot()
    .prd('a.md').req('a.md', 'A1', { line: 2 }).req('a.md', 'A2', { line: 3 })
    .prd('b.md').req('b.md', 'B1', { line: 2 })
    .prd('c.md').req('c.md', 'C1', { line: 2 })
    .ref('a.md', 'A1', 'B1', 'DEPENDS_ON', 2).ref('c.md', 'C1', 'B1', 'DEPENDS_ON', 2)
    .snapshot);

  it('holds the PRD, its edges and the far ends of edges leaving it, but not unrelated PRDs', () => {
    const sub = g.fileSubgraph('a.md');
    const keys = sub.nodes.map((n) => n.key).sort();
    assert.deepEqual(keys, ['prd:a.md', 'req:a.md::A1', 'req:a.md::A2', 'req:b.md::B1', 'sec:a.md::Requirements']);
    for (const e of sub.edges) assert.ok(keys.includes(e.from) && keys.includes(e.to), `edge ${e.from} -> ${e.to} has both ends`);
    assert.equal(sub.edges.filter((e) => e.kind === 'DEPENDS_ON').length, 1);
    assert.deepEqual(g.fileSubgraph('none.md'), { nodes: [], edges: [] });
  });
});
