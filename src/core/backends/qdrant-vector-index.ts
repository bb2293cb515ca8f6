// The VectorIndex on a Qdrant collection: a projection of the SQLite store that a sync can always rebuild.
import { createHash } from 'node:crypto';
import type * as QdrantModule from '@qdrant/js-client-rest';
import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import type { SearchFilters, VectorHit, VectorIndex, VectorRecord } from '../types';
import { RemoteStoreUnavailableError } from './errors';

/** The client calls the adapter makes: the fake client of the request tests implements exactly this. */
export type QdrantApi = Pick<QdrantClient,
  'collectionExists' | 'getCollection' | 'createCollection' | 'deleteCollection' | 'createPayloadIndex' | 'upsert' | 'delete'
  | 'query' | 'count' | 'facet' | 'versionInfo'>;

export interface QdrantVectorIndexOptions {
  /** e.g. http://localhost:6333 (no credentials in it: they go to apiKey). */
  url: string;
  collection: string;
  apiKey?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Vector size of the collection; all-MiniLM-L6-v2 gives 384. */
  dimensions?: number;
  /** For the request tests: a recording client instead of the HTTP one. */
  client?: QdrantApi;
}

/** A record as the sync sends it: the PRD title goes into the payload as `prd`. */
export type QdrantVectorRecord = VectorRecord & { prdTitle?: string };

/** Payload fields with a keyword index, so filtered searches stay fast on a large collection. */
export const QDRANT_PAYLOAD_INDEXES = ['type', 'priority', 'status', 'prd', 'file', 'tags'] as const;
export const QDRANT_UPSERT_BATCH = 256;
export const QDRANT_DISTANCE = 'Cosine';
const DEFAULT_TIMEOUT_MS = 10_000;
/** HTTP statuses that mean "not there right now" rather than "the request is wrong". */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * The client is loaded on first use: with its HTTP stack it takes 60-250 ms to load here, which the extension's
 * activation and every CLI command would pay even with Qdrant not configured.
 */
function qdrantModule(): typeof QdrantModule {
  return require('@qdrant/js-client-rest') as typeof QdrantModule;
}

/** The collection exists with vectors the index cannot use. Never fixed silently: recreate() after asking the user. */
export class QdrantCollectionMismatchError extends Error {
  override readonly name = 'QdrantCollectionMismatchError';

  constructor(readonly collection: string, readonly expected: string, readonly found: string) {
    super(`Qdrant collection "${collection}" holds ${found} vectors, but cvPRD needs ${expected} vectors. `
      + 'Recreate the collection (its points are deleted and synced again from the local index) or choose another collection name.');
  }
}

/**
 * Qdrant point ids are unsigned integers or UUIDs: a name-based UUID (RFC 4122 version 5 layout over SHA-1) of the
 * chunk key, so re-syncing a chunk overwrites its point. The key itself travels in the payload.
 */
export function chunkPointId(chunkKey: string): string {
  const bytes = createHash('sha1').update('cvprd-chunk\u0000').update(chunkKey, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SearchFilters as a Qdrant filter: each non-empty list is one `match any` condition, all of them required. */
function qdrantFilter(filters: SearchFilters | undefined): Schemas['Filter'] | undefined {
  const must: Schemas['FieldCondition'][] = [];
  const add = (key: string, values: readonly string[] | undefined): void => {
    if (values && values.length > 0) must.push({ key, match: { any: [...values] } });
  };
  add('file', filters?.files);
  add('type', filters?.types);
  add('priority', filters?.priorities);
  add('status', filters?.statuses);
  // On an array field `any` matches when one of the point's tags is in the list: the embedded index's rule.
  add('tags', filters?.tags);
  return must.length > 0 ? { must } : undefined;
}

const fileFilter = (files: string[]): Schemas['Filter'] => ({ must: [{ key: 'file', match: { any: files } }] });

function describeVectors(vectors: Schemas['VectorsConfig'] | undefined): string {
  if (!vectors) return 'no';
  if ('size' in vectors && typeof vectors.size === 'number') return `${vectors.size}-dimensional ${vectors.distance}`;
  return `named (${Object.keys(vectors).join(', ')})`;
}

export class QdrantVectorIndex implements VectorIndex {
  readonly url: string;
  readonly collection: string;
  private readonly client: QdrantApi;
  private readonly dims: number;
  private readonly timeoutMs: number;
  private ready: Promise<void> | undefined;

  constructor(options: QdrantVectorIndexOptions) {
    this.url = options.url;
    this.collection = options.collection;
    this.dims = options.dimensions ?? 384;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // checkCompatibility off: it would fetch the server version from the constructor and print to the console.
    this.client = options.client
      ?? new (qdrantModule().QdrantClient)({ url: options.url, apiKey: options.apiKey, timeout: this.timeoutMs, checkCompatibility: false });
  }

  /** Creates the collection and its payload indexes when missing; throws QdrantCollectionMismatchError on other vectors. */
  ensureCollection(): Promise<void> {
    this.ready ??= this.call('prepare the collection', () => this.prepareCollection()).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** Deletes the collection and creates it empty with the right vectors. Only after the user agreed. */
  async recreate(): Promise<void> {
    this.ready = undefined;
    await this.call('delete the collection', () => this.client.deleteCollection(this.collection));
    await this.ensureCollection();
  }

  async upsert(records: QdrantVectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const record of records) {
      if (record.vector.length !== this.dims) {
        throw new Error(`Vector for ${record.key} (${record.file}) has ${record.vector.length} dimensions; `
          + `Qdrant collection "${this.collection}" holds ${this.dims}.`);
      }
    }
    await this.ensureCollection();
    for (let start = 0; start < records.length; start += QDRANT_UPSERT_BATCH) {
      const points = records.slice(start, start + QDRANT_UPSERT_BATCH).map((record): Schemas['PointStruct'] => ({
        id: chunkPointId(record.key),
        vector: Array.from(record.vector),
        payload: {
          key: record.key, file: record.file, prd: record.prdTitle ?? null, type: record.type,
          priority: record.priority ?? null, status: record.status ?? null, tags: record.tags,
        },
      }));
      await this.call('upsert points', () => this.client.upsert(this.collection, { wait: true, points }));
    }
  }

  async deleteByFile(file: string): Promise<void> {
    await this.deleteByFiles([file]);
  }

  /** One request for many files (a sync removing or replacing several). */
  async deleteByFiles(files: string[]): Promise<void> {
    if (files.length === 0) return;
    await this.ensureCollection();
    await this.call('delete points', () => this.client.delete(this.collection, { wait: true, filter: fileFilter(files) }));
  }

  async search(vector: Float32Array, k: number, filters?: SearchFilters): Promise<VectorHit[]> {
    if (k <= 0) return [];
    if (vector.length !== this.dims) {
      throw new Error(`Query vector has ${vector.length} dimensions; Qdrant collection "${this.collection}" holds ${this.dims}.`);
    }
    await this.ensureCollection();
    const response = await this.call('search', () => this.client.query(this.collection, {
      query: Array.from(vector), limit: k, filter: qdrantFilter(filters), with_payload: ['key'],
    }));
    return response.points.flatMap((point) => {
      const key = point.payload?.key;
      return typeof key === 'string' ? [{ key, score: point.score }] : [];
    });
  }

  /** The files that have points, with their point counts (what a full sync compares with SQLite). */
  async storedFiles(): Promise<Map<string, number>> {
    await this.ensureCollection();
    const response = await this.call('list files', () => this.client.facet(this.collection, { key: 'file', limit: 1_000_000, exact: true }));
    return new Map(response.hits.flatMap((hit) => (typeof hit.value === 'string' ? [[hit.value, hit.count] as const] : [])));
  }

  async count(): Promise<number> {
    await this.ensureCollection();
    return (await this.call('count points', () => this.client.count(this.collection, { exact: true }))).count;
  }

  async version(): Promise<string> {
    return (await this.call('read the version', () => this.client.versionInfo())).version;
  }

  /** The HTTP client keeps no connection that needs closing; here for the common backend shape. */
  async close(): Promise<void> {}

  private async prepareCollection(): Promise<void> {
    const { exists } = await this.client.collectionExists(this.collection);
    if (!exists) {
      await this.client.createCollection(this.collection, { vectors: { size: this.dims, distance: QDRANT_DISTANCE } });
      for (const field of QDRANT_PAYLOAD_INDEXES) await this.createPayloadIndex(field);
      return;
    }
    const info = await this.client.getCollection(this.collection);
    const vectors = info.config.params.vectors;
    if (!vectors || !('size' in vectors) || vectors.size !== this.dims || vectors.distance !== QDRANT_DISTANCE) {
      throw new QdrantCollectionMismatchError(this.collection, `${this.dims}-dimensional ${QDRANT_DISTANCE}`, describeVectors(vectors));
    }
    for (const field of QDRANT_PAYLOAD_INDEXES) {
      if (!info.payload_schema[field]) await this.createPayloadIndex(field);
    }
  }

  private async createPayloadIndex(field: string): Promise<void> {
    await this.client.createPayloadIndex(this.collection, { field_name: field, field_schema: 'keyword', wait: true });
  }

  /** Runs one client call; "cannot reach" and "no answer in time" become RemoteStoreUnavailableError. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof RemoteStoreUnavailableError || error instanceof QdrantCollectionMismatchError) throw error;
      if (error instanceof qdrantModule().QdrantClientTimeoutError) {
        throw new RemoteStoreUnavailableError('Qdrant', this.url, `timeout after ${this.timeoutMs} ms (${what})`, { cause: error });
      }
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && UNAVAILABLE_STATUSES.has(status)) {
        throw new RemoteStoreUnavailableError('Qdrant', this.url, `HTTP ${status} (${what})`, { cause: error });
      }
      if (typeof status !== 'number' && error instanceof TypeError) {
        // undici's "fetch failed": refused, reset, DNS, a port fetch refuses. The reason is on the cause.
        const cause = error.cause as { code?: string; message?: string } | undefined;
        throw new RemoteStoreUnavailableError('Qdrant', this.url, `${cause?.code ?? cause?.message ?? error.message} (${what})`, { cause: error });
      }
      // Qdrant explains a refused request in the body: { status: { error: "..." } }.
      const detail = (error as { data?: { status?: { error?: unknown } } }).data?.status?.error;
      const message = typeof status === 'number'
        ? `HTTP ${status}: ${typeof detail === 'string' ? detail : (error as Error).message}` : (error as Error).message;
      throw new Error(`Qdrant collection "${this.collection}" at ${this.url}: cannot ${what}: ${message}`, { cause: error });
    }
  }
}
