import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { modelIdFor } from '../../src/core/embed';
import type { IndexReport } from '../../src/core/indexer';
import { PrdIndex } from '../../src/core/prd-index';
import { blobToVector, chunkTextHash } from '../../src/core/store/prd-store';
import type { Embedder } from '../../src/core/types';
import { buildCli, cliPath, makeTempDir, modelDir, removeTempDirs, skipWithoutModel } from '../fixtures/indexer/support';
import { corpusRoot, skipBecause } from './helpers';

/** The twelve smallest corpus PRDs: about 200 chunks, several embedding groups, several seconds of indexing. */
const CORPUS_FILES = [
  'scripts/scenarios/templates/react-vite/PRD.md', 'scenarios/test-scenario/PRD.md', 'resources/eclipse-ditto/PRD.md',
  'scenarios/visited-tracker/PRD.md', 'resources/mathlib/PRD.md', 'scenarios/chore-tracking/PRD.md',
  'resources/autogpt/PRD.md', 'resources/btcpay/PRD.md', 'resources/cloudflare-ai-gateway/PRD.md',
  'resources/meep/PRD.md', 'resources/openfoam/PRD.md', 'resources/mifos/PRD.md',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countFiles(dbPath: string): number {
  if (!fs.existsSync(dbPath)) return 0;
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

/** Replays the vectors the real model stored in another index: a clean run without paying for the model again. */
function replayEmbedder(fromDb: string): Embedder {
  const modelId = modelIdFor(modelDir);
  const db = new Database(fromDb, { readonly: true });
  const lookup = db.prepare('SELECT vector FROM embeddings WHERE text_hash = ? AND model_id = ?');
  return {
    modelId,
    dimensions: 384,
    embed: async (texts) => texts.map((text) => {
      const row = lookup.get(chunkTextHash(text), modelId) as { vector: Buffer } | undefined;
      if (!row) throw new Error(`no stored vector for ${JSON.stringify(text.slice(0, 80))}`);
      return blobToVector(row.vector);
    }),
    close: async () => { db.close(); },
  };
}

function tableCounts(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = ['files', 'prds', 'sections', 'requirements', 'refs', 'file_links', 'chunks', 'embeddings', 'related'];
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

function column(dbPath: string, sql: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).pluck().all() as string[]);
  } finally {
    db.close();
  }
}

describe('indexer: killed with SIGKILL in the middle of `cvprd index`', function () {
  this.timeout(240_000);
  let dir: string;
  let workspace: string;

  before(function () {
    skipWithoutModel(this);
    const corpus = corpusRoot();
    if (!corpus) {
      skipBecause(this, 'the shared corpus (../shared/corpus) is not beside the checkout');
    }
    buildCli();
    dir = makeTempDir('crash');
    workspace = path.join(dir, 'workspace');
    for (const file of CORPUS_FILES) {
      const target = path.join(workspace, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(corpus!, 'vrooli', file), target);
    }
  });

  after(removeTempDirs);

  it('leaves a sound database; the next run finishes the job with exactly what a clean run stores', async () => {
    const dbPath = path.join(dir, 'killed.db');
    const child = spawn(process.execPath, [cliPath, 'index', workspace, '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let stored = 0;
    let stillRunning = true;
    void exited.then(() => { stillRunning = false; });
    while (stillRunning && stored === 0) {
      await sleep(25);
      stored = countFiles(dbPath);
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'the run ended before the database held any file');
    const afterKill = countFiles(dbPath);
    assert.ok(afterKill > 0 && afterKill < CORPUS_FILES.length, `killed with ${afterKill} of ${CORPUS_FILES.length} files stored`);

    const db = new Database(dbPath);
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      db.close();
    }
    const embeddedBefore = new Set(column(dbPath, 'SELECT text_hash FROM embeddings'));

    const resumed = spawnSync(process.execPath, [cliPath, 'index', workspace, '--db', dbPath, '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const report = JSON.parse(resumed.stdout) as IndexReport;
    assert.deepEqual([report.filesUnchanged, report.filesIndexed, report.filesFailed], [afterKill, CORPUS_FILES.length - afterKill, 0]);
    const chunkHashes = new Set(column(dbPath, 'SELECT text_hash FROM chunks'));
    assert.equal(report.chunksEmbedded, [...chunkHashes].filter((hash) => !embeddedBefore.has(hash)).length,
      'the second run embedded something the first had already stored');

    const cleanDb = path.join(dir, 'clean.db');
    const clean = PrdIndex.open({ dbPath: cleanDb, modelDir, embedder: replayEmbedder(dbPath) });
    try {
      await clean.index({ roots: [workspace] });
    } finally {
      await clean.close();
    }
    assert.deepEqual(tableCounts(dbPath), tableCounts(cleanDb));
    const keys = column(dbPath, 'SELECT key FROM chunks ORDER BY key');
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(keys, column(cleanDb, 'SELECT key FROM chunks ORDER BY key'));
    const pairs = `SELECT from_chunk || ' -> ' || to_chunk FROM related ORDER BY 1`;
    assert.deepEqual(column(dbPath, pairs), column(cleanDb, pairs));
  });
});
