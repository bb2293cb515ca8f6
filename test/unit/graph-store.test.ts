import { strict as assert } from 'node:assert';
import { buildGraph } from '../../src/core/graph/build';
import { EmbeddedGraphStore } from '../../src/core/graph/embedded-store';
import { snapshot } from '../fixtures/graph/snapshot-builder';

describe('EmbeddedGraphStore over a built graph', () => {
  it('serves the graph built from a snapshot and forgets unresolved references of a deleted file', async () => {
    const graph = buildGraph(snapshot().prd('a.md').req('a.md', 'A', { line: 2 }).req('a.md', 'B', { line: 3 })
      .ref('a.md', 'A', 'B', 'DEPENDS_ON', 2).ref('a.md', 'A', 'GONE', 'DEPENDS_ON', 2).snapshot);
    const store = new EmbeddedGraphStore(graph);
    const [path] = await store.paths('req:a.md::A', 'req:a.md::B', { kinds: ['DEPENDS_ON'] });
    assert.deepEqual(path.map((n) => n.requirementId), ['A', 'B']);
    assert.equal(graph.unresolvedReferences.length, 1);
    await store.deleteBySource('a.md');
    assert.equal(graph.nodeCount, 0);
    assert.equal(graph.edgeCount, 0);
    assert.equal(graph.unresolvedReferences.length, 0);
    assert.deepEqual(graph.findRequirement('A'), []);
  });
});
