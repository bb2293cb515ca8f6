// Exact vector search timings of the embedded index (and of sqlite-vec when its extension is given).
//   npx tsx bench/vector-scan.ts                       embedded index only
//   SQLITE_VEC=/path/to/vec0.so npx tsx bench/vector-scan.ts   also sqlite-vec (not a project dependency)
//   SIZES=10000 QUERIES=20 RELATED_SIZE=10000 SKIP_JS_RELATED=1   smaller / faster runs
// Prints a table; it is a measurement, not a pass/fail test.
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { EmbeddedVectorIndex } from '../src/core/store/embedded-vector-index';
import type { VectorRecord } from '../src/core/types';
import { normalise, seededRandom } from '../test/support/random-vectors';

const DIMS = 384;
const QUERIES = Number(process.env.QUERIES ?? 50);
const SIZES = (process.env.SIZES ?? '10000,100000').split(',').map(Number);
const RELATED_SIZE = Number(process.env.RELATED_SIZE ?? 10000);

/** Vectors around 1 centre per 20 rows, so related pairs exist as they do between real PRDs. */
function clustered(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Math.max(1, Math.round(n / 20));
  const centre = Array.from({ length: centres }, () => normalise(new Float32Array(DIMS).map(() => random() * 2 - 1)));
  const out = new Float32Array(n * DIMS);
  for (let i = 0; i < n; i++) {
    const c = centre[Math.floor(random() * centres)];
    const v = normalise(new Float32Array(DIMS).map((_, d) => c[d] + (random() * 2 - 1) * 0.04));
    out.set(v, i * DIMS);
  }
  return out;
}

function recordsOf(matrix: Float32Array, n: number): VectorRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `c${i}`, vector: matrix.subarray(i * DIMS, (i + 1) * DIMS), file: `f${Math.floor(i / 60)}.md`,
    type: 'requirement', tags: [],
  }));
}

function percentiles(ms: number[]): { p50: number; p95: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

function time(runs: number, fn: (i: number) => void): { p50: number; p95: number } {
  fn(0);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
}

const rows: { what: string; n: number; p50: string; p95: string }[] = [];
const fmt = (x: number) => x.toFixed(2);

for (const n of SIZES) {
  const matrix = clustered(n, n);
  const queries = clustered(QUERIES, 7);
  const query = (i: number) => queries.subarray(i * DIMS, (i + 1) * DIMS);
  const index = new EmbeddedVectorIndex(DIMS);
  const loadStart = performance.now();
  index.upsertSync(recordsOf(matrix, n));
  rows.push({ what: 'embedded: load (upsert all)', n, p50: fmt(performance.now() - loadStart), p95: '' });
  const plain = time(QUERIES, (i) => index.searchSync(query(i), 10));
  rows.push({ what: 'embedded: top-10', n, ...{ p50: fmt(plain.p50), p95: fmt(plain.p95) } });
  const filtered = time(QUERIES, (i) => index.searchSync(query(i), 10, { files: ['f1.md', 'f7.md', 'f9.md'], types: ['requirement'] }));
  rows.push({ what: 'embedded: top-10, 3-file filter', n, p50: fmt(filtered.p50), p95: fmt(filtered.p95) });

  const vecPath = process.env.SQLITE_VEC;
  if (vecPath) {
    const db = new Database(':memory:');
    db.loadExtension(vecPath);
    db.exec(`CREATE VIRTUAL TABLE vec USING vec0(embedding float[${DIMS}] distance_metric=cosine)`);
    db.exec('CREATE TABLE plain (id INTEGER PRIMARY KEY, vector BLOB NOT NULL)');
    const insertVec = db.prepare('INSERT INTO vec (rowid, embedding) VALUES (?, ?)');
    const insertPlain = db.prepare('INSERT INTO plain (id, vector) VALUES (?, ?)');
    const t = performance.now();
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const blob = Buffer.from(matrix.buffer, i * DIMS * 4, DIMS * 4);
        insertVec.run(BigInt(i), blob);
        insertPlain.run(i, blob);
      }
    })();
    rows.push({ what: 'sqlite-vec: insert vec0 + blob table', n, p50: fmt(performance.now() - t), p95: '' });
    const knn = db.prepare('SELECT rowid, distance FROM vec WHERE embedding MATCH ? AND k = 10');
    const vq = time(QUERIES, (i) => knn.all(Buffer.from(query(i).buffer, query(i).byteOffset, DIMS * 4)));
    rows.push({ what: 'sqlite-vec: vec0 KNN top-10', n, p50: fmt(vq.p50), p95: fmt(vq.p95) });
    const scan = db.prepare('SELECT id, vec_distance_cosine(vector, ?) AS d FROM plain ORDER BY d LIMIT 10');
    const sq = time(Math.min(QUERIES, 20), (i) => scan.all(Buffer.from(query(i).buffer, query(i).byteOffset, DIMS * 4)));
    rows.push({ what: 'sqlite-vec: vec_distance_cosine scan', n, p50: fmt(sq.p50), p95: fmt(sq.p95) });
    // Same answers as the embedded index?
    const mine = index.searchSync(query(0), 10).map((h) => Number(h.key.slice(1)));
    const theirs = (knn.all(Buffer.from(query(0).buffer, query(0).byteOffset, DIMS * 4)) as { rowid: number }[]).map((r) => Number(r.rowid));
    if (mine.join() !== theirs.join()) console.warn(`n=${n}: sqlite-vec top-10 differs from the embedded index`);
    db.close();
  }
}

async function related(): Promise<void> {
  const n = RELATED_SIZE;
  const index = new EmbeddedVectorIndex(DIMS);
  index.upsertSync(recordsOf(clustered(n, 11), n));
  const options = { k: 5, threshold: 0.75 };
  let t = performance.now();
  const fast = await index.relatedPairsFast(options);
  rows.push({ what: `${fast.kernel}: relatedPairs full (k=5, ${fast.pairs.length} pairs)`, n, p50: fmt(performance.now() - t), p95: '' });
  t = performance.now();
  const one = await index.relatedPairsFast({ ...options, onlyFiles: ['f3.md'] });
  rows.push({ what: `${one.kernel}: relatedPairs one file (60 chunks)`, n, p50: fmt(performance.now() - t), p95: '' });
  if (process.env.SKIP_JS_RELATED) return;
  t = performance.now();
  const js = index.relatedPairs(options);
  rows.push({ what: `js: relatedPairs full (k=5, ${js.length} pairs)`, n, p50: fmt(performance.now() - t), p95: '' });
  t = performance.now();
  index.relatedPairs({ ...options, onlyFiles: ['f3.md'] });
  rows.push({ what: 'js: relatedPairs one file (60 chunks)', n, p50: fmt(performance.now() - t), p95: '' });
}

related().then(() => {
  console.log(`node ${process.version}, ${DIMS}-d float32, exact, ${QUERIES} queries; ms`);
  console.table(rows);
}, (err) => {
  console.error(err);
  process.exitCode = 1;
});
