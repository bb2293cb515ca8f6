import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type {
  ChunkType, IndexSnapshot, LineRange, ParsedPrd, ParseWarning, Priority, RelatedPair, SearchFilters, Status, StoredChunk,
  StoredFileLink, StoredPrd, StoredReference, StoredRequirement, StoredSection,
} from '../types';
import { StoreVersionError, checkSchemaVersion, defaultMigrationsDir, listMigrations, migrate } from './migrations';

export { StoreVersionError };

export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

export interface StoreOptions {
  migrationsDir?: string;
  readonly?: boolean;
}

export interface ReplaceResult {
  /** Keys new to the file. */
  chunksAdded: string[];
  /** Keys the file no longer has. */
  chunksRemoved: string[];
  /** Keys kept whose embedded text changed. */
  chunksChanged: string[];
}

export interface StoreStats {
  files: number;
  prds: number;
  sections: number;
  requirements: number;
  chunks: number;
  embeddings: number;
  references: number;
  fileLinks: number;
  related: number;
  dbBytes: number;
}

/** Chunk vectors of one model as columns, rows in file order: what the embedded vector index loads. */
export interface VectorColumns {
  dimensions: number;
  keys: string[];
  files: string[];
  types: ChunkType[];
  priorities: (Priority | undefined)[];
  statuses: (Status | undefined)[];
  tags: string[][];
  /** Row i is matrix[i * dimensions, (i + 1) * dimensions). */
  matrix: Float32Array;
}

/** A chunk with what a search hit shows besides the chunk itself. */
export interface ChunkWithPrd extends StoredChunk {
  prdTitle: string;
  tags: string[];
}

export interface FtsRow {
  key: string;
  /** -bm25: higher is better. */
  score: number;
  snippet: string;
}

/** The database file cannot be read as a cvPRD index. The extension offers "Rebuild Index". */
export class StoreCorruptError extends Error {
  constructor(readonly dbPath: string, cause: unknown) {
    super(`The index database ${dbPath} is unreadable or corrupt (${(cause as Error)?.message ?? cause}). Rebuild the index.`,
      { cause });
    this.name = 'StoreCorruptError';
  }
}

const CORRUPT_CODES = /^SQLITE_(NOTADB|CORRUPT|CANTOPEN|IOERR|PERM|READONLY_DBMOVED)/;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks the file header before SQLite opens the file: closing a connection to a file that is not a database
 * would delete its -wal file, which moveAsideCorruptDatabase should keep for inspection.
 */
function assertSqliteHeader(dbPath: string): void {
  let header: Buffer;
  try {
    const fd = fs.openSync(dbPath, 'r');
    try {
      header = Buffer.alloc(SQLITE_HEADER.length);
      header = header.subarray(0, fs.readSync(fd, header, 0, header.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new StoreCorruptError(dbPath, err);
  }
  if (header.length > 0 && !header.equals(SQLITE_HEADER)) throw new StoreCorruptError(dbPath, new Error('file is not a database'));
}

export function chunkTextHash(embedText: string): string {
  return createHash('sha256').update(embedText, 'utf8').digest('hex');
}

/** Renames the database and its -wal / -shm files to `<name>.corrupt-<timestamp>`; returns the new database path. */
export function moveAsideCorruptDatabase(dbPath: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${dbPath}.corrupt-${stamp}`;
  fs.renameSync(dbPath, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(dbPath + suffix)) fs.renameSync(dbPath + suffix, target + suffix);
  }
  return target;
}

export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** A row as better-sqlite3 returns it; columns are checked by the schema, not by TypeScript. */
type Row = Record<string, any>;

const json = (value: unknown): string => JSON.stringify(value);
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** Sets `target[key] = value` only when value is not null, so rows come back in the parser's shape. */
function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value as T[K];
}

const lines = (row: Row): LineRange => ({ start: row.start_line, end: row.end_line });

/** Parameterised WHERE fragments for SearchFilters over the `chunks` table aliased `c`. Empty lists do not filter. */
export function chunkFilterSql(filters: SearchFilters | undefined): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const column = (name: string, values: readonly string[] | undefined): void => {
    if (!values || values.length === 0) return;
    clauses.push(`c.${name} IN (SELECT value FROM json_each(?))`);
    params.push(json(values));
  };
  column('file', filters?.files);
  column('type', filters?.types);
  column('priority', filters?.priorities);
  column('status', filters?.statuses);
  if (filters?.tags && filters.tags.length > 0) {
    clauses.push('EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN (SELECT value FROM json_each(?)))');
    params.push(json(filters.tags));
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

interface ChunkRow {
  key: string; file: string; kind: StoredChunk['kind']; part: number; text: string; type: ChunkType;
  priority: Priority | null; status: Status | null; tags: string; requirement_id: string | null; section_key: string;
  heading_path: string; start_line: number; end_line: number;
}

const CHUNK_COLUMNS = `c.key, c.file, c.kind, c.part, c.text, c.type, c.priority, c.status, c.tags, c.requirement_id,
  c.section_key, c.heading_path, c.start_line, c.end_line`;

function chunkFromRow(row: ChunkRow): StoredChunk {
  const chunk: StoredChunk = {
    key: row.key, file: row.file, kind: row.kind, part: row.part, text: row.text, type: row.type,
    sectionKey: row.section_key, headingPath: JSON.parse(row.heading_path), lines: lines(row),
  };
  setOptional(chunk, 'priority', row.priority);
  setOptional(chunk, 'status', row.status);
  setOptional(chunk, 'requirementId', row.requirement_id);
  return chunk;
}

/** The SQLite index: the source of truth every other view (vectors, graph, remote backends) is rebuilt from. */
export class PrdStore {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database, readonly dbPath: string) {}

  /** Prepared statements are cached by their SQL text (always a constant of this file, never user text). */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  static open(dbPath: string, options: StoreOptions = {}): PrdStore {
    const migrations = listMigrations(options.migrationsDir ?? defaultMigrationsDir());
    const inMemory = dbPath === ':memory:';
    const existed = !inMemory && fs.existsSync(dbPath);
    if (!inMemory && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
    if (existed) assertSqliteHeader(dbPath);
    let db: Database.Database | undefined;
    try {
      db = new Database(dbPath, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      db.pragma('busy_timeout = 5000');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        // Safe with WAL (no corruption); a power cut may lose the last commits, which the next reconcile redoes.
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      if (options.readonly) checkSchemaVersion(db, dbPath, migrations);
      else migrate(db, dbPath, migrations);
    } catch (err) {
      db?.close();
      const code = (err as { code?: string }).code ?? '';
      if (existed && CORRUPT_CODES.test(code)) throw new StoreCorruptError(dbPath, err);
      if (err instanceof StoreVersionError || (err as Error).message.includes(dbPath)) throw err;
      throw new Error(`Cannot open the index database ${dbPath}: ${(err as Error).message}`, { cause: err });
    }
    return new PrdStore(db, dbPath);
  }

  /** A fact about the whole index (table index_state); undefined when unset. */
  stateValue(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM index_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setStateValue(key: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare('DELETE FROM index_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO index_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.db.readonly) this.db.pragma('optimize');
    this.db.close();
  }

  fileRecord(filePath: string): FileRecord | undefined {
    const row = this.prepare('SELECT path, size, mtime_ms AS mtimeMs, content_hash AS contentHash FROM files WHERE path = ?')
      .get(filePath) as FileRecord | undefined;
    return row;
  }

  listFiles(): FileRecord[] {
    return this.prepare('SELECT path, size, mtime_ms AS mtimeMs, content_hash AS contentHash FROM files ORDER BY path')
      .all() as FileRecord[];
  }

  /** Records a new size / mtime for a file whose content hash did not change. False when the file is not indexed. */
  touchFile(record: FileRecord): boolean {
    return this.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?')
      .run(record.size, record.mtimeMs, record.path).changes > 0;
  }

  cachedEmbeddings(textHashes: string[], modelId: string): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    if (textHashes.length === 0) return found;
    const rows = this.prepare(`SELECT text_hash, vector FROM embeddings
      WHERE model_id = ? AND text_hash IN (SELECT value FROM json_each(?))`)
      .all(modelId, json(textHashes)) as { text_hash: string; vector: Buffer }[];
    for (const row of rows) found.set(row.text_hash, blobToVector(row.vector));
    return found;
  }

  /**
   * Replaces everything stored for one file in one transaction and upserts the given embeddings
   * (keyed by chunkTextHash(chunk.embedText)). On any error nothing changes and the error names the file.
   */
  replaceFile(record: FileRecord, prd: ParsedPrd, vectors: Map<string, Float32Array>, modelId: string): ReplaceResult {
    if (prd.file !== record.path) {
      throw new Error(`Cannot store ${record.path}: the parsed PRD is for ${prd.file}`);
    }
    const seen = new Set<string>();
    for (const chunk of prd.chunks) {
      if (seen.has(chunk.key)) throw new Error(`Cannot store ${record.path}: chunk key ${chunk.key} occurs twice`);
      seen.add(chunk.key);
    }
    const write = this.db.transaction((): ReplaceResult => {
      const old = new Map((this.prepare('SELECT key, text_hash FROM chunks WHERE file = ?').all(record.path) as
        { key: string; text_hash: string }[]).map((r) => [r.key, r.text_hash]));
      this.prepare('DELETE FROM files WHERE path = ?').run(record.path);
      this.insertFile(record, prd);
      const stored = this.prepare('SELECT length(vector) / 4 AS dims FROM embeddings WHERE model_id = ? LIMIT 1')
        .get(modelId) as { dims: number } | undefined;
      const upsert = this.prepare('INSERT OR REPLACE INTO embeddings (text_hash, model_id, vector) VALUES (?, ?, ?)');
      for (const [hash, vector] of vectors) {
        if (stored && vector.length !== stored.dims) {
          throw new Error(`a ${vector.length}-d vector, but the index holds ${stored.dims}-d vectors for ${modelId}`);
        }
        upsert.run(hash, modelId, vectorToBlob(vector));
      }
      const result: ReplaceResult = { chunksAdded: [], chunksRemoved: [], chunksChanged: [] };
      for (const chunk of prd.chunks) {
        const before = old.get(chunk.key);
        if (before === undefined) result.chunksAdded.push(chunk.key);
        else if (before !== chunkTextHash(chunk.embedText)) result.chunksChanged.push(chunk.key);
      }
      for (const key of old.keys()) if (!seen.has(key)) result.chunksRemoved.push(key);
      return result;
    });
    try {
      return write();
    } catch (err) {
      throw new Error(`Cannot store ${record.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private insertFile(record: FileRecord, prd: ParsedPrd): void {
    const file = record.path;
    this.prepare('INSERT INTO files (path, size, mtime_ms, content_hash, indexed_at) VALUES (?, ?, ?, ?, ?)')
      .run(file, record.size, record.mtimeMs, record.contentHash, Date.now());
    const m = prd.meta;
    this.prepare(`INSERT INTO prds (file, title, status, owner, version, priority, tags, front_matter)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(file, m.title, orNull(m.status), orNull(m.owner), orNull(m.version), orNull(m.priority), json(m.tags),
        json(m.frontMatter));
    const section = this.prepare(`INSERT INTO sections (file, key, ord, title, level, heading_path, parent_key,
      start_line, end_line, body, type, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    prd.sections.forEach((s, i) => section.run(file, s.key, i, s.title, s.level, json(s.headingPath), orNull(s.parentKey),
      s.lines.start, s.lines.end, s.body, s.type, orNull(s.priority)));
    const requirement = this.prepare(`INSERT INTO requirements (file, ord, id, title, text, type, priority, status,
      tags, heading_path, section_key, start_line, end_line, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    prd.requirements.forEach((r, i) => requirement.run(file, i, r.id, r.title, r.text, r.type, orNull(r.priority),
      orNull(r.status), json(r.tags), json(r.headingPath), r.sectionKey, r.lines.start, r.lines.end, r.source));
    const reference = this.prepare(`INSERT INTO refs (file, ord, from_id, from_section_key, to_id, kind, line)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    prd.references.forEach((r, i) => reference.run(file, i, orNull(r.fromId), r.fromSectionKey, r.toId, r.kind, r.line));
    const link = this.prepare('INSERT INTO file_links (file, ord, target, line, from_section_key) VALUES (?, ?, ?, ?, ?)');
    prd.fileLinks.forEach((l, i) => link.run(file, i, l.target, l.line, l.fromSectionKey));
    const chunk = this.prepare(`INSERT INTO chunks (key, file, ord, kind, part, text, text_hash, type, priority,
      status, tags, requirement_id, section_key, heading_path, start_line, end_line)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    prd.chunks.forEach((c, i) => chunk.run(c.key, file, i, c.kind, c.part, c.text, chunkTextHash(c.embedText), c.type,
      orNull(c.priority), orNull(c.status), json(c.tags), orNull(c.requirementId), c.sectionKey, json(c.headingPath),
      c.lines.start, c.lines.end));
    const warning = this.prepare('INSERT INTO parse_warnings (file, ord, line, message) VALUES (?, ?, ?, ?)');
    prd.warnings.forEach((w, i) => warning.run(file, i, w.line, w.message));
  }

  /** Deletes a file and everything derived from it (related pairs in both directions, FTS rows). */
  removeFile(filePath: string): boolean {
    return this.db.transaction(() => this.prepare('DELETE FROM files WHERE path = ?').run(filePath).changes > 0)();
  }

  /** Deletes embeddings no chunk uses any more (of one model when given, else of every model). Returns the count. */
  pruneEmbeddings(modelId?: string): number {
    return this.prepare(`DELETE FROM embeddings WHERE (@model IS NULL OR model_id = @model)
      AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.text_hash = embeddings.text_hash)`).run({ model: orNull(modelId) }).changes;
  }

  snapshot(): IndexSnapshot {
    const read = this.db.transaction((): IndexSnapshot => ({
      prds: this.prds(),
      sections: (this.prepare('SELECT * FROM sections ORDER BY file, ord').all() as Row[]).map((row) => {
        const s: StoredSection = {
          file: row.file, key: row.key, title: row.title, level: row.level, headingPath: JSON.parse(row.heading_path),
          lines: lines(row), body: row.body, type: row.type,
        };
        setOptional(s, 'parentKey', row.parent_key);
        setOptional(s, 'priority', row.priority);
        return s;
      }),
      requirements: (this.prepare('SELECT * FROM requirements ORDER BY file, ord').all() as Row[])
        .map((row) => {
          const r: StoredRequirement = {
            file: row.file, id: row.id, title: row.title, text: row.text, type: row.type, tags: JSON.parse(row.tags),
            headingPath: JSON.parse(row.heading_path), sectionKey: row.section_key, lines: lines(row), source: row.source,
          };
          setOptional(r, 'priority', row.priority);
          setOptional(r, 'status', row.status);
          return r;
        }),
      references: (this.prepare('SELECT * FROM refs ORDER BY file, ord').all() as Row[]).map((row) => {
        const r: StoredReference = {
          file: row.file, fromSectionKey: row.from_section_key, toId: row.to_id, kind: row.kind, line: row.line,
        };
        setOptional(r, 'fromId', row.from_id);
        return r;
      }),
      fileLinks: (this.prepare('SELECT * FROM file_links ORDER BY file, ord').all() as Row[])
        .map((row): StoredFileLink => ({
          file: row.file, target: row.target, line: row.line, fromSectionKey: row.from_section_key,
        })),
      chunks: (this.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c ORDER BY c.file, c.ord`).all() as ChunkRow[])
        .map(chunkFromRow),
      related: this.prepare(`SELECT from_chunk AS fromChunk, to_chunk AS toChunk, score FROM related
        ORDER BY from_chunk, score DESC`).all() as RelatedPair[],
      parseWarnings: this.prepare('SELECT file, line, message FROM parse_warnings ORDER BY file, ord').all() as ParseWarning[],
    }));
    return read.deferred();
  }

  prds(): StoredPrd[] {
    return (this.prepare('SELECT * FROM prds ORDER BY file').all() as Row[]).map((row) => {
      const meta: StoredPrd['meta'] = { title: row.title, tags: JSON.parse(row.tags), frontMatter: JSON.parse(row.front_matter) };
      setOptional(meta, 'status', row.status);
      setOptional(meta, 'owner', row.owner);
      setOptional(meta, 'version', row.version);
      setOptional(meta, 'priority', row.priority);
      return { file: row.file, meta };
    });
  }

  /** The chunks with these keys, in the order of the keys; unknown keys are left out. */
  chunksByKeys(keys: string[]): StoredChunk[] {
    return this.chunksWithPrd(keys).map(({ prdTitle: _title, tags: _tags, ...chunk }) => chunk);
  }

  /** Like chunksByKeys, plus the PRD title and the chunk's tags (what a search hit shows). */
  chunksWithPrd(keys: string[]): ChunkWithPrd[] {
    if (keys.length === 0) return [];
    const rows = this.prepare(`SELECT ${CHUNK_COLUMNS}, p.title AS prd_title FROM chunks c
      JOIN prds p ON p.file = c.file WHERE c.key IN (SELECT value FROM json_each(?))`)
      .all(json(keys)) as (ChunkRow & { prd_title: string })[];
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const out: ChunkWithPrd[] = [];
    for (const key of keys) {
      const row = byKey.get(key);
      if (row) out.push({ ...chunkFromRow(row), prdTitle: row.prd_title, tags: JSON.parse(row.tags) });
    }
    return out;
  }

  /** Keys of the chunks of requirements with this ID (any case), requirement chunks first, then by file and part. */
  chunkKeysByRequirementId(requirementId: string, filters?: SearchFilters): string[] {
    const where = chunkFilterSql(filters);
    return (this.prepare(`SELECT c.key FROM chunks c WHERE c.requirement_id = ? COLLATE NOCASE AND ${where.sql}
      ORDER BY c.kind = 'requirement' DESC, c.file, c.part`).all(requirementId, ...where.params) as { key: string }[])
      .map((r) => r.key);
  }

  /**
   * FTS5 search. `match` must already be a safe FTS5 query (see toFtsQuery). BM25 weighs the requirement ID and the
   * heading path above the text. The snippet marks matches with the given delimiters.
   */
  ftsSearch(match: string, limit: number, filters?: SearchFilters, highlight = { open: '**', close: '**' }): FtsRow[] {
    const where = chunkFilterSql(filters);
    return this.prepare(`SELECT c.key AS key, -bm25(chunks_fts, 1.0, 3.0, 10.0) AS score,
        snippet(chunks_fts, 0, ?, ?, '…', 24) AS snippet
      FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
      WHERE chunks_fts MATCH ? AND ${where.sql}
      ORDER BY bm25(chunks_fts, 1.0, 3.0, 10.0) LIMIT ?`)
      .all(highlight.open, highlight.close, match, ...where.params, limit) as FtsRow[];
  }

  /** The stored vector of a chunk for a model (or for any model when none is given). */
  chunkVector(chunkKey: string, modelId?: string): Float32Array | undefined {
    const row = this.prepare(`SELECT e.vector FROM chunks c JOIN embeddings e ON e.text_hash = c.text_hash
      WHERE c.key = @key AND (@model IS NULL OR e.model_id = @model) ORDER BY e.model_id LIMIT 1`)
      .get({ key: chunkKey, model: orNull(modelId) }) as { vector: Buffer } | undefined;
    return row && blobToVector(row.vector);
  }

  /**
   * Every chunk that has an embedding of this model (of the given files only, when given), as columns. Throws when
   * the stored dimensions disagree.
   */
  chunkVectors(modelId: string, files?: string[]): VectorColumns {
    // Two statements rather than `@files IS NULL OR ...`, which would keep SQLite from using the index on file.
    const select = `SELECT c.key, c.file, c.type, c.priority, c.status, c.tags, e.vector
      FROM chunks c JOIN embeddings e ON e.text_hash = c.text_hash AND e.model_id = @model`;
    const order = 'ORDER BY c.file, c.ord';
    const rows = (files
      ? this.prepare(`${select} WHERE c.file IN (SELECT value FROM json_each(@files)) ${order}`).raw().all({ model: modelId, files: json(files) })
      : this.prepare(`${select} ${order}`).raw().all({ model: modelId })) as
      [string, string, ChunkType, Priority | null, Status | null, string, Buffer][];
    const dimensions = rows.length ? rows[0][6].byteLength / 4 : 0;
    const columns: VectorColumns = {
      dimensions, keys: [], files: [], types: [], priorities: [], statuses: [], tags: [],
      matrix: new Float32Array(rows.length * dimensions),
    };
    const bytes = new Uint8Array(columns.matrix.buffer);
    rows.forEach(([key, file, type, priority, status, tags, vector], i) => {
      if (vector.byteLength !== dimensions * 4) {
        throw new Error(`Index ${this.dbPath}: chunk ${key} has a ${vector.byteLength / 4}-d vector for ${modelId}, `
          + `others have ${dimensions}. Rebuild the index.`);
      }
      bytes.set(vector, i * dimensions * 4);
      columns.keys.push(key);
      columns.files.push(file);
      columns.types.push(type);
      columns.priorities.push(priority ?? undefined);
      columns.statuses.push(status ?? undefined);
      columns.tags.push(JSON.parse(tags));
    });
    return columns;
  }

  /**
   * Stores RELATED_TO pairs. With forFiles, first deletes the pairs going out of those files' chunks; without,
   * replaces all pairs. Pairs naming an unknown chunk are an error (the index and the store are out of step).
   */
  replaceRelated(pairs: RelatedPair[], forFiles?: string[]): void {
    this.db.transaction(() => {
      if (forFiles) {
        this.prepare(`DELETE FROM related WHERE from_chunk IN
          (SELECT key FROM chunks WHERE file IN (SELECT value FROM json_each(?)))`).run(json(forFiles));
      } else {
        this.prepare('DELETE FROM related').run();
      }
      const insert = this.prepare('INSERT OR REPLACE INTO related (from_chunk, to_chunk, score) VALUES (?, ?, ?)');
      for (const pair of pairs) {
        try {
          insert.run(pair.fromChunk, pair.toChunk, pair.score);
        } catch (err) {
          throw new Error(`Related pair ${pair.fromChunk} -> ${pair.toChunk} names a chunk not in the index`, { cause: err });
        }
      }
    })();
  }

  stats(): StoreStats {
    const count = (table: string): number =>
      (this.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      files: count('files'), prds: count('prds'), sections: count('sections'), requirements: count('requirements'),
      chunks: count('chunks'), embeddings: count('embeddings'), references: count('refs'), fileLinks: count('file_links'),
      related: count('related'), dbBytes: pageCount * pageSize,
    };
  }

  /**
   * Per file, a text that changes whenever what a remote vector store holds for the file must change: its chunks'
   * keys, embedded-text hashes and filter fields, and the PRD title.
   */
  chunkSignatures(): Map<string, { signature: string; chunks: number }> {
    const rows = this.prepare(`SELECT c.file, p.title, count(*), group_concat(c.key || char(31) || c.text_hash || char(31)
        || c.type || char(31) || ifnull(c.priority, '') || char(31) || ifnull(c.status, '') || char(31) || c.tags, char(30))
      FROM (SELECT file, key, text_hash, type, priority, status, tags FROM chunks ORDER BY file, ord) c JOIN prds p ON p.file = c.file GROUP BY c.file`)
      .raw().all() as [string, string, number, string][];
    return new Map(rows.map(([file, title, chunks, text]) => [file, { signature: `${title}\u001d${text}`, chunks }]));
  }

  /** What a remote store holds, as recorded by the last syncs: file -> fingerprint of the version pushed. */
  remoteSyncState(target: string): Map<string, string> {
    const rows = this.prepare('SELECT file, fingerprint FROM remote_sync WHERE target = ?').raw().all(target) as [string, string][];
    return new Map(rows);
  }

  /** Records files as pushed to a remote store (fingerprint) or removed from it (undefined). */
  recordRemoteSync(target: string, entries: { file: string; fingerprint: string | undefined }[]): void {
    const upsert = this.prepare(`INSERT INTO remote_sync (target, file, fingerprint, synced_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(target, file) DO UPDATE SET fingerprint = excluded.fingerprint, synced_at = excluded.synced_at`);
    const remove = this.prepare('DELETE FROM remote_sync WHERE target = ? AND file = ?');
    const now = Date.now();
    this.db.transaction(() => {
      for (const { file, fingerprint } of entries) {
        if (fingerprint === undefined) remove.run(target, file);
        else upsert.run(target, file, fingerprint, now);
      }
    })();
  }

  /** Forgets what a remote store holds (it was emptied or recreated): the next sync pushes every file. */
  forgetRemoteSync(target: string): void {
    this.prepare('DELETE FROM remote_sync WHERE target = ?').run(target);
  }

  /** Versions recorded in schema_migrations, ascending. */
  schemaVersions(): number[] {
    return (this.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[])
      .map((r) => r.version);
  }
}
