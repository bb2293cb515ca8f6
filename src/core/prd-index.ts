import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemoteRuntime, checkConnections, type ConnectionCheck, type RemoteBackendStatus, type RemoteStores, type RemoteSyncReport } from './backends/remote-stores';
import type { RemoteSyncOptions } from './backends/remote-sync';
import { buildAiContext } from './context';
import { MiniLmEmbedder, loadTokenCounter } from './embed';
import { buildGraph } from './graph/build';
import { EmbeddedGraphStore } from './graph/embedded-store';
import { requirementKey, type RequirementGraph } from './graph/requirement-graph';
import { validate, type ValidateOptions } from './graph/validate';
import { Indexer, silentLogger, type IndexReport, type IndexRunOptions, type Logger } from './indexer';
import { compileIdPatterns, defaultParseOptions, DEFAULT_ID_PATTERNS } from './parse';
import { SearchEngine, type SearchOptions, type SearchResult } from './search/search-engine';
import { EmbeddedVectorIndex } from './store/embedded-vector-index';
import { PrdStore } from './store/prd-store';
import type { Diagnostic, Embedder, GraphNode, GraphStore, IndexSnapshot, SearchHit, VectorIndex } from './types';

export interface PrdIndexOptions {
  dbPath: string;
  modelDir: string;
  /** Requirement ID patterns (regular expression sources); the defaults when left out. */
  idPatterns?: string[];
  logger?: Logger;
  /** For tests and benchmarks that bring their own embedder. */
  embedder?: Embedder;
  /**
   * Remote stores (createRemoteStores) that answer vector searches and graph queries instead of the embedded ones,
   * with a fallback to the embedded stores while a remote is unreachable or behind the index. PrdIndex closes them.
   */
  remote?: RemoteStores;
  /** Whether the remote stores catch up by themselves after index runs and outages (default true; the CLI syncs explicitly). */
  remoteAutoSync?: boolean;
}

export class UnknownRequirementError extends Error {
  constructor(readonly requirementId: string) {
    super(`Unknown requirement ID ${requirementId}: it is not defined in any indexed PRD.`);
    this.name = 'UnknownRequirementError';
  }
}

export class AmbiguousRequirementError extends Error {
  constructor(readonly requirementId: string, readonly candidates: GraphNode[]) {
    super(
      `Requirement ID ${requirementId} is defined in ${candidates.length} PRDs; name the file too, e.g. ` +
        `"${candidates[0].file}::${requirementId}". Candidates: ${candidates.map((node) => `${node.file}:${node.lines.start}`).join(', ')}`,
    );
    this.name = 'AmbiguousRequirementError';
  }
}

/**
 * The whole core behind one object: the store (source of truth), the embedded vector index, the model, search,
 * the graph and validation. The CLI and the extension each compose exactly one of these.
 */
export class PrdIndex {
  private embedderInstance: Embedder | undefined;
  private vectorIndexInstance: EmbeddedVectorIndex | undefined;
  private graphCache: { graph: RequirementGraph; snapshot: IndexSnapshot } | undefined;
  private readonly logger: Logger;
  private readonly remote: RemoteRuntime | undefined;

  private constructor(readonly store: PrdStore, private readonly options: PrdIndexOptions) {
    this.logger = options.logger ?? silentLogger;
    this.embedderInstance = options.embedder;
    if (options.remote && (options.remote.vectors || options.remote.graph)) {
      const index = this;
      this.remote = new RemoteRuntime(options.remote, {
        store,
        get modelId() { return index.embedder.modelId; },
        graph: () => this.graph(),
        embeddedVectors: () => this.vectorIndex,
        embeddedGraph: () => this.embeddedGraphStore(),
        logger: this.logger,
        autoSync: options.remoteAutoSync ?? true,
      });
    }
  }

  /** Opens (creating when needed) the index at dbPath. Throws StoreCorruptError or InvalidIdPatternError. */
  static open(options: PrdIndexOptions): PrdIndex {
    // Before the database is created or opened: a bad setting must leave no file and no open handle behind.
    compileIdPatterns(options.idPatterns ?? [...DEFAULT_ID_PATTERNS]);
    if (options.dbPath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.dbPath)), { recursive: true });
    return new PrdIndex(PrdStore.open(options.dbPath), options);
  }

  get embedder(): Embedder {
    this.embedderInstance ??= new MiniLmEmbedder({ modelDir: this.options.modelDir });
    return this.embedderInstance;
  }

  get vectorIndex(): EmbeddedVectorIndex {
    this.vectorIndexInstance ??= EmbeddedVectorIndex.fromStore(this.store, this.embedder.modelId);
    return this.vectorIndexInstance;
  }

  async index(options: IndexRunOptions): Promise<IndexReport> {
    const countTokens = await loadTokenCounter(this.options.modelDir);
    const parseOptions = { ...defaultParseOptions(countTokens), idPatterns: this.options.idPatterns ?? [...DEFAULT_ID_PATTERNS] };
    const indexer = new Indexer({ store: this.store, embedder: this.embedder, vectorIndex: this.vectorIndex, parseOptions, logger: this.logger });
    let report: IndexReport | undefined;
    try {
      report = await indexer.run(options);
      return report;
    } finally {
      this.graphCache = undefined;
      // The remote stores catch up in the background; indexing never waits for the network.
      if (report && (report.filesIndexed > 0 || report.filesRemoved > 0)) this.remote?.indexChanged();
    }
  }

  /** Where vector searches go: the embedded index, or the remote one with its fallback. */
  private get searchVectors(): VectorIndex {
    return this.remote ? this.remote.vectorIndex() : this.vectorIndex;
  }

  /**
   * The graph for queries that may run remotely (neighbours, dependencies, impact, paths, cycles): the embedded graph,
   * or the remote one while it answers and is in step with the index. graph() stays the embedded graph.
   */
  get graphStore(): GraphStore {
    return this.remote ? this.remote.graphStore() : this.embeddedGraphStore();
  }

  private embeddedGraphStore(): GraphStore {
    return new EmbeddedGraphStore(this.graph());
  }

  /** Each configured remote store's state (empty without remote stores). */
  remoteStatus(): RemoteBackendStatus[] {
    return this.remote?.status() ?? [];
  }

  /** Called whenever a remote store's state changes (degraded, back, sync started or done). */
  onRemoteStatusChange(listener: (status: RemoteBackendStatus[]) => void): { dispose(): void } {
    return this.remote?.onStatusChange(listener) ?? { dispose() {} };
  }

  /** Makes the remote stores match the index (nothing to do without remote stores). */
  async syncRemote(options: RemoteSyncOptions = {}): Promise<RemoteSyncReport> {
    return this.remote ? this.remote.sync(options) : { backends: [], ok: true };
  }

  /** Deletes and recreates the Qdrant collection, then pushes every file. Only after the user agreed. */
  recreateVectorCollection(options: Pick<RemoteSyncOptions, 'onProgress'> = {}): Promise<RemoteSyncReport> {
    if (!this.remote) throw new Error('No Qdrant vector store is configured.');
    return this.remote.recreateVectorCollection(options);
  }

  /** Resolves once the background sync after an index run is done. */
  async remoteIdle(): Promise<void> {
    await this.remote?.idle();
  }

  /** Reachability, version and counts of the configured remote stores. */
  checkConnections(): Promise<ConnectionCheck[]> {
    return checkConnections(this.options.remote ?? {});
  }

  private get searchEngine(): SearchEngine {
    return new SearchEngine({
      store: this.store,
      vectors: this.searchVectors,
      modelId: this.embedder.modelId,
      embedQuery: async (text) => (await this.embedder.embed([text]))[0],
      graphNeighbours: async (chunkKeys) => this.dependencyNeighbourChunks(chunkKeys),
    });
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    return this.searchEngine.search(query, options);
  }

  similarTo(chunkKey: string, k = 10): Promise<SearchHit[]> {
    return this.searchEngine.similarTo(chunkKey, k);
  }

  graph(): RequirementGraph {
    return this.graphState().graph;
  }

  snapshot(): IndexSnapshot {
    return this.graphState().snapshot;
  }

  private graphState(): { graph: RequirementGraph; snapshot: IndexSnapshot } {
    if (!this.graphCache) {
      const snapshot = this.store.snapshot();
      this.graphCache = { snapshot, graph: buildGraph(snapshot) };
    }
    return this.graphCache;
  }

  /** The title of the requirement a search hit lies in; undefined for hits outside requirements. */
  requirementTitle(hit: Pick<SearchHit, 'file' | 'requirementId'>): string | undefined {
    return hit.requirementId ? this.graph().node(requirementKey(hit.file, hit.requirementId))?.title : undefined;
  }

  /** `FR-001` or, when the ID is defined in several PRDs, `path/to/PRD.md::FR-001`. */
  requirement(reference: string): GraphNode {
    const separator = reference.lastIndexOf('::');
    const file = separator >= 0 ? reference.slice(0, separator) : undefined;
    const id = separator >= 0 ? reference.slice(separator + 2) : reference;
    const candidates = this.graph().findRequirement(id).filter((node) => !file || node.file === file);
    if (candidates.length === 0) throw new UnknownRequirementError(reference);
    if (candidates.length > 1) throw new AmbiguousRequirementError(id, candidates);
    return candidates[0];
  }

  validate(options: ValidateOptions = {}): Diagnostic[] {
    const { graph, snapshot } = this.graphState();
    return validate(snapshot, graph, { parseWarnings: snapshot.parseWarnings, ...options });
  }

  context(reference: string, tokenBudget = 2000): Promise<string> {
    const node = this.requirement(reference);
    const { graph, snapshot } = this.graphState();
    const chunksByKey = new Map(snapshot.chunks.map((chunk) => [chunk.key, chunk]));
    return buildAiContext(graph, snapshot, node.key, {
      tokenBudget,
      related: async (chunkKey, k) => {
        const hits = await this.similarTo(chunkKey, k);
        return hits.flatMap((hit) => {
          const chunk = chunksByKey.get(hit.chunkKey);
          return chunk ? [{ chunk, score: hit.score }] : [];
        });
      },
    });
  }

  private dependencyNeighbourChunks(chunkKeys: string[]): string[] {
    const { graph, snapshot } = this.graphState();
    const chunkOf = new Map<string, string>();
    for (const chunk of snapshot.chunks) {
      if (chunk.kind === 'requirement' && chunk.part === 0 && chunk.requirementId) chunkOf.set(requirementKey(chunk.file, chunk.requirementId), chunk.key);
    }
    const byKey = new Map(snapshot.chunks.map((chunk) => [chunk.key, chunk]));
    const neighbours: string[] = [];
    for (const key of chunkKeys) {
      const chunk = byKey.get(key);
      if (!chunk?.requirementId) continue;
      const nodeKey = requirementKey(chunk.file, chunk.requirementId);
      for (const edge of [...graph.outgoing(nodeKey, ['DEPENDS_ON']), ...graph.incoming(nodeKey, ['DEPENDS_ON'])]) {
        const other = edge.from === nodeKey ? edge.to : edge.from;
        const otherChunk = chunkOf.get(other);
        if (otherChunk) neighbours.push(otherChunk);
      }
    }
    return neighbours;
  }

  async close(): Promise<void> {
    await this.remote?.close();
    await this.embedderInstance?.close();
    this.store.close();
  }
}
