import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildAiContext } from './context';
import { MiniLmEmbedder, loadTokenCounter } from './embed';
import { buildGraph } from './graph/build';
import { requirementKey, type RequirementGraph } from './graph/requirement-graph';
import { validate, type ValidateOptions } from './graph/validate';
import { Indexer, silentLogger, type IndexReport, type IndexRunOptions, type Logger } from './indexer';
import { compileIdPatterns, defaultParseOptions, DEFAULT_ID_PATTERNS } from './parse';
import { SearchEngine, type SearchOptions, type SearchResult } from './search/search-engine';
import { EmbeddedVectorIndex } from './store/embedded-vector-index';
import { PrdStore } from './store/prd-store';
import type { Diagnostic, Embedder, GraphNode, IndexSnapshot, SearchHit } from './types';

export interface PrdIndexOptions {
  dbPath: string;
  modelDir: string;
  /** Requirement ID patterns (regular expression sources); the defaults when left out. */
  idPatterns?: string[];
  logger?: Logger;
  /** For tests and benchmarks that bring their own embedder. */
  embedder?: Embedder;
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

  private constructor(readonly store: PrdStore, private readonly options: PrdIndexOptions) {
    this.logger = options.logger ?? silentLogger;
    this.embedderInstance = options.embedder;
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
    try {
      return await indexer.run(options);
    } finally {
      this.graphCache = undefined;
    }
  }

  private get searchEngine(): SearchEngine {
    return new SearchEngine({
      store: this.store,
      vectors: this.vectorIndex,
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
    await this.embedderInstance?.close();
    this.store.close();
  }
}
