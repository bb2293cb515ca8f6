import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildGraph } from '../../src/core/graph/build';
import { validate } from '../../src/core/graph/validate';
import { defaultParseOptions, parsePrd } from '../../src/core/parse';
import type { IndexSnapshot } from '../../src/core/types';
import { corpusPath, skipBecause } from './helpers';

const CORPUS = path.join(corpusPath, 'vrooli');

function prdFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === 'PRD.md')
    .map((e) => path.relative(CORPUS, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('graph over the real corpus', () => {
  it('builds and validates the graph of every PRD, with IDs scoped per PRD', function () {
    if (!fs.existsSync(CORPUS)) {
      skipBecause(this, `corpus not found at ${CORPUS}`);
    }
    const snapshot: IndexSnapshot = { prds: [], sections: [], requirements: [], references: [], fileLinks: [], chunks: [], related: [] };
    const lineCount = new Map<string, number>();
    for (const file of prdFiles(CORPUS)) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      lineCount.set(file, text.split('\n').length);
      const p = parsePrd(file, text, defaultParseOptions());
      snapshot.prds.push({ file, meta: p.meta });
      snapshot.sections.push(...p.sections.map((r) => ({ ...r, file })));
      snapshot.requirements.push(...p.requirements.map((r) => ({ ...r, file })));
      snapshot.references.push(...p.references.map((r) => ({ ...r, file })));
      snapshot.fileLinks.push(...p.fileLinks.map((r) => ({ ...r, file })));
    }
    const t0 = performance.now();
    const graph = buildGraph(snapshot);
    const diagnostics = validate(snapshot, graph);
    const ms = performance.now() - t0;
    const byCode = new Map<string, number>();
    for (const d of diagnostics) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
    console.log(`      ${snapshot.prds.length} PRDs: ${graph.nodeCount} nodes, ${graph.edgeCount} edges in ${ms.toFixed(0)} ms; diagnostics ${JSON.stringify(Object.fromEntries(byCode))}`);

    const pairs = new Set(snapshot.requirements.map((r) => `${r.file}::${r.id}`));
    assert.equal([...graph.nodes()].filter((n) => n.kind === 'requirement').length, pairs.size, 'one node per (file, id)');
    const idsInManyPrds = new Map<string, number>();
    for (const pair of pairs) { const id = pair.split('::')[1]; idsInManyPrds.set(id, (idsInManyPrds.get(id) ?? 0) + 1); }
    for (const [id, count] of idsInManyPrds) assert.equal(graph.findRequirement(id).length, count, id);
    for (const d of diagnostics) {
      assert.ok(lineCount.has(d.file), `diagnostic names a corpus file: ${d.file}`);
      assert.ok(d.line >= 1 && d.line <= lineCount.get(d.file)!, `${d.file}:${d.line} is inside the file`);
    }
    assert.equal(byCode.get('duplicate-id-across-prds'), undefined, 'shared IDs across PRDs are by design and off by default');
    for (const cycle of graph.cycles()) {
      cycle.forEach((k, i) => assert.ok(graph.outgoing(k, ['DEPENDS_ON']).some((e) => e.to === cycle[(i + 1) % cycle.length])));
    }
  });
});
