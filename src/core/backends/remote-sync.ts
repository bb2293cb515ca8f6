// Makes the remote stores match the SQLite index, which stays the source of truth: Qdrant and FalkorDB are
// projections that a sync can always rebuild. What each remote holds is recorded per file (table remote_sync), so a
// sync pushes only what changed, and changes made while a remote was unreachable are pushed by the next sync.
import { createHash } from 'node:crypto';
import type { RequirementGraph } from '../graph/requirement-graph';
import type { PrdStore } from '../store/prd-store';
import type { GraphCounts, GraphEdge, GraphNode, GraphStore, VectorIndex } from '../types';
import { RemoteStoreUnavailableError } from './errors';
import type { QdrantVectorRecord } from './qdrant-vector-index';

/** What the sync needs of a remote vector store besides VectorIndex (QdrantVectorIndex meets it). */
export interface SyncableVectorIndex extends VectorIndex {
  upsert(records: QdrantVectorRecord[]): Promise<void>;
  deleteByFiles(files: string[]): Promise<void>;
  /** Files that have points, with their point counts. */
  storedFiles(): Promise<Map<string, number>>;
  count(): Promise<number>;
}

export type RemoteBackendRole = 'vectors' | 'graph';

/** One remote store and where it is; `target` keys its rows in remote_sync. */
export interface SyncTarget<T> {
  /** Identifies the remote (kind, address without credentials, collection or graph name). */
  target: string;
  store: T;
}

export interface RemoteSyncProgress {
  backend: RemoteBackendRole;
  done: number;
  total: number;
  file?: string;
}

export interface RemoteSyncOptions {
  /**
   * Push every file and remove from the remote what SQLite no longer has, whatever the records say. Without it
   * only files whose fingerprint changed are pushed; a count that then differs from SQLite's still escalates to
   * a full sync (the remote was emptied or changed behind our back).
   */
  full?: boolean;
  onProgress?: (progress: RemoteSyncProgress) => void;
}

export interface BackendSyncReport {
  backend: RemoteBackendRole;
  target: string;
  ok: boolean;
  /** Why the sync of this backend stopped; what was not pushed stays pending. */
  error?: string;
  /** True when the remote could not be reached (the callers fall back to the embedded store). */
  unavailable?: boolean;
  filesPushed: number;
  filesRemoved: number;
  filesUnchanged: number;
  /** The sync found the remote out of step with its records and pushed everything. */
  fullSync: boolean;
  /** What SQLite holds: chunk vectors, or graph nodes and edges. */
  local: { points: number } | GraphCounts;
  /** What the remote holds after the sync (absent when it could not be counted). */
  remote?: { points: number } | GraphCounts;
  /** Files still to push or remove. */
  pendingFiles: number;
  tookMs: number;
}

export interface RemoteSyncDeps {
  store: PrdStore;
  modelId: string;
  /** The graph built from the SQLite snapshot (buildGraph). */
  graph: () => RequirementGraph;
}

/** Chunks per vector upsert group: one delete request for the group's files, then the upserts. */
const VECTOR_GROUP_CHUNKS = 256;

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

/** Fingerprints of what a remote vector store must hold per file (the model's vectors), and the file's chunk counts. */
export function vectorFingerprints(store: PrdStore, modelId: string): { fingerprints: Map<string, string>; chunks: Map<string, number> } {
  const signatures = [...store.chunkSignatures()];
  return {
    fingerprints: new Map(signatures.map(([file, { signature }]) => [file, sha1(`${modelId}\u001d${signature}`)])),
    chunks: new Map(signatures.map(([file, { chunks }]) => [file, chunks])),
  };
}

interface FileGraph { nodes: GraphNode[]; edges: GraphEdge[] }

/** Per file: its nodes and the edges it produced (an edge belongs to the file of its `from` node). */
function graphByFile(graph: RequirementGraph): Map<string, FileGraph> {
  const byFile = new Map<string, FileGraph>();
  const entry = (file: string): FileGraph => {
    let found = byFile.get(file);
    if (!found) byFile.set(file, (found = { nodes: [], edges: [] }));
    return found;
  };
  for (const node of graph.nodes()) entry(node.file).nodes.push(node);
  for (const edge of graph.edges()) entry(edge.file).edges.push(edge);
  return byFile;
}

/**
 * Fingerprints of what a remote graph must hold per file: its nodes and its own edges. Any edge change (a reference
 * that now resolves elsewhere, new RELATED_TO pairs) changes the fingerprint of the file the edge belongs to.
 * Also returns the per-file split the fingerprints were made from.
 */
export function graphFingerprints(graph: RequirementGraph): { fingerprints: Map<string, string>; byFile: Map<string, FileGraph> } {
  const fingerprints = new Map<string, string>();
  const byFile = graphByFile(graph);
  for (const [file, { nodes, edges }] of byFile) {
    const nodeText = nodes.map((node) => JSON.stringify(node)).sort();
    const edgeText = edges.map((edge) => JSON.stringify([edge.kind, edge.from, edge.to, edge.line ?? null, edge.score ?? null])).sort();
    fingerprints.set(file, sha1(`${nodeText.join('\n')}\u001e${edgeText.join('\n')}`));
  }
  return { fingerprints, byFile };
}

/** Files to push (new or changed fingerprint) and to remove (recorded but gone from SQLite). */
export function pendingChanges(local: Map<string, string>, recorded: Map<string, string>): { push: string[]; remove: string[] } {
  const push = [...local].filter(([file, fingerprint]) => recorded.get(file) !== fingerprint).map(([file]) => file);
  const remove = [...recorded.keys()].filter((file) => !local.has(file));
  return { push, remove };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function syncReport(
  backend: RemoteBackendRole,
  target: string,
  local: BackendSyncReport['local'],
  work: (report: BackendSyncReport) => Promise<void>,
  pendingAfter: () => number,
): Promise<BackendSyncReport> {
  const started = performance.now();
  const report: BackendSyncReport = {
    backend, target, ok: true, filesPushed: 0, filesRemoved: 0, filesUnchanged: 0, fullSync: false, local, pendingFiles: 0, tookMs: 0,
  };
  try {
    await work(report);
  } catch (error) {
    report.ok = false;
    report.error = describeError(error);
    if (error instanceof RemoteStoreUnavailableError) report.unavailable = true;
  }
  report.pendingFiles = pendingAfter();
  report.tookMs = Math.round(performance.now() - started);
  return report;
}

/** Makes a remote vector store hold exactly SQLite's chunk vectors. Never throws: failures are in the report. */
export async function syncVectors(deps: RemoteSyncDeps, remote: SyncTarget<SyncableVectorIndex>, options: RemoteSyncOptions = {}): Promise<BackendSyncReport> {
  const { store, modelId } = deps;
  const { fingerprints: local, chunks: chunkCounts } = vectorFingerprints(store, modelId);
  const localPoints = [...chunkCounts.values()].reduce((sum, n) => sum + n, 0);
  return syncReport('vectors', remote.target, { points: localPoints }, async (report) => {
    const titles = new Map(store.prds().map((prd) => [prd.file, prd.meta.title]));
    const run = async (full: boolean): Promise<void> => {
      report.fullSync ||= full;
      const recorded = store.remoteSyncState(remote.target);
      const { push, remove } = pendingChanges(local, full ? new Map() : recorded);
      if (full) {
        const held = new Set([...recorded.keys(), ...(await remote.store.storedFiles()).keys()]);
        for (const file of held) if (!local.has(file)) remove.push(file);
      }
      report.filesUnchanged = local.size - push.length;
      const total = push.length + remove.length;
      let done = 0;
      options.onProgress?.({ backend: 'vectors', done, total });
      if (remove.length > 0) {
        await remote.store.deleteByFiles(remove);
        store.recordRemoteSync(remote.target, remove.map((file) => ({ file, fingerprint: undefined })));
        report.filesRemoved += remove.length;
        done += remove.length;
        options.onProgress?.({ backend: 'vectors', done, total });
      }
      // Files in groups of about VECTOR_GROUP_CHUNKS chunks: one delete (chunks the file no longer has), then upserts.
      let group: string[] = [];
      const flush = async (): Promise<void> => {
        if (group.length === 0) return;
        const columns = store.chunkVectors(modelId, group);
        const records: QdrantVectorRecord[] = columns.keys.map((key, i) => ({
          key, file: columns.files[i], type: columns.types[i], priority: columns.priorities[i], status: columns.statuses[i],
          tags: columns.tags[i], prdTitle: titles.get(columns.files[i]),
          vector: columns.matrix.subarray(i * columns.dimensions, (i + 1) * columns.dimensions),
        }));
        // Forgotten before the remote copy is touched: a sync cut short here leaves these files pending, not "synced".
        store.recordRemoteSync(remote.target, group.map((file) => ({ file, fingerprint: undefined })));
        await remote.store.deleteByFiles(group);
        await remote.store.upsert(records);
        store.recordRemoteSync(remote.target, group.map((file) => ({ file, fingerprint: local.get(file) })));
        report.filesPushed += group.length;
        done += group.length;
        options.onProgress?.({ backend: 'vectors', done, total, file: group.at(-1) });
        group = [];
      };
      let groupChunks = 0;
      for (const file of push) {
        group.push(file);
        groupChunks += chunkCounts.get(file) ?? 0;
        if (groupChunks >= VECTOR_GROUP_CHUNKS) {
          await flush();
          groupChunks = 0;
        }
      }
      await flush();
    };
    await run(options.full === true);
    let points = await remote.store.count();
    if (points !== localPoints && !options.full) {
      await run(true);
      points = await remote.store.count();
    }
    report.remote = { points };
    if (points !== localPoints) throw new Error(`after the sync the collection holds ${points} points, the local index ${localPoints} chunks`);
  }, () => pendingFileCount(store, remote.target, local));
}

/** Makes a remote graph hold exactly the graph built from SQLite. Never throws: failures are in the report. */
export async function syncGraph(deps: RemoteSyncDeps, remote: SyncTarget<GraphStore>, options: RemoteSyncOptions = {}): Promise<BackendSyncReport> {
  const { store } = deps;
  const graph = deps.graph();
  const { fingerprints: local, byFile } = graphFingerprints(graph);
  const localCounts: GraphCounts = { nodes: graph.nodeCount, edges: graph.edgeCount };
  return syncReport('graph', remote.target, localCounts, async (report) => {
    const run = async (full: boolean): Promise<void> => {
      report.fullSync ||= full;
      const recorded = store.remoteSyncState(remote.target);
      const { push, remove } = pendingChanges(local, full ? new Map() : recorded);
      if (full) for (const file of recorded.keys()) if (!local.has(file)) remove.push(file);
      report.filesUnchanged = local.size - push.length;
      const total = push.length + remove.length;
      let done = 0;
      options.onProgress?.({ backend: 'graph', done, total });
      for (const file of remove) {
        await remote.store.deleteBySource(file);
        store.recordRemoteSync(remote.target, [{ file, fingerprint: undefined }]);
        report.filesRemoved++;
        options.onProgress?.({ backend: 'graph', done: ++done, total, file });
      }
      for (const file of push) {
        // Forgotten before the remote copy is touched: a sync cut short here leaves the file pending, not "synced".
        store.recordRemoteSync(remote.target, [{ file, fingerprint: undefined }]);
        // deleteBySource also drops other files' edges into this file's nodes: they come back with the subgraph.
        await remote.store.deleteBySource(file);
        const subgraph = fileSubgraph(graph, byFile.get(file) ?? { nodes: [], edges: [] });
        await remote.store.upsert(subgraph.nodes, subgraph.edges);
        store.recordRemoteSync(remote.target, [{ file, fingerprint: local.get(file) }]);
        report.filesPushed++;
        options.onProgress?.({ backend: 'graph', done: ++done, total, file });
      }
    };
    const sameCounts = (counts: GraphCounts) => counts.nodes === localCounts.nodes && counts.edges === localCounts.edges;
    await run(options.full === true);
    let counts = await remote.store.counts();
    if (!sameCounts(counts) && !options.full) {
      await run(true);
      counts = await remote.store.counts();
    }
    if (!sameCounts(counts)) {
      // Nodes of files SQLite never had (or no longer records): only emptying the graph removes them.
      await remote.store.clear();
      store.forgetRemoteSync(remote.target);
      await run(true);
      counts = await remote.store.counts();
    }
    report.remote = counts;
    if (!sameCounts(counts)) {
      throw new Error(`after the sync the graph holds ${counts.nodes} nodes and ${counts.edges} edges, the local index `
        + `${localCounts.nodes} and ${localCounts.edges}`);
    }
  }, () => pendingFileCount(store, remote.target, local));
}

/** A file's nodes, every edge touching them (its own and other files' edges into them), and the far ends. */
function fileSubgraph(graph: RequirementGraph, own: FileGraph): FileGraph {
  const nodes = new Map(own.nodes.map((node) => [node.key, node]));
  const edges = new Set<GraphEdge>(own.edges);
  for (const node of own.nodes) for (const edge of graph.incoming(node.key)) edges.add(edge);
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) {
      if (!nodes.has(end)) nodes.set(end, graph.node(end)!);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges] };
}

/** The files a remote store lacks or holds in an old version, and those it still holds but SQLite no longer has. */
export function pendingFileCount(store: PrdStore, target: string, local: Map<string, string>): number {
  const { push, remove } = pendingChanges(local, store.remoteSyncState(target));
  return push.length + remove.length;
}
