import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import {
  FileRecord, PrdStore, StoreCorruptError, StoreVersionError, chunkTextHash, moveAsideCorruptDatabase,
} from '../../src/core/store/prd-store';
import { defaultMigrationsDir } from '../../src/core/store/migrations';
import type { Chunk, ParsedPrd, Requirement, Section } from '../../src/core/types';

const MODEL = 'test-model';

/** A small PRD built by hand: an overview section, a requirements section with two requirements, one reference. */
function buildPrd(file: string, title: string, words: { overview: string; first: string; second: string }): ParsedPrd {
  const sections: Section[] = [
    { key: title, title, level: 1, headingPath: [title], lines: { start: 1, end: 12 }, body: '', type: 'other' },
    {
      key: `${title} > Overview`, title: 'Overview', level: 2, headingPath: [title, 'Overview'], parentKey: title,
      lines: { start: 3, end: 5 }, body: words.overview, type: 'overview',
    },
    {
      key: `${title} > Requirements`, title: 'Requirements', level: 2, headingPath: [title, 'Requirements'],
      parentKey: title, lines: { start: 6, end: 12 }, body: '', type: 'requirement', priority: 'high',
    },
  ];
  const requirements: Requirement[] = [
    {
      id: 'FR-001', title: 'First', text: words.first, type: 'requirement', priority: 'critical', status: 'open',
      tags: ['core'], headingPath: [title, 'Requirements'], sectionKey: `${title} > Requirements`,
      lines: { start: 7, end: 8 }, source: 'list',
    },
    {
      id: 'FR-002', title: 'Second', text: words.second, type: 'feature', tags: [],
      headingPath: [title, 'Requirements'], sectionKey: `${title} > Requirements`, lines: { start: 9, end: 12 },
      source: 'list',
    },
  ];
  const chunks: Chunk[] = [
    {
      key: `${file}::sec:${title} > Overview`, kind: 'section', part: 0, text: words.overview,
      embedText: `${title}\nOverview\n${words.overview}`, type: 'overview', tags: [], sectionKey: `${title} > Overview`,
      headingPath: [title, 'Overview'], lines: { start: 3, end: 5 },
    },
    ...requirements.map((r): Chunk => ({
      key: `${file}::req:${r.id}`, kind: 'requirement', part: 0, text: r.text, embedText: `${title}\n${r.id}\n${r.text}`,
      type: r.type, ...(r.priority ? { priority: r.priority } : {}), ...(r.status ? { status: r.status } : {}),
      tags: r.tags, requirementId: r.id, sectionKey: r.sectionKey, headingPath: r.headingPath, lines: r.lines,
    })),
  ];
  return {
    file,
    meta: { title, status: 'draft', owner: 'ana', tags: ['alpha'], frontMatter: { title, status: 'draft', reviewers: ['bo'] } },
    sections,
    requirements,
    references: [
      { fromId: 'FR-002', fromSectionKey: `${title} > Requirements`, toId: 'FR-001', kind: 'DEPENDS_ON', line: 10 },
      { fromSectionKey: `${title} > Overview`, toId: 'FR-002', kind: 'REFERENCES', line: 4 },
    ],
    fileLinks: [{ target: 'docs/other.md', line: 4, fromSectionKey: `${title} > Overview` }],
    chunks,
    warnings: [],
  };
}

const record = (file: string, hash: string): FileRecord => ({ path: file, size: 100, mtimeMs: 1700000000000, contentHash: hash });

/** Deterministic unit vectors derived from a text's hash. */
function vectorsFor(prd: ParsedPrd, dims = 8): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const chunk of prd.chunks) {
    const hash = chunkTextHash(chunk.embedText);
    const v = new Float32Array(dims).map((_, i) => parseInt(hash.slice(i * 2, i * 2 + 2), 16) + 1);
    const norm = Math.hypot(...v);
    out.set(hash, v.map((x) => x / norm));
  }
  return out;
}

const alpha = buildPrd('prds/alpha.md', 'Alpha', {
  overview: 'Alpha lets teams share dashboards.',
  first: 'The system must export dashboards as PDF.',
  second: 'Users can schedule exports weekly.',
});
const beta = buildPrd('prds/beta.md', 'Beta', {
  overview: 'Beta covers billing.',
  first: 'Invoices must include tax lines.',
  second: 'Refunds are processed within five days.',
});

describe('PrdStore', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-store-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('migrations', () => {
    it('records applied migrations and applies nothing twice on reopen', () => {
      const dbPath = path.join(dir, 'index.db');
      const first = PrdStore.open(dbPath);
      first.replaceFile(record(alpha.file, 'h1'), alpha, vectorsFor(alpha), MODEL);
      const versions = first.schemaVersions();
      first.close();
      assert.ok(versions.includes(1));
      const again = PrdStore.open(dbPath);
      assert.deepEqual(again.schemaVersions(), versions);
      assert.equal(again.stats().chunks, alpha.chunks.length, 'reopening keeps the data');
      again.close();
      const db = new Database(dbPath, { readonly: true });
      const rows = db.prepare('SELECT version, name FROM schema_migrations').all() as { version: number; name: string }[];
      assert.equal(rows.length, versions.length);
      assert.deepEqual(rows[0], { version: 1, name: 'init' });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.close();
    });

    it('refuses a database written by a newer schema, naming the file', () => {
      const newer = path.join(dir, 'newer-migrations');
      fs.mkdirSync(newer);
      for (const f of fs.readdirSync(defaultMigrationsDir())) fs.copyFileSync(path.join(defaultMigrationsDir(), f), path.join(newer, f));
      fs.writeFileSync(path.join(newer, '900_future.sql'), 'CREATE TABLE future_things (id INTEGER PRIMARY KEY);');
      const dbPath = path.join(dir, 'index.db');
      PrdStore.open(dbPath, { migrationsDir: newer }).close();
      assert.throws(() => PrdStore.open(dbPath), (err: unknown) =>
        err instanceof StoreVersionError && err.message.includes(dbPath) && err.databaseVersion === 900);
    });

    it('rolls back a failing migration and does not record it', () => {
      const broken = path.join(dir, 'broken-migrations');
      fs.mkdirSync(broken);
      for (const f of fs.readdirSync(defaultMigrationsDir())) fs.copyFileSync(path.join(defaultMigrationsDir(), f), path.join(broken, f));
      fs.writeFileSync(path.join(broken, '901_broken.sql'), 'CREATE TABLE half_done (id INTEGER); THIS IS NOT SQL;');
      const dbPath = path.join(dir, 'index.db');
      assert.throws(() => PrdStore.open(dbPath, { migrationsDir: broken }), /901_broken\.sql/);
      const db = new Database(dbPath, { readonly: true });
      assert.equal((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'`).get() as { n: number }).n, 0);
      assert.equal((db.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 901').get() as { n: number }).n, 0);
      db.close();
    });
  });

  it('replacing a file twice leaves no duplicates and reports added, removed and changed chunks', () => {
    const store = PrdStore.open(':memory:');
    const first = store.replaceFile(record(alpha.file, 'h1'), alpha, vectorsFor(alpha), MODEL);
    assert.deepEqual(first.chunksAdded, alpha.chunks.map((c) => c.key));
    const before = store.stats();
    const again = store.replaceFile(record(alpha.file, 'h1'), alpha, vectorsFor(alpha), MODEL);
    assert.deepEqual(again, { chunksAdded: [], chunksRemoved: [], chunksChanged: [] });
    assert.deepEqual({ ...store.stats(), dbBytes: 0 }, { ...before, dbBytes: 0 });
    assert.equal(before.chunks, 3);
    assert.equal(before.requirements, 2);

    const edited = buildPrd(alpha.file, 'Alpha', {
      overview: 'Alpha lets teams share dashboards.', first: 'The system must export dashboards as CSV.', second: 'x',
    });
    edited.chunks = edited.chunks.filter((c) => c.requirementId !== 'FR-002');
    const diff = store.replaceFile(record(alpha.file, 'h2'), edited, vectorsFor(edited), MODEL);
    assert.deepEqual(diff, { chunksAdded: [], chunksRemoved: [`${alpha.file}::req:FR-002`], chunksChanged: [`${alpha.file}::req:FR-001`] });
    assert.equal(store.fileRecord(alpha.file)?.contentHash, 'h2');
    store.close();
  });

  it('snapshot returns the rows in the shapes the parser made them', () => {
    const store = PrdStore.open(':memory:');
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    const snap = store.snapshot();
    const withFile = <T>(prd: ParsedPrd, rows: T[]): (T & { file: string })[] => rows.map((r) => ({ ...r, file: prd.file }));
    assert.deepStrictEqual(snap.prds, [{ file: alpha.file, meta: alpha.meta }, { file: beta.file, meta: beta.meta }]);
    assert.deepStrictEqual(snap.sections, [...withFile(alpha, alpha.sections), ...withFile(beta, beta.sections)]);
    assert.deepStrictEqual(snap.requirements, [...withFile(alpha, alpha.requirements), ...withFile(beta, beta.requirements)]);
    assert.deepStrictEqual(snap.references, [...withFile(alpha, alpha.references), ...withFile(beta, beta.references)]);
    assert.deepStrictEqual(snap.fileLinks, [...withFile(alpha, alpha.fileLinks), ...withFile(beta, beta.fileLinks)]);
    const stored = (prd: ParsedPrd) => prd.chunks.map(({ embedText: _e, tags: _t, ...c }) => ({ ...c, file: prd.file }));
    assert.deepStrictEqual(snap.chunks, [...stored(alpha), ...stored(beta)]);
    assert.deepStrictEqual(store.chunksByKeys([beta.chunks[1].key, 'missing', alpha.chunks[0].key]),
      [stored(beta)[1], stored(alpha)[0]]);
    store.close();
  });

  it('removeFile deletes everything of the file, including related pairs both ways and keyword matches', () => {
    const store = PrdStore.open(':memory:');
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    store.replaceRelated([
      { fromChunk: alpha.chunks[1].key, toChunk: beta.chunks[1].key, score: 0.8 },
      { fromChunk: beta.chunks[1].key, toChunk: alpha.chunks[1].key, score: 0.8 },
      { fromChunk: beta.chunks[0].key, toChunk: beta.chunks[2].key, score: 0.7 },
    ]);
    assert.equal(store.stats().related, 3);
    assert.equal(store.ftsSearch('"dashboards"', 10).length, 2);
    assert.equal(store.removeFile(alpha.file), true);
    const stats = store.stats();
    assert.deepEqual(
      [stats.files, stats.prds, stats.sections, stats.requirements, stats.references, stats.fileLinks, stats.chunks, stats.related],
      [1, 1, 3, 2, 2, 1, 3, 1]);
    assert.equal(store.fileRecord(alpha.file), undefined);
    assert.deepEqual(store.ftsSearch('"dashboards"', 10), []);
    assert.equal(store.ftsSearch('"invoices"', 10).length, 1);
    assert.equal(store.removeFile(alpha.file), false);
    store.close();
  });

  it('replaceFile drops the related pairs of the replaced file in both directions', () => {
    const store = PrdStore.open(':memory:');
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    store.replaceRelated([
      { fromChunk: alpha.chunks[1].key, toChunk: beta.chunks[1].key, score: 0.8 },
      { fromChunk: beta.chunks[1].key, toChunk: alpha.chunks[1].key, score: 0.8 },
    ]);
    store.replaceFile(record(alpha.file, 'ha2'), alpha, vectorsFor(alpha), MODEL);
    assert.deepEqual(store.snapshot().related, []);
    assert.throws(() => store.replaceRelated([{ fromChunk: 'nope', toChunk: beta.chunks[1].key, score: 1 }]), /nope/);
    store.close();
  });

  it('replaceRelated with forFiles replaces only the pairs going out of those files', () => {
    const store = PrdStore.open(':memory:');
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    const ab = { fromChunk: alpha.chunks[1].key, toChunk: beta.chunks[1].key, score: 0.8 };
    const ba = { fromChunk: beta.chunks[1].key, toChunk: alpha.chunks[1].key, score: 0.75 };
    store.replaceRelated([ab, ba]);
    const ab2 = { fromChunk: alpha.chunks[0].key, toChunk: beta.chunks[0].key, score: 0.6 };
    store.replaceRelated([ab2], [alpha.file]);
    assert.deepEqual(store.snapshot().related, [ab2, ba].sort((x, y) => x.fromChunk.localeCompare(y.fromChunk)));
    store.close();
  });

  it('caches embeddings by text hash and model, shared by identical text, pruned when unused', () => {
    const store = PrdStore.open(':memory:');
    const vectors = vectorsFor(alpha);
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectors, MODEL);
    const hashes = alpha.chunks.map((c) => chunkTextHash(c.embedText));
    const cached = store.cachedEmbeddings([...hashes, chunkTextHash('never embedded')], MODEL);
    assert.deepEqual([...cached.keys()].sort(), [...hashes].sort());
    for (const h of hashes) assert.deepEqual(cached.get(h), vectors.get(h));
    assert.equal(store.cachedEmbeddings(hashes, 'other-model').size, 0);

    const copy = { ...alpha, file: 'prds/copy.md', chunks: alpha.chunks.map((c) => ({ ...c, key: c.key.replace(alpha.file, 'prds/copy.md') })) };
    store.replaceFile(record(copy.file, 'hc'), copy, new Map(), MODEL);
    assert.equal(store.stats().embeddings, 3, 'identical texts reuse the cached vectors');
    assert.equal(store.chunkVectors(MODEL).keys.length, 6);

    store.removeFile(alpha.file);
    assert.equal(store.pruneEmbeddings(MODEL), 0, 'the copy still uses them');
    store.removeFile(copy.file);
    assert.equal(store.pruneEmbeddings(MODEL), 3);
    assert.equal(store.stats().embeddings, 0);
    store.close();
  });

  it('chunkVectors returns each embedded chunk row with its metadata', () => {
    const store = PrdStore.open(':memory:');
    const vectors = vectorsFor(alpha);
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectors, MODEL);
    const cols = store.chunkVectors(MODEL);
    assert.equal(cols.dimensions, 8);
    assert.deepEqual(cols.keys, alpha.chunks.map((c) => c.key));
    assert.deepEqual(cols.types, ['overview', 'requirement', 'feature']);
    assert.deepEqual(cols.priorities, [undefined, 'critical', undefined]);
    assert.deepEqual(cols.tags, [[], ['core'], []]);
    assert.deepEqual(cols.matrix.subarray(8, 16), vectors.get(chunkTextHash(alpha.chunks[1].embedText)));
    assert.deepEqual(store.chunkVector(alpha.chunks[1].key, MODEL), vectors.get(chunkTextHash(alpha.chunks[1].embedText)));
    assert.equal(store.chunkVectors('other').keys.length, 0);
    store.close();
  });

  it('an error midway through replaceFile leaves the previous content intact and names the file', () => {
    const dbPath = path.join(dir, 'index.db');
    const store = PrdStore.open(dbPath);
    store.replaceFile(record(alpha.file, 'h1'), alpha, vectorsFor(alpha), MODEL);
    const before = store.snapshot();
    const broken = buildPrd(alpha.file, 'Alpha', { overview: 'new words here', first: 'changed', second: 'changed too' });
    (broken.requirements[1] as { title?: string }).title = undefined;
    assert.throws(() => store.replaceFile(record(alpha.file, 'h2'), broken, vectorsFor(broken), MODEL),
      (err: Error) => err.message.includes(alpha.file));
    assert.deepStrictEqual(store.snapshot(), before);
    assert.equal(store.fileRecord(alpha.file)?.contentHash, 'h1');
    assert.equal(store.ftsSearch('"words"', 10).length, 0);
    assert.equal(store.ftsSearch('"dashboards"', 10).length, 2);
    assert.equal(store.cachedEmbeddings([chunkTextHash(broken.chunks[0].embedText)], MODEL).size, 0);
    store.close();
  });

  it('rejects duplicate chunk keys, a PRD for another path and vectors of another size, naming the file', () => {
    const store = PrdStore.open(':memory:');
    const dup = { ...alpha, chunks: [alpha.chunks[0], alpha.chunks[0]] };
    assert.throws(() => store.replaceFile(record(alpha.file, 'h'), dup, new Map(), MODEL), /prds\/alpha\.md.*occurs twice/);
    assert.throws(() => store.replaceFile(record('prds/elsewhere.md', 'h'), alpha, new Map(), MODEL), /prds\/elsewhere\.md/);
    assert.equal(store.stats().files, 0);
    store.replaceFile(record(alpha.file, 'h'), alpha, vectorsFor(alpha, 8), MODEL);
    assert.throws(() => store.replaceFile(record(beta.file, 'h'), beta, vectorsFor(beta, 16), MODEL),
      /prds\/beta\.md.*16-d vector.*8-d/);
    assert.equal(store.fileRecord(beta.file), undefined);
    store.close();
  });

  it('keeps the FTS index in step with the chunks through replace and remove', () => {
    const dbPath = path.join(dir, 'index.db');
    const store = PrdStore.open(dbPath);
    store.replaceFile(record(alpha.file, 'h1'), alpha, vectorsFor(alpha), MODEL);
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    const edited = buildPrd(alpha.file, 'Alpha', { overview: 'Alpha shares spreadsheets.', first: 'Export to XLSX.', second: 'Email it.' });
    store.replaceFile(record(alpha.file, 'h2'), edited, vectorsFor(edited), MODEL);
    assert.deepEqual(store.ftsSearch('"dashboards"', 10), []);
    assert.deepEqual(store.ftsSearch('"spreadsheets"', 10).map((r) => r.key), [edited.chunks[0].key]);
    assert.deepEqual(store.ftsSearch('"FR-001"', 10).map((r) => r.key).sort(), [alpha.chunks[1].key, beta.chunks[1].key].sort());
    store.removeFile(beta.file);
    assert.deepEqual(store.ftsSearch('"invoices"', 10), []);
    const db = new Database(dbPath);
    db.exec(`INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)`);
    db.close();
    store.close();
  });

  it('touchFile updates size and mtime but keeps the content hash; listFiles lists every indexed file', () => {
    const store = PrdStore.open(':memory:');
    store.replaceFile(record(beta.file, 'hb'), beta, vectorsFor(beta), MODEL);
    store.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    assert.equal(store.touchFile({ path: alpha.file, size: 7, mtimeMs: 42, contentHash: 'ignored' }), true);
    assert.deepEqual(store.fileRecord(alpha.file), { path: alpha.file, size: 7, mtimeMs: 42, contentHash: 'ha' });
    assert.equal(store.touchFile({ path: 'prds/none.md', size: 1, mtimeMs: 1, contentHash: 'x' }), false);
    assert.deepEqual(store.listFiles().map((f) => f.path), [alpha.file, beta.file]);
    store.close();
  });

  it('opens an existing index read-only', () => {
    const dbPath = path.join(dir, 'index.db');
    const writer = PrdStore.open(dbPath);
    writer.replaceFile(record(alpha.file, 'ha'), alpha, vectorsFor(alpha), MODEL);
    writer.close();
    const reader = PrdStore.open(dbPath, { readonly: true });
    assert.equal(reader.stats().chunks, 3);
    assert.throws(() => reader.removeFile(alpha.file), /readonly/);
    reader.close();
  });

  it('reports a corrupt database as StoreCorruptError and moves it aside with its WAL files', () => {
    const dbPath = path.join(dir, 'index.db');
    fs.writeFileSync(dbPath, 'this is not a database, just some text that is long enough to have a header.'.repeat(20));
    fs.writeFileSync(`${dbPath}-wal`, 'junk wal');
    assert.throws(() => PrdStore.open(dbPath), (err: unknown) =>
      err instanceof StoreCorruptError && err.dbPath === dbPath && err.message.includes(dbPath));
    const moved = moveAsideCorruptDatabase(dbPath);
    assert.match(path.basename(moved), /^index\.db\.corrupt-\d{4}-\d\d-\d\dT/);
    assert.ok(fs.existsSync(moved));
    assert.ok(fs.existsSync(`${moved}-wal`));
    assert.ok(!fs.existsSync(dbPath) && !fs.existsSync(`${dbPath}-wal`));
    const fresh = PrdStore.open(dbPath);
    assert.equal(fresh.stats().files, 0);
    fresh.close();
  });
});
