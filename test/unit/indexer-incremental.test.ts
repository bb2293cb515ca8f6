import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { IndexReport, IndexRunOptions } from '../../src/core/indexer';
import { PrdIndex } from '../../src/core/prd-index';
import { SharedEmbedder, copyFixture, makeTempDir, modelDir, removeTempDirs, skipWithoutModel } from '../fixtures/indexer/support';

const FILES = ['billing.prd.md', 'onboarding.prd.md', 'reporting.prd.md'];
/** Chunks the three fixtures make: 6 + 4 + 4. */
const CHUNKS = 14;

describe('indexer: incremental re-indexing (real model, real SQLite)', function () {
  let shared: SharedEmbedder | undefined;
  let index: PrdIndex | undefined;
  let root: string;
  let dbPath: string;

  before(function () {
    skipWithoutModel(this);
    shared = new SharedEmbedder();
  });

  beforeEach(async () => {
    const dir = makeTempDir('incremental');
    root = path.join(dir, 'workspace');
    dbPath = path.join(dir, 'index.db');
    for (const name of FILES) copyFixture(name, root);
    index = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view() });
    const first = await run();
    assert.deepEqual([first.filesIndexed, first.chunksEmbedded], [3, CHUNKS]);
  });

  afterEach(async () => {
    await index?.close();
    index = undefined;
  });

  after(async () => {
    await shared?.close();
    removeTempDirs();
  });

  // A low threshold so the small fixtures do have RELATED_TO pairs to delete.
  const run = (options: Partial<IndexRunOptions> = {}): Promise<IndexReport> =>
    index!.index({ roots: [root], relatedThreshold: 0.1, ...options });

  /** Row counts straight from SQLite, through a second (read-only) connection. */
  function rows(sql: string, ...params: unknown[]): number {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare(sql).get(...params) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  async function reopenEmpty(): Promise<void> {
    await index!.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
    index = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view() });
  }

  const chunkKeys = (): string[] => index!.snapshot().chunks.map((c) => c.key).sort();

  const fileRows = (file: string) => ({
    chunks: rows('SELECT count(*) AS n FROM chunks WHERE file = ?', file),
    requirements: rows('SELECT count(*) AS n FROM requirements WHERE file = ?', file),
    sections: rows('SELECT count(*) AS n FROM sections WHERE file = ?', file),
    fts: rows(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '"meeting"'`),
    related: rows(`SELECT count(*) AS n FROM related WHERE from_chunk LIKE ? OR to_chunk LIKE ?`, `${file}::%`, `${file}::%`),
  });

  function assertNoDuplicates(): void {
    assert.equal(rows('SELECT count(DISTINCT key) AS n FROM chunks'), rows('SELECT count(*) AS n FROM chunks'));
    assert.equal(rows(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '"meeting" OR "invoice" OR "calendar"'
      AND rowid NOT IN (SELECT id FROM chunks)`), 0, 'FTS rows of chunks that no longer exist');
    assert.equal(rows('SELECT count(*) AS n FROM (SELECT file, id FROM requirements GROUP BY file, id HAVING count(*) > 1)'), 0);
  }

  it('an unchanged folder: nothing parsed, nothing embedded, the same chunk keys', async () => {
    const keys = chunkKeys();
    const report = await run();
    assert.deepEqual(
      [report.filesSeen, report.filesUnchanged, report.filesIndexed, report.chunksEmbedded, report.chunksReused],
      [3, 3, 0, 0, 0],
    );
    assert.deepEqual(chunkKeys(), keys);
    assertNoDuplicates();
  });

  it('a touched file (new mtime, same bytes): no parsing, no embedding', async () => {
    const file = path.join(root, 'billing.prd.md');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    const report = await run();
    assert.deepEqual([report.filesUnchanged, report.filesIndexed, report.chunksEmbedded, report.chunksReused], [3, 0, 0, 0]);
    assert.equal(index!.store.fileRecord('billing.prd.md')?.mtimeMs, Math.trunc(fs.statSync(file).mtimeMs));
  });

  it('editing one section re-embeds exactly that chunk; later chunks only move', async () => {
    const file = path.join(root, 'billing.prd.md');
    const before = index!.snapshot().chunks.find((c) => c.key === 'billing.prd.md::req:FR-902')!;
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('on the first day of each month.', 'on the first day of each month.\nInvoices list every seat by name.'));
    const keys = chunkKeys();
    const report = await run();
    assert.deepEqual([report.filesIndexed, report.filesUnchanged, report.chunksEmbedded, report.chunksReused], [1, 2, 1, 5]);
    const chunks = index!.snapshot().chunks;
    assert.match(chunks.find((c) => c.key === 'billing.prd.md::req:FR-901')!.text, /every seat by name/);
    assert.deepEqual(chunks.find((c) => c.key === 'billing.prd.md::req:FR-902')!.lines,
      { start: before.lines.start + 1, end: before.lines.end + 1 });
    assert.deepEqual(chunkKeys(), keys);
    const { hits } = await index!.search('seats listed by name on the bill', { k: 1 });
    assert.equal(hits[0]?.chunkKey, 'billing.prd.md::req:FR-901');
    assertNoDuplicates();
  });

  it('a deleted file takes its requirements, chunks, FTS rows and related pairs with it', async () => {
    const before = fileRows('reporting.prd.md');
    assert.ok(before.chunks === 4 && before.requirements === 2 && before.fts > 0 && before.related > 0, JSON.stringify(before));
    fs.rmSync(path.join(root, 'reporting.prd.md'));
    const report = await run();
    assert.deepEqual([report.filesRemoved, report.filesUnchanged, report.chunksEmbedded], [1, 2, 0]);
    assert.deepEqual(fileRows('reporting.prd.md'), { chunks: 0, requirements: 0, sections: 0, fts: 0, related: 0 });
    assert.equal(rows('SELECT count(*) AS n FROM files'), 2);
    const { hits } = await index!.search('weekly meeting hours report', { k: 10 });
    assert.ok(hits.every((hit) => hit.file !== 'reporting.prd.md'));
    assertNoDuplicates();
  });

  it('a renamed file leaves no ghost behind and needs no embedding', async () => {
    const before = fileRows('reporting.prd.md');
    fs.mkdirSync(path.join(root, 'prds'));
    fs.renameSync(path.join(root, 'reporting.prd.md'), path.join(root, 'prds', 'reporting.prd.md'));
    const report = await run();
    assert.deepEqual([report.filesRemoved, report.filesIndexed, report.chunksEmbedded, report.chunksReused], [1, 1, 0, 4]);
    assert.deepEqual(fileRows('reporting.prd.md'), { chunks: 0, requirements: 0, sections: 0, fts: before.fts, related: 0 });
    assert.deepEqual(fileRows('prds/reporting.prd.md'), before);
    assert.equal(rows('SELECT count(*) AS n FROM chunks'), CHUNKS);
    assert.deepEqual(index!.snapshot().requirements.filter((r) => r.id.startsWith('FR-70')).map((r) => `${r.file}::${r.id}`),
      ['prds/reporting.prd.md::FR-701', 'prds/reporting.prd.md::FR-702']);
    assertNoDuplicates();
  });

  it('a run cancelled half-way is finished by the next one, RELATED_TO pairs included, as a clean run would', async () => {
    copyFixture('../../../samples/prds/security.md', root, 'security.prd.md');
    copyFixture('../../../samples/requirements/prd-mobile.md', root, 'prd-mobile.md');
    await reopenEmpty();
    const controller = new AbortController();
    const cancelled = await run({
      signal: controller.signal,
      onProgress: (progress) => { if (progress.phase === 'index' && progress.done === 3) controller.abort(); },
    });
    assert.deepEqual([cancelled.cancelled, cancelled.filesIndexed], [true, 4]);
    const resumed = await run();
    assert.deepEqual([resumed.filesUnchanged, resumed.filesIndexed], [4, 1]);
    const pairs = `SELECT from_chunk || ' -> ' || to_chunk AS n FROM related ORDER BY 1`;
    const db = new Database(dbPath, { readonly: true });
    const resumedPairs = db.prepare(pairs).pluck().all();
    db.close();

    await reopenEmpty();
    await run();
    const cleanDb = new Database(dbPath, { readonly: true });
    const cleanPairs = cleanDb.prepare(pairs).pluck().all();
    cleanDb.close();
    assert.ok(cleanPairs.length > 0);
    assert.deepEqual(resumedPairs, cleanPairs);
  });

  it('re-indexing again and again never duplicates and keeps every chunk key', async () => {
    const keys = chunkKeys();
    const counts = index!.store.stats();
    for (const name of FILES) {
      const file = path.join(root, name);
      fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
      await run();
    }
    await run();
    assert.deepEqual(chunkKeys(), keys);
    const after = index!.store.stats();
    assert.deepEqual({ ...after, dbBytes: 0 }, { ...counts, dbBytes: 0 });
    assertNoDuplicates();
  });
});
