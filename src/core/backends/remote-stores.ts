// The remote stores as the CLI and the extension configure them: one plain config object in, the backends PrdIndex
// needs out; connection checks; and the runtime that routes queries to a remote store, falls back to the embedded
// store when it is unreachable, and keeps the remote in step with SQLite in the background.
import type { Logger } from '../indexer';
import type { GraphCounts, GraphStore, VectorIndex } from '../types';
import { RemoteStoreUnavailableError } from './errors';
import { redactUrl } from './remote-names';
import type { FalkorDbGraphStore } from './falkordb-graph-store';
import { QdrantCollectionMismatchError, QdrantVectorIndex } from './qdrant-vector-index';
import {
  graphFingerprints, pendingFileCount, syncGraph, syncVectors, vectorFingerprints, type BackendSyncReport, type RemoteBackendRole, type RemoteSyncDeps, type RemoteSyncOptions,
} from './remote-sync';

export type VectorStoreKind = 'embedded' | 'qdrant';
export type GraphStoreKind = 'embedded' | 'falkordb';
export const VECTOR_STORE_KINDS: readonly VectorStoreKind[] = ['embedded', 'qdrant'];
export const GRAPH_STORE_KINDS: readonly GraphStoreKind[] = ['embedded', 'falkordb'];

export interface RemoteStoresConfig {
  vectorStore: VectorStoreKind;
  graphStore: GraphStoreKind;
  /** Needed when vectorStore is 'qdrant'. */
  qdrant?: { url: string; collection: string; apiKey?: string; timeoutMs?: number };
  /** Needed when graphStore is 'falkordb'. */
  falkordb?: { url: string; graphName: string; password?: string; timeoutMs?: number };
}

export interface RemoteBackend<T> {
  kind: 'qdrant' | 'falkordb';
  /** Identifies the remote in the index's sync records: kind, address without credentials, collection or graph. */
  target: string;
  /** For people: e.g. `Qdrant http://db:6333, collection cvprd-app-1a2b3c4d`. Never holds a secret. */
  label: string;
  store: T;
}

/** What PrdIndex takes (option `remote`); createRemoteStores makes it from the config. */
export interface RemoteStores {
  vectors?: RemoteBackend<QdrantVectorIndex>;
  graph?: RemoteBackend<FalkorDbGraphStore>;
}

/** A configuration that cannot work (a remote store chosen without its URL or name). */
export class RemoteStoreConfigError extends Error {
  override readonly name = 'RemoteStoreConfigError';
}

/**
 * The FalkorDB store is loaded when first configured: its Redis client takes 300-400 ms to load here, which the
 * extension's activation and every CLI command would pay even with FalkorDB not configured.
 */
function loadFalkorDbGraphStore(): typeof FalkorDbGraphStore {
  return (require('./falkordb-graph-store') as typeof import('./falkordb-graph-store')).FalkorDbGraphStore;
}

/** Creates the remote backends the config selects (nothing connects yet: the first call does). */
export function createRemoteStores(config: RemoteStoresConfig): RemoteStores {
  const stores: RemoteStores = {};
  if (config.vectorStore === 'qdrant') {
    const qdrant = config.qdrant;
    if (!qdrant?.url) throw new RemoteStoreConfigError('The vector store is Qdrant, but no Qdrant URL is set (e.g. http://localhost:6333).');
    if (!qdrant.collection) throw new RemoteStoreConfigError('The vector store is Qdrant, but no collection name is set.');
    const url = redactUrl(qdrant.url);
    stores.vectors = {
      kind: 'qdrant',
      target: `qdrant ${url} ${qdrant.collection}`,
      label: `Qdrant ${url}, collection ${qdrant.collection}`,
      store: new QdrantVectorIndex({ url: qdrant.url, collection: qdrant.collection, apiKey: qdrant.apiKey || undefined, timeoutMs: qdrant.timeoutMs }),
    };
  }
  if (config.graphStore === 'falkordb') {
    const falkordb = config.falkordb;
    if (!falkordb?.url) throw new RemoteStoreConfigError('The graph store is FalkorDB, but no FalkorDB URL is set (e.g. redis://localhost:6379).');
    if (!falkordb.graphName) throw new RemoteStoreConfigError('The graph store is FalkorDB, but no graph name is set.');
    const url = redactUrl(falkordb.url);
    stores.graph = {
      kind: 'falkordb',
      target: `falkordb ${url} ${falkordb.graphName}`,
      label: `FalkorDB ${url}, graph ${falkordb.graphName}`,
      store: new (loadFalkorDbGraphStore())({ url: falkordb.url, graphName: falkordb.graphName, password: falkordb.password || undefined, timeoutMs: falkordb.timeoutMs }),
    };
  }
  return stores;
}

export interface ConnectionCheck {
  role: RemoteBackendRole;
  backend: 'qdrant' | 'falkordb';
  label: string;
  reachable: boolean;
  version?: string;
  /** Qdrant: points; FalkorDB: nodes and edges. */
  counts?: { points: number } | GraphCounts;
  /** Why it is unreachable or unusable. Never holds a secret. */
  error?: string;
  /** Qdrant only: the collection has other vectors; offer "Recreate collection" (after asking). */
  collectionMismatch?: boolean;
}

/** Reachability, version and counts of each configured remote store (none when both are embedded). */
export async function checkConnections(stores: RemoteStores): Promise<ConnectionCheck[]> {
  const checks: Promise<ConnectionCheck>[] = [];
  if (stores.vectors) {
    const { store, label } = stores.vectors;
    checks.push(checkOne('vectors', 'qdrant', label, () => store.version(), async () => ({ points: await store.count() })));
  }
  if (stores.graph) {
    const { store, label } = stores.graph;
    const version = async () => {
      const { falkordb, redis } = await store.version();
      return `FalkorDB ${falkordb} (Redis ${redis})`;
    };
    checks.push(checkOne('graph', 'falkordb', label, version, () => store.counts()));
  }
  return Promise.all(checks);
}

async function checkOne(
  role: RemoteBackendRole, backend: ConnectionCheck['backend'], label: string,
  version: () => Promise<string>, counts: () => Promise<ConnectionCheck['counts']>,
): Promise<ConnectionCheck> {
  const check: ConnectionCheck = { role, backend, label, reachable: false };
  try {
    check.version = await version();
    check.reachable = true;
    check.counts = await counts();
  } catch (error) {
    check.error = (error as Error).message;
    if (error instanceof QdrantCollectionMismatchError) check.collectionMismatch = true;
  }
  return check;
}

export async function closeRemoteStores(stores: RemoteStores): Promise<void> {
  await Promise.all([stores.vectors?.store.close(), stores.graph?.store.close()]);
}

export interface RemoteBackendStatus {
  role: RemoteBackendRole;
  backend: 'qdrant' | 'falkordb';
  label: string;
  /** ok: the remote answered last time; degraded: it failed (see error); unknown: not used yet. */
  state: 'ok' | 'degraded' | 'unknown';
  /** Queries are answered by the embedded store now: the remote failed recently or lacks changes of the index. */
  usingFallback: boolean;
  /** A sync is running. */
  syncing: boolean;
  error?: string;
  /** Files the remote lacks or holds in an old version, as of the last sync (kept in the index, pushed by the next). */
  pendingFiles?: number;
  lastSync?: { at: string; ok: boolean; filesPushed: number; filesRemoved: number };
}

export interface RemoteSyncReport {
  backends: BackendSyncReport[];
  ok: boolean;
}

/** After a failure, queries skip the remote this long, so an outage costs one timeout, not one per query. */
const REMOTE_RETRY_MS = 30_000;

interface BackendRuntime {
  status: RemoteBackendStatus;
  retryAt: number;
  /**
   * The remote lacks changes of the index (undefined: not checked yet): queries use the embedded store meanwhile,
   * so a remote never answers with what the index no longer holds.
   */
  behind: boolean | undefined;
}

export interface RemoteRuntimeDeps extends RemoteSyncDeps {
  embeddedVectors: () => VectorIndex;
  embeddedGraph: () => GraphStore;
  logger: Logger;
  /** Start a sync by itself when the remote is behind (the extension); false: only sync() does (the CLI). */
  autoSync: boolean;
}

/**
 * Routes vector searches and graph queries to the configured remote stores and falls back to the embedded ones when
 * a remote fails or is behind the index; runs syncs one at a time; reports status changes.
 */
export class RemoteRuntime {
  private readonly runtimes = new Map<RemoteBackendRole, BackendRuntime>();
  private readonly listeners = new Set<(status: RemoteBackendStatus[]) => void>();
  private running: Promise<RemoteSyncReport> | undefined;
  /** Counts index changes, so a sync that started before a change does not mark the remote as caught up. */
  private generation = 0;
  private queued: { promise: Promise<RemoteSyncReport>; options: RemoteSyncOptions } | undefined;

  constructor(readonly stores: RemoteStores, private readonly deps: RemoteRuntimeDeps) {
    for (const [role, backend] of [['vectors', stores.vectors], ['graph', stores.graph]] as const) {
      if (!backend) continue;
      this.runtimes.set(role, {
        status: { role, backend: backend.kind, label: backend.label, state: 'unknown', usingFallback: false, syncing: false },
        retryAt: 0,
        behind: undefined,
      });
    }
  }

  status(): RemoteBackendStatus[] {
    const now = Date.now();
    return [...this.runtimes.values()].map((runtime) => ({
      ...runtime.status,
      usingFallback: runtime.behind === true || (runtime.status.state === 'degraded' && runtime.retryAt > now),
    }));
  }

  onStatusChange(listener: (status: RemoteBackendStatus[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The VectorIndex search uses: the remote one while it answers and is in step, else the embedded one. */
  vectorIndex(): VectorIndex {
    const remote = this.stores.vectors?.store;
    const embedded = this.deps.embeddedVectors;
    if (!remote) return embedded();
    return {
      upsert: (records) => embedded().upsert(records),
      deleteByFile: (file) => embedded().deleteByFile(file),
      search: (vector, k, filters) => this.route('vectors', () => remote.search(vector, k, filters), () => embedded().search(vector, k, filters)),
    };
  }

  /** The GraphStore graph queries use, with the same fallback. Writes go to the remote only through a sync. */
  graphStore(): GraphStore {
    const remote = this.stores.graph?.store;
    const embedded = this.deps.embeddedGraph;
    if (!remote) return embedded();
    const read = <T>(query: (store: GraphStore) => Promise<T>): Promise<T> => this.route('graph', () => query(remote), () => query(embedded()));
    return {
      upsert: (nodes, edges) => embedded().upsert(nodes, edges),
      deleteBySource: (file) => embedded().deleteBySource(file),
      clear: () => embedded().clear(),
      close: async () => {},
      neighbors: (key, options) => read((store) => store.neighbors(key, options)),
      paths: (from, to, options) => read((store) => store.paths(from, to, options)),
      dependencies: (key, options) => read((store) => store.dependencies(key, options)),
      dependents: (key, options) => read((store) => store.dependents(key, options)),
      cycles: (kinds) => read((store) => store.cycles(kinds)),
      counts: () => read((store) => store.counts()),
    };
  }

  /** The index changed: the remotes are behind until a sync catches up; one starts in the background. */
  indexChanged(): void {
    this.generation++;
    for (const runtime of this.runtimes.values()) runtime.behind = true;
    this.emit();
    if (this.deps.autoSync) this.syncInBackground();
  }

  /** Starts a sync unless one is queued already; its failures land in the status and the log, never thrown. */
  syncInBackground(): void {
    this.sync().catch((error: unknown) => this.deps.logger.error(`remote sync failed: ${(error as Error).message}`));
  }

  /**
   * Makes the remote stores match SQLite. Syncs run one at a time; a request while one runs is queued once and
   * covers everything asked meanwhile (a full sync if any asked for one).
   */
  sync(options: RemoteSyncOptions = {}): Promise<RemoteSyncReport> {
    if (!this.running) {
      this.running = this.runSync(options).finally(() => { this.running = undefined; });
      return this.running;
    }
    if (this.queued) {
      this.queued.options.full ||= options.full;
      return this.queued.promise;
    }
    const queued = { options: { ...options }, promise: undefined as unknown as Promise<RemoteSyncReport> };
    queued.promise = this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.sync(queued.options);
    });
    this.queued = queued;
    return queued.promise;
  }

  /**
   * Deletes the Qdrant collection, creates it with the right vectors and pushes every file: the answer to a
   * QdrantCollectionMismatchError, only after the user agreed.
   */
  async recreateVectorCollection(options: Pick<RemoteSyncOptions, 'onProgress'> = {}): Promise<RemoteSyncReport> {
    const vectors = this.stores.vectors;
    if (!vectors) throw new RemoteStoreConfigError('No Qdrant vector store is configured.');
    await this.idle();
    await vectors.store.recreate();
    this.deps.store.forgetRemoteSync(vectors.target);
    return this.sync({ ...options, full: true });
  }

  /** Resolves when no sync runs or waits (for tests, the CLI and shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued?.promise ?? this.running)!.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.idle();
    await closeRemoteStores(this.stores);
  }

  private async runSync(options: RemoteSyncOptions): Promise<RemoteSyncReport> {
    const generation = this.generation;
    const backends: BackendSyncReport[] = [];
    for (const runtime of this.runtimes.values()) runtime.status.syncing = true;
    this.emit();
    if (this.stores.vectors) backends.push(await syncVectors(this.deps, this.stores.vectors, options));
    if (this.stores.graph) backends.push(await syncGraph(this.deps, this.stores.graph, options));
    for (const report of backends) {
      const runtime = this.runtimes.get(report.backend)!;
      runtime.status.syncing = false;
      runtime.status.pendingFiles = report.pendingFiles;
      runtime.status.lastSync = { at: new Date().toISOString(), ok: report.ok, filesPushed: report.filesPushed, filesRemoved: report.filesRemoved };
      if (report.ok) {
        if (generation === this.generation) runtime.behind = false;
        this.markOk(runtime);
      } else {
        this.deps.logger.warn(`${runtime.status.label}: sync stopped, ${report.pendingFiles} file(s) pending: ${report.error}`);
        runtime.behind ||= report.pendingFiles > 0;
        this.markDegraded(runtime, report.error ?? 'sync failed');
      }
    }
    this.emit();
    return { backends, ok: backends.every((report) => report.ok) };
  }

  private async route<T>(role: RemoteBackendRole, remote: () => Promise<T>, embedded: () => Promise<T>): Promise<T> {
    const runtime = this.runtimes.get(role)!;
    if (runtime.behind === undefined) {
      runtime.status.pendingFiles = this.pendingFiles(role);
      runtime.behind = runtime.status.pendingFiles > 0;
    }
    if (runtime.behind) {
      // Retry the sync that would catch the remote up, at most once per REMOTE_RETRY_MS.
      if (this.deps.autoSync && !this.running && runtime.retryAt <= Date.now()) {
        runtime.retryAt = Date.now() + REMOTE_RETRY_MS;
        this.syncInBackground();
      }
      return embedded();
    }
    if (runtime.retryAt > Date.now()) return embedded();
    try {
      const result = await remote();
      if (runtime.status.state !== 'ok') {
        this.markOk(runtime);
        this.emit();
        // Back after an outage: push what changed meanwhile.
        if (runtime.status.pendingFiles && this.deps.autoSync) this.syncInBackground();
      }
      return result;
    } catch (error) {
      const message = (error as Error).message;
      this.deps.logger.warn(`${runtime.status.label}: ${message}; answering from the embedded store`);
      this.markDegraded(runtime, message);
      this.emit();
      if (!(error instanceof RemoteStoreUnavailableError)) this.deps.logger.error(`${runtime.status.label}: unexpected error: ${(error as Error).stack ?? message}`);
      return embedded();
    }
  }

  /** Files the remote lacks or holds in an old version, from the sync records (no network). */
  private pendingFiles(role: RemoteBackendRole): number {
    const backend = role === 'vectors' ? this.stores.vectors! : this.stores.graph!;
    const local = role === 'vectors' ? vectorFingerprints(this.deps.store, this.deps.modelId).fingerprints : graphFingerprints(this.deps.graph()).fingerprints;
    return pendingFileCount(this.deps.store, backend.target, local);
  }

  private markOk(runtime: BackendRuntime): void {
    runtime.status.state = 'ok';
    delete runtime.status.error;
    runtime.retryAt = 0;
  }

  private markDegraded(runtime: BackendRuntime, error: string): void {
    runtime.status.state = 'degraded';
    runtime.status.error = error;
    runtime.retryAt = Date.now() + REMOTE_RETRY_MS;
  }

  private emit(): void {
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}
