// The behaviour every VectorIndex must show, run against each implementation: the embedded index always, Qdrant
// when QDRANT_URL names a live server (else reported as skipped, with the reason).
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { RemoteStoreUnavailableError } from '../../src/core/backends/errors';
import { QdrantVectorIndex } from '../../src/core/backends/qdrant-vector-index';
import { EmbeddedVectorIndex } from '../../src/core/store/embedded-vector-index';
import type { VectorHit, VectorIndex, VectorRecord } from '../../src/core/types';
import { closedLoopbackPort } from '../support/loopback-port';
import { randomUnitVector, seededRandom } from '../support/random-vectors';
import { skipBecause } from './helpers';

const DIMS = 384;

interface Subject {
  index: VectorIndex;
  dispose(): Promise<void>;
}

function dataset(): VectorRecord[] {
  const random = seededRandom(11);
  return Array.from({ length: 120 }, (_, i): VectorRecord => ({
    key: `${['a.md', 'b.md', 'c.md'][i % 3]}::req:R-${i}`, vector: randomUnitVector(random, DIMS), file: ['a.md', 'b.md', 'c.md'][i % 3],
    type: i % 4 === 0 ? 'risk' : 'requirement', tags: i % 5 === 0 ? ['ux'] : i % 7 === 0 ? ['api', 'ux'] : [],
    ...(i % 3 === 0 ? {} : { priority: i % 2 === 0 ? 'high' : 'low' }), ...(i % 6 === 0 ? { status: 'open' } : {}),
  }));
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i], 0);

function exactTopK(records: VectorRecord[], query: Float32Array, k: number, keep: (r: VectorRecord) => boolean = () => true): VectorHit[] {
  return records.filter(keep).map((r) => ({ key: r.key, score: dot(query, r.vector) })).sort((a, b) => b.score - a.score).slice(0, k);
}

/** Same keys in the same order; cosine scores equal up to float32 rounding on the server. */
function assertSameHits(actual: VectorHit[], expected: VectorHit[]): void {
  assert.deepEqual(actual.map((hit) => hit.key), expected.map((hit) => hit.key));
  actual.forEach((hit, i) => assert.ok(Math.abs(hit.score - expected[i].score) < 1e-4, `score of ${hit.key}: ${hit.score} vs ${expected[i].score}`));
  for (const hit of actual) assert.deepEqual(Object.keys(hit).sort(), ['key', 'score']);
}

export function vectorIndexContract(name: string, makeIndex: (context: Mocha.Context) => Promise<Subject>): void {
  describe(`VectorIndex contract: ${name}`, function () {
    this.timeout(60_000);
    const records = dataset();
    const query = randomUnitVector(seededRandom(5), DIMS);
    let subject: Subject;

    beforeEach(async function () {
      subject = await makeIndex(this);
      await subject.index.upsert(records);
    });

    afterEach(async () => {
      await subject?.dispose();
    });

    it('returns the exact top k by cosine, best first, as { key, score }', async () => {
      assertSameHits(await subject.index.search(query, 10), exactTopK(records, query, 10));
      const [self] = await subject.index.search(records[17].vector, 1);
      assert.equal(self.key, records[17].key);
      assert.ok(Math.abs(self.score - 1) < 1e-4);
    });

    it('filters by file, type, priority, status and tags (any of the listed tags), all combined', async () => {
      const check = async (filters: Parameters<VectorIndex['search']>[2], keep: (r: VectorRecord) => boolean) =>
        assertSameHits(await subject.index.search(query, 8, filters), exactTopK(records, query, 8, keep));
      await check({ files: ['b.md'] }, (r) => r.file === 'b.md');
      await check({ types: ['risk'] }, (r) => r.type === 'risk');
      await check({ priorities: ['high'] }, (r) => r.priority === 'high');
      await check({ statuses: ['open'] }, (r) => r.status === 'open');
      await check({ tags: ['api'] }, (r) => r.tags.includes('api'));
      await check({ tags: ['ux', 'api'] }, (r) => r.tags.includes('ux') || r.tags.includes('api'));
      await check({ files: ['a.md', 'c.md'], types: ['requirement'], priorities: ['high', 'low'] },
        (r) => r.file !== 'b.md' && r.type === 'requirement' && r.priority !== undefined);
      await check({ files: [], tags: [] }, () => true);
      assert.deepEqual(await subject.index.search(query, 5, { files: ['nowhere.md'] }), []);
    });

    it('upserting a key again replaces its vector and fields instead of adding a second entry', async () => {
      const moved = { ...records[3], vector: records[4].vector, type: 'risk' as const };
      await subject.index.upsert([moved]);
      const hits = await subject.index.search(records[4].vector, 2);
      assert.deepEqual(hits.map((hit) => hit.key).sort(), [records[3].key, records[4].key].sort());
      const risks = await subject.index.search(records[4].vector, 1, { types: ['risk'] });
      assert.equal(risks[0].key, records[3].key);
      assert.equal((await subject.index.search(query, 500)).length, records.length);
    });

    it('deleteByFile removes that file\'s vectors and nothing else', async () => {
      await subject.index.deleteByFile('b.md');
      const all = await subject.index.search(query, 500);
      assert.equal(all.length, records.filter((r) => r.file !== 'b.md').length);
      assert.ok(all.every((hit) => !hit.key.startsWith('b.md')));
      await subject.index.deleteByFile('never-indexed.md');
      assert.equal((await subject.index.search(query, 500)).length, all.length);
    });

    it('answers k <= 0 with nothing and rejects a query of the wrong size with a clear message', async () => {
      assert.deepEqual(await subject.index.search(query, 0), []);
      await assert.rejects(subject.index.search(new Float32Array(12), 3), /Query vector has 12 dimensions.*holds 384/);
    });
  });
}

vectorIndexContract('EmbeddedVectorIndex', async () => ({ index: new EmbeddedVectorIndex(DIMS), dispose: async () => {} }));

vectorIndexContract('QdrantVectorIndex (live server at QDRANT_URL)', async (context) => {
  const url = process.env.QDRANT_URL;
  if (!url) skipBecause(context, 'no Qdrant server: set QDRANT_URL=http://host:6333 to run it');
  const collection = `cvprd-contract-${randomUUID().slice(0, 8)}`;
  const apiKey = process.env.QDRANT_API_KEY;
  const index = new QdrantVectorIndex({ url, collection, apiKey, timeoutMs: 30_000 });
  return { index, dispose: async () => { await new QdrantClient({ url, apiKey, checkCompatibility: false }).deleteCollection(collection); } };
});

describe('QdrantVectorIndex against a port nobody listens on (real HTTP client)', () => {
  it('reports the store as unavailable, naming the URL and the refused connection', async () => {
    const port = await closedLoopbackPort();
    const index = new QdrantVectorIndex({ url: `http://127.0.0.1:${port}`, collection: 'cvprd-none', timeoutMs: 2000 });
    await assert.rejects(index.search(new Float32Array(DIMS), 3), (error: Error) =>
      error instanceof RemoteStoreUnavailableError && error.message.includes(`Qdrant at http://127.0.0.1:${port} is unavailable (ECONNREFUSED`));
  });
});
