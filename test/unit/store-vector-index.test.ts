import { strict as assert } from 'node:assert';
import { EmbeddedVectorIndex } from '../../src/core/store/embedded-vector-index';
import { loadOnnxRuntime } from '../../src/core/store/onnx-matmul';
import { PrdStore, chunkTextHash } from '../../src/core/store/prd-store';
import type { Chunk, ChunkType, ParsedPrd, Priority, RelatedPair, VectorRecord } from '../../src/core/types';
import { randomUnitVector, seededRandom } from '../support/random-vectors';
import { skipBecause } from './helpers';

const TYPES: ChunkType[] = ['requirement', 'feature', 'risk'];
const PRIORITIES: Priority[] = ['critical', 'high', 'medium'];

function records(count: number, dims: number, seed = 1): VectorRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    key: `k${i}`, vector: randomUnitVector(random, dims), file: `f${i % 7}.md`, type: TYPES[i % 3],
    ...(i % 4 === 0 ? {} : { priority: PRIORITIES[i % 3] }), tags: i % 5 === 0 ? ['ux'] : [],
  }));
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

function bruteForce(all: VectorRecord[], query: Float32Array, k: number, keep: (r: VectorRecord) => boolean = () => true) {
  return all.filter(keep).map((r) => ({ key: r.key, score: dot(query, r.vector) }))
    .sort((a, b) => b.score - a.score).slice(0, k);
}

function bruteRelated(all: VectorRecord[], k: number, threshold: number, from: (r: VectorRecord) => boolean): RelatedPair[] {
  const pairs: RelatedPair[] = [];
  for (const a of all.filter(from)) {
    const near = all.filter((b) => b.file !== a.file).map((b) => ({ key: b.key, score: dot(a.vector, b.vector) }))
      .filter((h) => h.score >= threshold).sort((x, y) => y.score - x.score).slice(0, k);
    for (const h of near) pairs.push({ fromChunk: a.key, toChunk: h.key, score: h.score });
  }
  return pairs;
}

function assertSameHits(actual: { key: string; score: number }[], expected: { key: string; score: number }[]): void {
  assert.deepEqual(actual.map((h) => h.key), expected.map((h) => h.key));
  actual.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i].score) < 1e-5));
}

function sortPairs(pairs: RelatedPair[]): RelatedPair[] {
  return [...pairs].sort((a, b) => a.fromChunk.localeCompare(b.fromChunk) || b.score - a.score);
}

describe('EmbeddedVectorIndex', () => {
  const data = records(500, 24);

  it('finds the exact top k by cosine, best first', async () => {
    const index = new EmbeddedVectorIndex();
    await index.upsert(data);
    const random = seededRandom(99);
    for (let q = 0; q < 5; q++) {
      const query = randomUnitVector(random, 24);
      assertSameHits(await index.search(query, 10), bruteForce(data, query, 10));
    }
    const self = await index.search(data[42].vector, 1);
    assert.equal(self[0].key, 'k42');
  });

  it('applies filters before scoring, so k hits come back even when the best matches are filtered out', async () => {
    const index = new EmbeddedVectorIndex();
    await index.upsert(data);
    const query = data[0].vector;
    const filtered = await index.search(query, 10, { types: ['risk'], priorities: ['medium'] });
    assert.equal(filtered.length, 10);
    assertSameHits(filtered, bruteForce(data, query, 10, (r) => r.type === 'risk' && r.priority === 'medium'));
    const byFileAndTag = await index.search(query, 50, { files: ['f3.md', 'nowhere.md'], tags: ['ux'] });
    assertSameHits(byFileAndTag, bruteForce(data, query, 50, (r) => r.file === 'f3.md' && r.tags.includes('ux')));
    assert.deepEqual(await index.search(query, 5, { statuses: ['done'] }), []);
  });

  it('upsert replaces a key in place and deleteByFile forgets the file', async () => {
    const index = new EmbeddedVectorIndex();
    await index.upsert(data.slice(0, 100));
    const moved = { ...data[5], vector: data[77].vector };
    await index.upsert([moved]);
    assert.equal(index.size, 100);
    assert.deepEqual((await index.search(data[77].vector, 2)).map((h) => h.key).sort(), ['k5', 'k77']);
    await index.deleteByFile('f0.md');
    const left = data.slice(0, 100).filter((r) => r.file !== 'f0.md').map((r) => (r.key === 'k5' ? moved : r));
    assert.equal(index.size, left.length);
    assert.ok(!index.has('k0') && index.has('k1'));
    const query = data[300].vector;
    assertSameHits(await index.search(query, 20), bruteForce(left, query, 20));
    index.deleteKeys(['k1', 'k2', 'missing']);
    assert.equal(index.size, left.length - 2);
    assertSameHits(await index.search(query, 20), bruteForce(left.filter((r) => r.key !== 'k1' && r.key !== 'k2'), query, 20));
  });

  it('refuses vectors of another dimension with an error naming the chunk', async () => {
    const index = new EmbeddedVectorIndex(24);
    await assert.rejects(index.upsert([{ ...data[0], key: 'odd', vector: new Float32Array(12) }]), /odd.*12 dimensions.*24/);
    await index.upsert(data.slice(0, 3));
    assert.throws(() => index.searchSync(new Float32Array(8), 3), /8 dimensions/);
  });

  it('relatedPairs finds, per chunk, its top k chunks of other files above the threshold', async () => {
    const index = new EmbeddedVectorIndex();
    // Low dimension so that many pairs pass the threshold.
    const small = records(203, 4, 7);
    await index.upsert(small);
    const all = index.relatedPairs({ k: 3, threshold: 0.9 });
    assert.ok(all.length > 100);
    assert.ok(all.every((p) => p.score >= 0.9 && p.fromChunk !== p.toChunk));
    const fileOf = new Map(small.map((r) => [r.key, r.file]));
    assert.ok(all.every((p) => fileOf.get(p.fromChunk) !== fileOf.get(p.toChunk)));
    const expected = bruteRelated(small, 3, 0.9, () => true);
    assert.deepEqual(sortPairs(all).map((p) => `${p.fromChunk}>${p.toChunk}`), sortPairs(expected).map((p) => `${p.fromChunk}>${p.toChunk}`));

    const only = index.relatedPairs({ k: 2, threshold: 0.8, onlyFiles: ['f2.md', 'f5.md'] });
    const expectedOnly = bruteRelated(small, 2, 0.8, (r) => r.file === 'f2.md' || r.file === 'f5.md');
    assert.deepEqual(sortPairs(only).map((p) => `${p.fromChunk}>${p.toChunk}`), sortPairs(expectedOnly).map((p) => `${p.fromChunk}>${p.toChunk}`));
  });

  it('relatedPairsFast (onnxruntime MatMul) gives the same pairs as the JavaScript loop', async function () {
    if (!loadOnnxRuntime().ort) {
      skipBecause(this, loadOnnxRuntime().error ?? 'onnxruntime-node is unavailable');
    }
    const index = new EmbeddedVectorIndex();
    await index.upsert(records(307, 6, 5));
    for (const options of [{ k: 4, threshold: 0.85 }, { k: 2, threshold: 0.5, onlyFiles: ['f1.md'] }]) {
      const js = index.relatedPairs(options);
      const fast = await index.relatedPairsFast(options);
      assert.equal(fast.kernel, 'onnxruntime');
      assert.ok(js.length > 50);
      assert.deepEqual(fast.pairs.map((p) => `${p.fromChunk}>${p.toChunk}`), js.map((p) => `${p.fromChunk}>${p.toChunk}`));
      fast.pairs.forEach((p, i) => assert.ok(Math.abs(p.score - js[i].score) < 1e-5));
    }
  });

  it('loads from the store the same vectors the store holds', async () => {
    const store = PrdStore.open(':memory:');
    const random = seededRandom(3);
    const vectors = new Map<string, Float32Array>();
    const chunks: Chunk[] = ['a', 'b', 'c'].map((name, i) => {
      const embedText = `text ${name}`;
      vectors.set(chunkTextHash(embedText), randomUnitVector(random, 16));
      return {
        key: `p.md::sec:${name}`, kind: 'section', part: 0, text: embedText, embedText, type: TYPES[i], tags: [],
        sectionKey: name, headingPath: [name], lines: { start: i + 1, end: i + 1 },
      };
    });
    const prd: ParsedPrd = {
      file: 'p.md', meta: { title: 'P', tags: [], frontMatter: {} }, sections: [], requirements: [], references: [],
      fileLinks: [], chunks, warnings: [],
    };
    store.replaceFile({ path: 'p.md', size: 1, mtimeMs: 1, contentHash: 'h' }, prd, vectors, 'm');
    const index = EmbeddedVectorIndex.fromStore(store, 'm');
    assert.equal(index.size, 3);
    assert.equal(index.dimensions, 16);
    const b = vectors.get(chunkTextHash('text b'))!;
    const [best] = await index.search(b, 1);
    assert.equal(best.key, 'p.md::sec:b');
    assert.ok(Math.abs(best.score - 1) < 1e-5);
    assert.deepEqual((await index.search(b, 3, { types: ['risk'] })).map((h) => h.key), ['p.md::sec:c']);
    assert.equal(EmbeddedVectorIndex.fromStore(store, 'other-model').size, 0);
    store.close();
  });
});
