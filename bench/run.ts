// `npm run bench`: the benchmark suite on the real corpus (../shared/corpus). Prints a table and writes BENCHMARKS.md.
// A measurement with targets shown beside it, not a pass/fail test.
//   CVPRD_BENCH_PYTHON=/path/to/python   use that Python for the peer instead of .cache/bench-venv
//   BENCH_SKIP_VARIANTS=1                skip the embedder memory variants (batch size, arena)
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkModelDir, defaultModelDir, MiniLmEmbedder } from '../src/core/embed';
import { SearchEngine } from '../src/core/search/search-engine';
import { EmbeddedVectorIndex } from '../src/core/store/embedded-vector-index';
import { PrdStore } from '../src/core/store/prd-store';
import type { ParsedPrd, VectorRecord } from '../src/core/types';
import { parseCorpus } from './corpus-chunks';
import type { IndexChildInput, IndexChildResult } from './index-child';
import { percentile } from './stats';
import { randomUnitVector, seededRandom } from '../test/support/random-vectors';

const projectRoot = path.resolve(__dirname, '..');
const corpus = path.resolve(projectRoot, '..', 'shared', 'corpus');
const modelDir = defaultModelDir(projectRoot);
const DIMS = 384;
const SCALES = [10_000, 100_000];
const KEEP_MARKER = '<!-- Everything below this line is kept when bench/run.ts rewrites the file. -->';

interface Row {
  figure: string;
  value: string;
  target: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const add = (figure: string, value: string, target = ''): void => {
  rows.push({ figure, value, target });
  console.log(`  ${figure}: ${value}${target ? `   (target ${target})` : ''}`);
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' / ');
}

function runIndexChild(input: IndexChildInput): IndexChildResult {
  const child = spawnSync(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', path.join(__dirname, 'index-child.ts'), JSON.stringify(input)], {
    cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`index child failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as IndexChildResult;
}

/** Python for the peer: CVPRD_BENCH_PYTHON, else .cache/bench-venv (created by bench/setup-python.sh when missing). */
function peerPython(): { python: string } | { notRun: string } {
  if (process.env.CVPRD_BENCH_PYTHON) return { python: process.env.CVPRD_BENCH_PYTHON };
  const venv = path.join(projectRoot, '.cache', 'bench-venv');
  if (!fs.existsSync(path.join(venv, '.ready'))) {
    console.log('  setting up the Python peer (bench/setup-python.sh) ...');
    const setup = spawnSync('bash', [path.join(__dirname, 'setup-python.sh')], { encoding: 'utf8' });
    if (setup.status !== 0) return { notRun: `bench/setup-python.sh failed: ${(setup.stderr || setup.stdout).trim().split('\n').slice(-3).join(' ')}` };
  }
  return { python: path.join(venv, 'bin', 'python') };
}

function runPythonPeer(textsFile: string): { texts_per_s: number; texts: number; threads: number; torch: string } | { notRun: string } {
  const found = peerPython();
  if ('notRun' in found) return found;
  const peer = spawnSync(found.python, [path.join(__dirname, 'python-peer.py'), textsFile], {
    encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' }, maxBuffer: 16 * 1024 * 1024,
  });
  if (peer.status !== 0) return { notRun: `python-peer.py failed: ${(peer.stderr || String(peer.error)).trim().split('\n').slice(-2).join(' ')}` };
  return JSON.parse(peer.stdout.trim().split('\n').pop()!);
}

/** Every 4th PRD of the corpus: enough long chunks to fill 32 x 256 batches, a quarter of the time. */
function subsetCopy(from: string, to: string): void {
  const prds = execFileSync('find', [from, '-name', 'PRD.md'], { encoding: 'utf8' }).trim().split('\n').sort();
  prds.filter((_, i) => i % 4 === 0).forEach((file) => {
    const target = path.join(to, path.relative(from, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  });
}

/** Copies of the corpus's parsed PRDs under new file names until `size` chunks: real text for FTS, random unit vectors. */
function syntheticIndex(prds: ParsedPrd[], size: number, dbPath: string): { store: PrdStore; vectors: EmbeddedVectorIndex } {
  const store = PrdStore.open(dbPath);
  const vectors = new EmbeddedVectorIndex(DIMS);
  const random = seededRandom(size);
  let chunks = 0;
  for (let copy = 0; chunks < size; copy++) {
    for (const prd of prds) {
      if (chunks >= size) break;
      const file = `copy-${copy}/${prd.file}`;
      const renamed: ParsedPrd = { ...prd, file, chunks: prd.chunks.map((chunk) => ({ ...chunk, key: `${file}${chunk.key.slice(prd.file.length)}` })) };
      store.replaceFile({ path: file, size: 1, mtimeMs: 0, contentHash: file }, renamed, new Map(), 'synthetic');
      const records: VectorRecord[] = renamed.chunks.map((chunk) => ({
        key: chunk.key, vector: randomUnitVector(random, DIMS), file, type: chunk.type, priority: chunk.priority, status: chunk.status, tags: chunk.tags,
      }));
      vectors.upsertSync(records);
      chunks += records.length;
    }
  }
  return { store, vectors };
}

async function main(): Promise<void> {
  const problems = checkModelDir(modelDir);
  if (problems.length) throw new Error(`model folder ${modelDir}: ${problems.join('; ')} (run node scripts/setup-model.mjs)`);
  if (!fs.existsSync(corpus)) throw new Error(`no corpus at ${corpus}`);
  const queries = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'quality', 'queries.json'), 'utf8')) as { query: string }[])
    .map((q) => q.query);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-bench-'));
  const started = new Date();
  const loadBefore = loadAverage();
  console.log(`cvPRD benchmark, ${started.toISOString()}, load average ${loadBefore}`);
  try {
    // The corpus is read-only, and the re-index figure needs an edit: work on a copy.
    const work = path.join(temp, 'corpus');
    fs.cpSync(corpus, work, { recursive: true });
    const prds = await parseCorpus(work, modelDir);
    const texts = prds.flatMap((prd) => prd.chunks.map((chunk) => chunk.embedText));
    const textsFile = path.join(temp, 'chunks.jsonl');
    fs.writeFileSync(textsFile, texts.map((text) => JSON.stringify(text)).join('\n') + '\n');
    const editFile = path.join(work, 'vrooli', 'scenarios', 'workflow-scheduler', 'PRD.md');

    console.log(`indexing ${prds.length} PRDs (${texts.length} chunks) in a child process ...`);
    const main = runIndexChild({ root: work, db: path.join(temp, 'index.db'), modelDir, editFile, queries });
    notes.push(`1-minute load average after indexing the corpus: ${os.loadavg()[0].toFixed(2)}.`);
    if (main.chunks !== texts.length) notes.push(`The index holds ${main.chunks} chunks; the exported texts are ${texts.length}.`);
    const ourRate = (main.chunksEmbedded / main.indexMs) * 1000;
    add('corpus', `${main.files} PRDs, ${main.chunks} chunks`);
    add('index from empty', `${(main.indexMs / 1000).toFixed(1)} s, ${ourRate.toFixed(1)} chunks/s`);
    add('re-index after editing one file',
      `${ms(main.reindex!.ms)}, ${main.reindex!.chunksEmbedded} chunk(s) embedded, ${main.reindex!.chunksReused} reused`,
      '<= 300 ms, 0 unchanged chunks embedded');
    const queryMs = main.queryEmbedMs!;
    add('query embedding (one query, warm)', `p50 ${ms(percentile(queryMs, 0.5))}, p95 ${ms(percentile(queryMs, 0.95))}`);
    add('peak RSS while indexing', `${main.peakRssMb} MB`);
    add('RSS after indexing, model loaded', `${main.rssLoadedMb} MB`, '<= 250 MB');
    add('RSS after indexing, embedder closed', `${main.rssClosedMb} MB (JS heap ${main.heapUsedMb} MB)`, '<= 250 MB');
    if (main.embedderPeakRssMb !== undefined) {
      add('embedding child process (ended by close())',
        `peak RSS ${main.embedderPeakRssMb} MB, ${main.embedderRssMb} MB before close; CPU ${main.embedderCpuS} s`);
    }

    console.log('Python peer (sentence-transformers, PyTorch CPU) on the same chunk texts ...');
    const peer = runPythonPeer(textsFile);
    notes.push(`1-minute load average after the Python peer: ${os.loadavg()[0].toFixed(2)}.`);
    if ('notRun' in peer) {
      add('Python peer', `not run: ${peer.notRun}`, 'ours >= 2x');
    } else {
      add('Python peer: embedding only', `${peer.texts_per_s.toFixed(1)} chunks/s (${peer.texts} texts, torch ${peer.torch}, ${peer.threads} threads)`);
      add('ours / Python peer (index chunks/s / peer chunks/s)', `${(ourRate / peer.texts_per_s).toFixed(2)}x`, '>= 2x');
    }

    console.log('hybrid search at scale (synthetic vectors, corpus text repeated) ...');
    const embedder = new MiniLmEmbedder({ modelDir });
    try {
      const queryVectors = await embedder.embed(queries);
      for (const size of SCALES) {
        const { store, vectors } = syntheticIndex(prds, size, path.join(temp, `scale-${size}.db`));
        const vectorOf = new Map(queries.map((q, i) => [q, queryVectors[i]]));
        const searchOnly = new SearchEngine({ store, vectors, embedQuery: async (q) => vectorOf.get(q)! });
        const endToEnd = new SearchEngine({ store, vectors, embedQuery: async (q) => (await embedder.embed([q]))[0] });
        const time = async (engine: SearchEngine): Promise<number[]> => {
          await engine.search(queries[0]);
          const took: number[] = [];
          for (const q of queries) {
            const t = performance.now();
            await engine.search(q, { mode: 'hybrid', k: 10 });
            took.push(performance.now() - t);
          }
          return took;
        };
        const plain = await time(searchOnly);
        const full = await time(endToEnd);
        add(`hybrid search, ${size / 1000}k chunks`, `p50 ${ms(percentile(plain, 0.5))}, p95 ${ms(percentile(plain, 0.95))}`);
        add(`query embed + hybrid search, ${size / 1000}k chunks`, `p50 ${ms(percentile(full, 0.5))}, p95 ${ms(percentile(full, 0.95))}`,
          size === 10_000 ? 'p50 <= 10 ms' : 'p50 <= 30 ms');
        store.close();
        notes.push(`1-minute load average after the ${size / 1000}k-chunk search timings: ${os.loadavg()[0].toFixed(2)}.`);
      }
    } finally {
      await embedder.close();
    }

    const variants: Record<string, string | number>[] = [];
    if (!process.env.BENCH_SKIP_VARIANTS) {
      const subset = path.join(temp, 'subset');
      subsetCopy(corpus, subset);
      const settings: { batchSize: number; memoryArena: boolean }[] = [
        { batchSize: 32, memoryArena: true }, { batchSize: 32, memoryArena: false },
        { batchSize: 8, memoryArena: true }, { batchSize: 8, memoryArena: false },
      ];
      for (const [i, setting] of settings.entries()) {
        console.log(`embedder variant: batch ${setting.batchSize}, arena ${setting.memoryArena ? 'on' : 'off'} (a quarter of the corpus) ...`);
        const result = runIndexChild({ root: subset, db: path.join(temp, `variant-${i}.db`), modelDir, ...setting });
        variants.push({
          batch: setting.batchSize, arena: setting.memoryArena ? 'on' : 'off', chunks: result.chunksEmbedded,
          'chunks/s': ((result.chunksEmbedded / result.indexMs) * 1000).toFixed(1), 'peak RSS MB': result.peakRssMb,
          'RSS loaded MB': result.rssLoadedMb, 'RSS closed MB': result.rssClosedMb,
          'embedder peak RSS MB': result.embedderPeakRssMb ?? '?', 'embedder RSS before close MB': result.embedderRssMb ?? '?',
          'embedder CPU ms/chunk': result.embedderCpuS !== undefined ? ((result.embedderCpuS * 1000) / result.chunksEmbedded).toFixed(0) : '?',
        });
      }
    }

    const loadAfter = loadAverage();
    console.log('\nfigures:');
    console.table(rows);
    if (variants.length) {
      console.log('embedder memory variants (index a quarter of the corpus from empty, each in its own process):');
      console.table(variants);
    }
    writeReport({ started, loadBefore, loadAfter, variants });
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function writeReport(run: { started: Date; loadBefore: string; loadAfter: string; variants: Record<string, string | number>[] }): void {
  const cpus = os.cpus();
  const table = (header: string[], body: string[][]) =>
    [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); every figure below is from that one run. A measurement, not a test.',
    '',
    `- Date: ${run.started.toISOString()}`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; load average (1/5/15 min) ${run.loadBefore} at the start, ${run.loadAfter} at the end` +
      ' (the machine is shared: a load above the core count slows every figure).',
    '- Corpus: `../shared/corpus` (158 real PRDs), copied to a temp folder so one file can be edited.',
    '',
    table(['figure', 'value', 'target'], rows.map((r) => [r.figure, r.value, r.target])),
    '',
  ];
  if (run.variants.length) {
    const header = Object.keys(run.variants[0]);
    lines.push(
      '## Embedder memory variants',
      '',
      'A quarter of the corpus indexed from empty in a fresh process per setting. RSS columns without "embedder" are the',
      'indexing process itself; "loaded": after indexing with the model still loaded; "closed": after `embedder.close()`',
      'ended the embedding child process. The embedder columns are that child process (read from /proc before close).',
      '',
      table(header, run.variants.map((v) => header.map((h) => String(v[h])))),
      '',
    );
  }
  if (notes.length) lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  // Analysis written by hand below the marker survives a new run.
  const file = path.join(projectRoot, 'BENCHMARKS.md');
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const kept = previous.indexOf(KEEP_MARKER);
  lines.push(kept >= 0 ? previous.slice(kept).trimEnd() : KEEP_MARKER);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`wrote ${path.join(projectRoot, 'BENCHMARKS.md')}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
