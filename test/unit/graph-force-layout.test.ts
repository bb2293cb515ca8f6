import { strict as assert } from 'node:assert';
import { forceLayout } from '../../webview/graph/force-layout';

const distance = (p: Float64Array, a: number, b: number) => Math.hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);

describe('graph panel force layout', () => {
  // Two stars of 10 (hub 0 and hub 10) joined by one edge between the hubs.
  const edges: [number, number][] = [];
  for (let i = 1; i < 10; i++) edges.push([0, i], [10, 10 + i]);
  edges.push([0, 10]);

  it('is deterministic: the same graph and seed give the same drawing', () => {
    assert.deepEqual(forceLayout(20, edges, { seed: 3 }), forceLayout(20, edges, { seed: 3 }));
  });

  it('keeps nodes apart and linked nodes closer than unlinked ones', () => {
    const p = forceLayout(20, edges);
    let closest = Infinity;
    for (let a = 0; a < 20; a++) for (let b = a + 1; b < 20; b++) closest = Math.min(closest, distance(p, a, b));
    assert.ok(closest > 10, `no two nodes on top of each other (closest ${closest.toFixed(1)})`);
    const mean = (pairs: [number, number][]) => pairs.reduce((sum, [a, b]) => sum + distance(p, a, b), 0) / pairs.length;
    const leavesOfDifferentStars: [number, number][] = [];
    for (let i = 1; i < 10; i++) leavesOfDifferentStars.push([i, 10 + i]);
    assert.ok(mean(edges) < mean(leavesOfDifferentStars), 'a leaf lies nearer its hub than the other star\'s leaves');
  });

  it('handles the degenerate cases: no nodes, one node, self-loops and nodes without edges', () => {
    assert.equal(forceLayout(0, []).length, 0);
    const single = forceLayout(1, [[0, 0]]);
    assert.ok(Number.isFinite(single[0]) && Number.isFinite(single[1]));
    const loose = forceLayout(50, []);
    assert.ok(loose.every(Number.isFinite));
  });
});
