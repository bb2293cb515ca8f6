import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { buildGraph } from '../../src/core/graph/build';
import { validate } from '../../src/core/graph/validate';
import { snapshot } from '../fixtures/graph/snapshot-builder';

describe('graph at scale', () => {
  it('builds, finds cycles, impact and diagnostics for 5,000 requirements and 10,000 references', () => {
    // 50 PRDs of 100 requirements; each requirement depends on two earlier ones (a deterministic pseudo-random
    // pick), plus one back edge per PRD so there are cycles to find.
    const b = snapshot();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let p = 0; p < 50; p++) {
      const file = `prd-${p}.md`;
      b.prd(file);
      for (let i = 0; i < 100; i++) b.req(file, `R-${i}`, { line: i + 2 });
      for (let i = 0; i < 100; i++) {
        for (let j = 0; j < 2; j++) {
          if (i === 0 && j === 0) { b.ref(file, 'R-0', 'R-99', 'DEPENDS_ON', 2); continue; }
          b.ref(file, `R-${i}`, `R-${Math.floor(random() * Math.max(i, 1))}`, 'DEPENDS_ON', i + 2);
        }
      }
    }
    assert.equal(b.snapshot.references.length, 10_000);
    const t0 = performance.now();
    const graph = buildGraph(b.snapshot);
    const t1 = performance.now();
    const cycles = graph.cycles();
    const t2 = performance.now();
    const impact = graph.dependents('req:prd-0.md::R-0');
    const t3 = performance.now();
    const diagnostics = validate(b.snapshot, graph);
    const t4 = performance.now();
    console.log(`      build ${(t1 - t0).toFixed(0)} ms, cycles ${(t2 - t1).toFixed(0)} ms, impact ${(t3 - t2).toFixed(0)} ms, `
      + `validate ${(t4 - t3).toFixed(0)} ms; ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${cycles.length} cycles, `
      + `impact of prd-0 R-0: ${impact.length}, ${diagnostics.length} diagnostics`);
    assert.equal(graph.findRequirement('R-5').length, 50);
    assert.ok(cycles.length >= 50, 'each PRD has a back edge closing a cycle');
    assert.ok(impact.length > 0);
  });
});
