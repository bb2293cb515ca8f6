// No Qdrant server can run here, so these tests pin what the adapter asks of the client. The fake client implements
// the adapter's slice of the real QdrantClient type (QdrantApi = Pick<QdrantClient, ...>): a changed client API
// fails the type check of this file.
import { strict as assert } from 'node:assert';
import { QdrantClientTimeoutError, type Schemas } from '@qdrant/js-client-rest';
import { RemoteStoreUnavailableError } from '../../src/core/backends/errors';
import {
  QDRANT_PAYLOAD_INDEXES, QdrantCollectionMismatchError, QdrantVectorIndex, chunkPointId, type QdrantApi, type QdrantVectorRecord,
} from '../../src/core/backends/qdrant-vector-index';
import { randomUnitVector, seededRandom } from '../support/random-vectors';

type Call = { [M in keyof QdrantApi]: { method: M; args: Parameters<QdrantApi[M]> } }[keyof QdrantApi];

const completed: Schemas['UpdateResult'] = { operation_id: 1, status: 'completed' };

/** Records every call and answers like a Qdrant server would for a collection it holds (or not). */
class RecordingQdrantClient implements QdrantApi {
  readonly calls: Call[] = [];
  exists = false;
  vectors: Schemas['VectorsConfig'] = { size: 384, distance: 'Cosine' };
  payloadSchema: Schemas['CollectionInfo']['payload_schema'] = {};
  queryAnswer: Schemas['ScoredPoint'][] = [];
  /** Thrown by the next call, once. */
  failWith: unknown;

  private record(call: Call): void {
    this.calls.push(call);
    const failure = this.failWith;
    if (failure !== undefined) {
      this.failWith = undefined;
      throw failure;
    }
  }

  methods(): string[] {
    return this.calls.map((call) => call.method);
  }

  async collectionExists(...args: Parameters<QdrantApi['collectionExists']>): Promise<Schemas['CollectionExistence']> {
    this.record({ method: 'collectionExists', args });
    return { exists: this.exists };
  }

  async getCollection(...args: Parameters<QdrantApi['getCollection']>): Promise<Schemas['CollectionInfo']> {
    this.record({ method: 'getCollection', args });
    return {
      status: 'green', optimizer_status: 'ok', segments_count: 1, points_count: 0, payload_schema: this.payloadSchema,
      config: {
        params: { vectors: this.vectors },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10_000 },
        optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, flush_interval_sec: 5 },
      },
    };
  }

  async createCollection(...args: Parameters<QdrantApi['createCollection']>): Promise<boolean> {
    this.record({ method: 'createCollection', args });
    this.exists = true;
    return true;
  }

  async deleteCollection(...args: Parameters<QdrantApi['deleteCollection']>): Promise<boolean> {
    this.record({ method: 'deleteCollection', args });
    this.exists = false;
    this.payloadSchema = {};
    return true;
  }

  async createPayloadIndex(...args: Parameters<QdrantApi['createPayloadIndex']>): Promise<Schemas['UpdateResult']> {
    this.record({ method: 'createPayloadIndex', args });
    this.payloadSchema[args[1].field_name] = { data_type: 'keyword', points: 0 };
    return completed;
  }

  async upsert(...args: Parameters<QdrantApi['upsert']>): Promise<Schemas['UpdateResult']> {
    this.record({ method: 'upsert', args });
    return completed;
  }

  async delete(...args: Parameters<QdrantApi['delete']>): Promise<Schemas['UpdateResult']> {
    this.record({ method: 'delete', args });
    return completed;
  }

  async query(...args: Parameters<QdrantApi['query']>): Promise<Schemas['QueryResponse']> {
    this.record({ method: 'query', args });
    return { points: this.queryAnswer };
  }

  async count(...args: Parameters<QdrantApi['count']>): Promise<Schemas['CountResult']> {
    this.record({ method: 'count', args });
    return { count: 0 };
  }

  async facet(...args: Parameters<QdrantApi['facet']>): Promise<Schemas['FacetResponse']> {
    this.record({ method: 'facet', args });
    return { hits: [{ value: 'a.md', count: 3 }] };
  }

  async versionInfo(...args: Parameters<QdrantApi['versionInfo']>): Promise<Schemas['VersionInfo']> {
    this.record({ method: 'versionInfo', args });
    return { title: 'qdrant - vector search engine', version: '1.17.0' };
  }
}

const URL = 'http://qdrant.example:6333';

function adapter(client: RecordingQdrantClient): QdrantVectorIndex {
  return new QdrantVectorIndex({ url: URL, collection: 'cvprd-test', client });
}

function records(count: number): QdrantVectorRecord[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, i) => ({
    key: `docs/prd-${i % 3}.md::req:FR-${i}`, vector: randomUnitVector(random, 384), file: `docs/prd-${i % 3}.md`,
    type: 'requirement', priority: i % 2 === 0 ? 'high' : undefined, tags: i % 5 === 0 ? ['ux'] : [], prdTitle: `PRD ${i % 3}`,
  }));
}

/** The arguments of every recorded call of one method, typed as the client declares them. */
function argsOf<M extends keyof QdrantApi>(client: RecordingQdrantClient, method: M): Parameters<QdrantApi[M]>[] {
  return client.calls.filter((call) => call.method === method).map((call) => call.args as Parameters<QdrantApi[M]>);
}

describe('Qdrant adapter requests (recorded by a fake client; no Qdrant server runs here)', () => {
  it('creates a missing collection with 384 cosine dimensions and a keyword index per filter field, once', async () => {
    const client = new RecordingQdrantClient();
    const index = adapter(client);
    await index.upsert(records(1));
    await index.search(records(1)[0].vector, 3);
    assert.deepEqual(argsOf(client, 'createCollection'), [['cvprd-test', { vectors: { size: 384, distance: 'Cosine' } }]]);
    assert.deepEqual(argsOf(client, 'createPayloadIndex'), QDRANT_PAYLOAD_INDEXES.map((field) =>
      ['cvprd-test', { field_name: field, field_schema: 'keyword', wait: true }]));
    assert.deepEqual([...QDRANT_PAYLOAD_INDEXES].sort(), ['file', 'prd', 'priority', 'status', 'tags', 'type']);
    assert.equal(argsOf(client, 'collectionExists').length, 1, 'the collection is checked once per adapter');
  });

  it('adds only the payload indexes an existing collection lacks', async () => {
    const client = new RecordingQdrantClient();
    client.exists = true;
    client.payloadSchema = { type: { data_type: 'keyword', points: 0 }, file: { data_type: 'keyword', points: 0 } };
    await adapter(client).ensureCollection();
    assert.equal(argsOf(client, 'createCollection').length, 0);
    assert.deepEqual(argsOf(client, 'createPayloadIndex').map(([, index]) => index.field_name), ['priority', 'status', 'prd', 'tags']);
  });

  it('refuses a collection with other vectors, naming both, and deletes nothing until recreate() is called', async () => {
    const client = new RecordingQdrantClient();
    client.exists = true;
    client.vectors = { size: 768, distance: 'Dot' };
    const index = adapter(client);
    await assert.rejects(index.upsert(records(2)), (error: Error) => {
      assert.ok(error instanceof QdrantCollectionMismatchError);
      assert.match(error.message, /"cvprd-test" holds 768-dimensional Dot vectors, but cvPRD needs 384-dimensional Cosine/);
      assert.match(error.message, /Recreate the collection/);
      return true;
    });
    await assert.rejects(index.search(records(1)[0].vector, 1), QdrantCollectionMismatchError);
    assert.deepEqual(client.methods().filter((m) => m !== 'collectionExists' && m !== 'getCollection'), [], 'no write, no delete');
    await index.recreate();
    assert.deepEqual(client.methods().slice(-9), ['deleteCollection', 'collectionExists', 'createCollection', ...QDRANT_PAYLOAD_INDEXES.map(() => 'createPayloadIndex')]);
  });

  it('upserts in batches of 256 with wait, deterministic UUID point ids and the chunk key in the payload', async () => {
    const client = new RecordingQdrantClient();
    const data = records(600);
    await adapter(client).upsert(data);
    const upserts = argsOf(client, 'upsert');
    assert.deepEqual(upserts.map(([name, body]) => [name, body.wait, 'points' in body ? body.points.length : -1]),
      [['cvprd-test', true, 256], ['cvprd-test', true, 256], ['cvprd-test', true, 88]]);
    const first = upserts[0][1];
    assert.ok('points' in first);
    const point = first.points[0];
    assert.equal(point.id, chunkPointId(data[0].key));
    assert.match(String(point.id), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(point.payload, { key: data[0].key, file: 'docs/prd-0.md', prd: 'PRD 0', type: 'requirement', priority: 'high', status: null, tags: ['ux'] });
    assert.ok(Array.isArray(point.vector) && point.vector.length === 384);
    assert.ok(Math.abs((point.vector as number[])[5] - data[0].vector[5]) < 1e-7);
    assert.equal(new Set(first.points.map((p) => p.id)).size, 256, 'distinct keys get distinct ids');
    assert.equal(chunkPointId(data[0].key), chunkPointId(`${data[0].key}`), 'the same key always gets the same id');
  });

  it('rejects a vector of the wrong size before sending anything', async () => {
    const client = new RecordingQdrantClient();
    const [record] = records(1);
    await assert.rejects(adapter(client).upsert([{ ...record, vector: new Float32Array(12) }]), /has 12 dimensions; Qdrant collection "cvprd-test" holds 384/);
    assert.deepEqual(client.calls, []);
  });

  it('deletes by file with a filter and wait', async () => {
    const client = new RecordingQdrantClient();
    await adapter(client).deleteByFile('docs/a "quoted" file.md');
    assert.deepEqual(argsOf(client, 'delete'), [['cvprd-test', { wait: true, filter: { must: [{ key: 'file', match: { any: ['docs/a "quoted" file.md'] } }] } }]]);
  });

  it('maps search filters to one match-any condition per field and returns the embedded index\'s hit shape', async () => {
    const client = new RecordingQdrantClient();
    client.queryAnswer = [
      { id: chunkPointId('a'), version: 1, score: 0.91, payload: { key: 'a' } },
      { id: chunkPointId('b'), version: 1, score: 0.5, payload: { key: 'b' } },
    ];
    const index = adapter(client);
    const query = records(1)[0].vector;
    const hits = await index.search(query, 5, {
      files: ['a.md'], types: ['requirement', 'risk'], priorities: ['critical'], statuses: ['open'], tags: ['ux', 'api'],
    });
    assert.deepEqual(hits, [{ key: 'a', score: 0.91 }, { key: 'b', score: 0.5 }]);
    const [[name, body]] = argsOf(client, 'query');
    assert.equal(name, 'cvprd-test');
    assert.equal(body.limit, 5);
    assert.deepEqual(body.with_payload, ['key']);
    assert.ok(Array.isArray(body.query) && body.query.length === 384);
    assert.deepEqual(body.filter, { must: [
      { key: 'file', match: { any: ['a.md'] } },
      { key: 'type', match: { any: ['requirement', 'risk'] } },
      { key: 'priority', match: { any: ['critical'] } },
      { key: 'status', match: { any: ['open'] } },
      { key: 'tags', match: { any: ['ux', 'api'] } },
    ] });
    await index.search(query, 5, { files: [], types: [] });
    assert.equal(argsOf(client, 'query')[1][1].filter, undefined, 'empty lists do not filter');
    assert.deepEqual(await index.search(query, 0), [], 'k = 0 asks nothing');
    assert.equal(argsOf(client, 'query').length, 2);
  });

  it('reports refused connections and timeouts as RemoteStoreUnavailableError, and a refused request as a plain error', async () => {
    const client = new RecordingQdrantClient();
    const index = adapter(client);
    client.failWith = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    await assert.rejects(index.version(), (error: Error) =>
      error instanceof RemoteStoreUnavailableError && /Qdrant at http:\/\/qdrant\.example:6333 is unavailable \(ECONNREFUSED/.test(error.message));
    client.failWith = new QdrantClientTimeoutError('aborted');
    await assert.rejects(index.version(), (error: Error) => error instanceof RemoteStoreUnavailableError && /timeout after 10000 ms/.test(error.message));
    await index.ensureCollection();
    client.failWith = Object.assign(new Error('Bad Request'), { status: 400, data: { status: { error: 'Wrong input: bad filter' } } });
    await assert.rejects(index.search(records(1)[0].vector, 3), (error: Error) =>
      !(error instanceof RemoteStoreUnavailableError) && /cannot search: HTTP 400: Wrong input: bad filter/.test(error.message));
  });

  it('lists the files that have points (for the reconciling sync) and reads version and count', async () => {
    const client = new RecordingQdrantClient();
    const index = adapter(client);
    assert.deepEqual([...await index.storedFiles()], [['a.md', 3]]);
    assert.deepEqual(argsOf(client, 'facet'), [['cvprd-test', { key: 'file', limit: 1_000_000, exact: true }]]);
    assert.equal(await index.version(), '1.17.0');
    assert.equal(await index.count(), 0);
    assert.deepEqual(argsOf(client, 'count'), [['cvprd-test', { exact: true }]]);
  });
});
