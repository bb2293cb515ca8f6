// Runs in its own process so its memory is measured alone: indexes a corpus copy from empty, re-indexes after one
// edit, times query embeddings, then reports RSS with the model loaded and after closing it. Prints one JSON line.
//   node --expose-gc --require tsx/cjs bench/index-child.ts '{"root":..,"db":..,"modelDir":..,"editFile":..,"queries":[..]}'
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MiniLmEmbedder } from '../src/core/embed';
import { PrdIndex } from '../src/core/prd-index';

export interface IndexChildInput {
  root: string;
  db: string;
  modelDir: string;
  /** Absolute path of the file edited (one sentence appended to one section) before the re-index. */
  editFile?: string;
  queries?: string[];
  batchSize?: number;
  memoryArena?: boolean;
}

export interface IndexChildResult {
  files: number;
  chunks: number;
  chunksEmbedded: number;
  indexMs: number;
  peakRssMb: number;
  rssLoadedMb: number;
  rssClosedMb: number;
  heapUsedMb: number;
  /** The embedding child process: its peak and its current RSS just before it is closed. */
  embedderPeakRssMb?: number;
  embedderRssMb?: number;
  /** CPU seconds (user + system) the embedding process used: less sensitive than wall time to a busy machine. */
  embedderCpuS?: number;
  reindex?: { ms: number; chunksEmbedded: number; chunksReused: number; filesIndexed: number };
  queryEmbedMs?: number[];
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_S = 100;
const mb = (bytes: number) => Math.round(bytes / 1048576);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function main(input: IndexChildInput): Promise<IndexChildResult> {
  const embedder = new MiniLmEmbedder({ modelDir: input.modelDir, batchSize: input.batchSize, memoryArena: input.memoryArena });
  const index = PrdIndex.open({ dbPath: input.db, modelDir: input.modelDir, embedder });
  const first = await index.index({ roots: [input.root] });
  if (first.filesFailed > 0) throw new Error(`indexing failed: ${JSON.stringify(first.errors)}`);
  const stats = index.store.stats();
  const result: IndexChildResult = {
    files: first.filesIndexed, chunks: stats.chunks, chunksEmbedded: first.chunksEmbedded, indexMs: first.tookMs,
    peakRssMb: 0, rssLoadedMb: 0, rssClosedMb: 0, heapUsedMb: 0,
  };
  if (input.editFile) {
    const text = fs.readFileSync(input.editFile, 'utf8');
    const at = text.indexOf('\n## ', text.indexOf('\n## ') + 1);
    const edited = `${text.slice(0, at)}\nThe benchmark appended this sentence to one section.\n${text.slice(at)}`;
    fs.writeFileSync(input.editFile, edited);
    const second = await index.index({ roots: [input.root] });
    result.reindex = { ms: second.tookMs, chunksEmbedded: second.chunksEmbedded, chunksReused: second.chunksReused, filesIndexed: second.filesIndexed };
  }
  if (input.queries) {
    result.queryEmbedMs = [];
    await embedder.embed(['warm-up']);
    for (const query of input.queries) {
      const started = performance.now();
      await embedder.embed([query]);
      result.queryEmbedMs.push(performance.now() - started);
    }
  }
  gc();
  result.rssLoadedMb = mb(process.memoryUsage().rss);
  Object.assign(result, embedderProcessMemory());
  await embedder.close();
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  result.rssClosedMb = mb(process.memoryUsage().rss);
  result.heapUsedMb = mb(process.memoryUsage().heapUsed);
  result.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  await index.close();
  return result;
}

/** Linux only: peak and current RSS and CPU time of this process's children (the embedder is the only one). */
function embedderProcessMemory(): Partial<IndexChildResult> {
  try {
    const children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    let peak = 0;
    let now = 0;
    let ticks = 0;
    for (const pid of children) {
      // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name): utime and stime in clock ticks.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      peak += kb('VmHWM');
      now += kb('VmRSS');
    }
    if (children.length === 0) return {};
    return { embedderPeakRssMb: Math.round(peak / 1024), embedderRssMb: Math.round(now / 1024), embedderCpuS: Math.round(ticks / CLOCK_TICKS_PER_S) };
  } catch {
    return {};
  }
}

main(JSON.parse(process.argv[2]) as IndexChildInput).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
