import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverPrdFiles, type DiscoveredFile, type DiscoveryOptions } from './discovery';
import { decodePrdBytes, docxToMarkdown, parsePrd } from './parse';
import { chunkTextHash, type FileRecord, type PrdStore } from './store/prd-store';
import type { EmbeddedVectorIndex } from './store/embedded-vector-index';
import type { Embedder, ParseOptions, ParsedPrd, ParseWarning } from './types';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface IndexProgress {
  phase: 'discover' | 'index' | 'related' | 'done';
  done: number;
  total: number;
  file?: string;
}

export interface IndexRunOptions extends DiscoveryOptions {
  roots: string[];
  /** RELATED_TO edges: the k nearest chunks of other PRDs at or above the cosine threshold. */
  relatedK?: number;
  relatedThreshold?: number;
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

export interface FileProblem {
  file: string;
  message: string;
}

export interface IndexReport {
  filesSeen: number;
  filesIndexed: number;
  filesUnchanged: number;
  filesRemoved: number;
  filesFailed: number;
  chunksEmbedded: number;
  chunksReused: number;
  warnings: FileProblem[];
  errors: FileProblem[];
  cancelled: boolean;
  tookMs: number;
}

export interface IndexerDeps {
  store: PrdStore;
  embedder: Embedder;
  vectorIndex: EmbeddedVectorIndex;
  parseOptions: ParseOptions;
  logger?: Logger;
}

/** Files whose missing embeddings are computed together, so the model sees full batches. */
const EMBED_GROUP_CHUNKS = 64;

interface ParsedFile {
  file: DiscoveredFile;
  record: FileRecord;
  prd: ParsedPrd;
}

/**
 * The parser's messages stand alone (`file:` or `file:line:` first); the report keeps the file apart and the line
 * as `line N:`, so the repeat is dropped.
 */
function withoutFilePrefix(file: string, message: string): string {
  if (!message.startsWith(`${file}:`)) return message;
  return message.slice(file.length + 1).replace(/^\d+:/, '').trimStart();
}

const RELATED_PENDING = 'related_pending';

/**
 * RELATED_TO pairs are computed once every file is stored, so a run killed or cancelled after storing files leaves
 * them without pairs, and the next run may find nothing changed. A flag in the index, set before the first change
 * and cleared once the pairs are stored, tells the next run to compute every pair again.
 */
class RelatedPendingMarker {
  readonly wasSetBefore: boolean;
  private isSet: boolean;

  constructor(private readonly store: PrdStore) {
    this.isSet = store.stateValue(RELATED_PENDING) !== undefined;
    this.wasSetBefore = this.isSet;
  }

  set(): void {
    if (this.isSet) return;
    this.store.setStateValue(RELATED_PENDING, new Date().toISOString());
    this.isSet = true;
  }

  clear(): void {
    if (!this.isSet) return;
    this.store.setStateValue(RELATED_PENDING, undefined);
    this.isSet = false;
  }
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * discovery -> hash check -> parse -> embed what changed -> one transaction per file.
 * A kill at any point leaves every file either fully old or fully new; the next run finishes the job.
 */
export class Indexer {
  private readonly logger: Logger;

  constructor(private readonly deps: IndexerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  async run(options: IndexRunOptions): Promise<IndexReport> {
    const started = performance.now();
    const report: IndexReport = {
      filesSeen: 0, filesIndexed: 0, filesUnchanged: 0, filesRemoved: 0, filesFailed: 0,
      chunksEmbedded: 0, chunksReused: 0, warnings: [], errors: [], cancelled: false, tookMs: 0,
    };
    options.onProgress?.({ phase: 'discover', done: 0, total: 0 });
    const discovery = discoverPrdFiles(options.roots, options);
    for (const warning of discovery.warnings) this.warn(report, warning.path, warning.message);
    report.filesSeen = discovery.files.length;

    const relatedPending = new RelatedPendingMarker(this.deps.store);
    const seen = new Set(discovery.files.map((file) => file.key));
    for (const stale of this.deps.store.listFiles()) {
      if (seen.has(stale.path) || discovery.unreadableFolders.some((folder) => stale.path.startsWith(folder))) continue;
      relatedPending.set();
      await this.removeFile(stale.path);
      report.filesRemoved++;
    }

    const changedFiles: string[] = [];
    let group: ParsedFile[] = [];
    let groupChunks = 0;
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      relatedPending.set();
      await this.storeGroup(group, report);
      changedFiles.push(...group.map((parsed) => parsed.record.path));
      group = [];
      groupChunks = 0;
    };

    let done = 0;
    for (const file of discovery.files) {
      if (options.signal?.aborted) {
        report.cancelled = true;
        break;
      }
      options.onProgress?.({ phase: 'index', done, total: discovery.files.length, file: file.key });
      const parsed = await this.prepare(file, report);
      done++;
      if (!parsed) continue;
      group.push(parsed);
      groupChunks += parsed.prd.chunks.length;
      if (groupChunks >= EMBED_GROUP_CHUNKS) await flush();
    }
    await flush();
    options.onProgress?.({ phase: 'index', done, total: discovery.files.length });

    // A previous run that stopped before this point left the pairs of the files it stored uncomputed: redo them all.
    const unfinished = relatedPending.wasSetBefore;
    if (!report.cancelled && (changedFiles.length > 0 || report.filesRemoved > 0 || unfinished)) {
      options.onProgress?.({ phase: 'related', done: 0, total: 1 });
      await this.refreshRelated(changedFiles, report.filesRemoved > 0 || unfinished, options);
      this.deps.store.pruneEmbeddings();
      relatedPending.clear();
    }
    report.tookMs = Math.round(performance.now() - started);
    options.onProgress?.({ phase: 'done', done, total: discovery.files.length });
    this.logger.info(
      `indexed ${report.filesIndexed} file(s), ${report.filesUnchanged} unchanged, ${report.filesRemoved} removed, ` +
        `${report.filesFailed} failed; ${report.chunksEmbedded} chunk(s) embedded, ${report.chunksReused} reused, in ${report.tookMs} ms`,
    );
    return report;
  }

  async removeFile(key: string): Promise<void> {
    this.deps.store.removeFile(key);
    await this.deps.vectorIndex.deleteByFile(key);
  }

  /** Returns the parsed file when it must be (re)stored, or undefined when unchanged or unreadable. */
  private async prepare(file: DiscoveredFile, report: IndexReport): Promise<ParsedFile | undefined> {
    const existing = this.deps.store.fileRecord(file.key);
    if (existing && existing.size === file.size && existing.mtimeMs === file.mtimeMs) {
      report.filesUnchanged++;
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file.absPath);
    } catch (error) {
      this.fail(report, file.key, `cannot read: ${(error as Error).message}`);
      return undefined;
    }
    const record: FileRecord = { path: file.key, size: bytes.length, mtimeMs: file.mtimeMs, contentHash: contentHash(bytes) };
    if (existing && existing.contentHash === record.contentHash) {
      this.deps.store.touchFile(record);
      report.filesUnchanged++;
      return undefined;
    }
    const decoded = await this.decode(file, bytes, report);
    if (decoded === undefined) {
      if (existing) await this.removeFile(file.key);
      return undefined;
    }
    try {
      const prd = parsePrd(file.key, decoded.text, this.deps.parseOptions);
      // Stored with the file, so the Problems panel and `cvprd validate` still show them after unchanged re-runs.
      prd.warnings = [...decoded.warnings, ...prd.warnings].map((warning) => ({ ...warning, message: withoutFilePrefix(file.key, warning.message) }));
      for (const warning of prd.warnings) this.warn(report, file.key, `line ${warning.line}: ${warning.message}`);
      return { file, record, prd };
    } catch (error) {
      this.fail(report, file.key, `cannot parse: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The file as markdown text, with what decoding it warned about (as line-1 warnings); undefined when unusable. */
  private async decode(file: DiscoveredFile, bytes: Buffer, report: IndexReport): Promise<{ text: string; warnings: ParseWarning[] } | undefined> {
    if (path.extname(file.absPath).toLowerCase() === '.docx') {
      try {
        const converted = await docxToMarkdown(bytes);
        return { text: converted.markdown, warnings: converted.warnings.map((message) => ({ file: file.key, line: 1, message })) };
      } catch (error) {
        this.fail(report, file.key, `cannot import .docx: ${(error as Error).message}`);
        return undefined;
      }
    }
    const decoded = decodePrdBytes(file.key, bytes);
    if ('error' in decoded) {
      this.fail(report, file.key, withoutFilePrefix(file.key, decoded.error));
      return undefined;
    }
    return decoded;
  }

  private async storeGroup(group: ParsedFile[], report: IndexReport): Promise<void> {
    const { store, embedder, vectorIndex } = this.deps;
    const hashesByFile = group.map((parsed) => parsed.prd.chunks.map((chunk) => chunkTextHash(chunk.embedText)));
    const allHashes = [...new Set(hashesByFile.flat())];
    const vectors = store.cachedEmbeddings(allHashes, embedder.modelId);
    const missing = new Map<string, string>();
    group.forEach((parsed, fileIndex) => {
      parsed.prd.chunks.forEach((chunk, chunkIndex) => {
        const hash = hashesByFile[fileIndex][chunkIndex];
        if (!vectors.has(hash)) missing.set(hash, chunk.embedText);
      });
    });
    report.chunksReused += allHashes.length - missing.size;
    if (missing.size > 0) {
      const embedded = await embedder.embed([...missing.values()]);
      [...missing.keys()].forEach((hash, i) => vectors.set(hash, embedded[i]));
      report.chunksEmbedded += missing.size;
    }
    for (const [fileIndex, parsed] of group.entries()) {
      const fileVectors = new Map(hashesByFile[fileIndex].map((hash) => [hash, vectors.get(hash)!]));
      try {
        store.replaceFile(parsed.record, parsed.prd, fileVectors, embedder.modelId);
      } catch (error) {
        this.fail(report, parsed.record.path, `cannot store: ${(error as Error).message}`);
        continue;
      }
      await vectorIndex.deleteByFile(parsed.record.path);
      await vectorIndex.upsert(
        parsed.prd.chunks.map((chunk, chunkIndex) => ({
          key: chunk.key,
          vector: fileVectors.get(hashesByFile[fileIndex][chunkIndex])!,
          file: parsed.record.path,
          type: chunk.type,
          priority: chunk.priority,
          status: chunk.status,
          tags: chunk.tags,
        })),
      );
      report.filesIndexed++;
    }
  }

  private async refreshRelated(changedFiles: string[], fullPass: boolean, options: IndexRunOptions): Promise<void> {
    const k = options.relatedK ?? 5;
    const threshold = options.relatedThreshold ?? 0.6;
    // After many changes a full pass is as cheap as a partial one and also refreshes the other files' top-k lists.
    const all = fullPass || changedFiles.length > this.deps.store.listFiles().length / 4;
    const related = await this.deps.vectorIndex.relatedPairsFast({ k, threshold, onlyFiles: all ? undefined : changedFiles });
    if (related.fallbackReason) this.logger.warn(`related chunks computed in plain JavaScript (slower): ${related.fallbackReason}`);
    this.deps.store.replaceRelated(related.pairs, all ? undefined : changedFiles);
  }

  private warn(report: IndexReport, file: string, message: string): void {
    report.warnings.push({ file, message });
    this.logger.warn(`${file}: ${message}`);
  }

  private fail(report: IndexReport, file: string, message: string): void {
    report.filesFailed++;
    report.errors.push({ file, message });
    this.logger.error(`${file}: ${message}`);
  }
}
