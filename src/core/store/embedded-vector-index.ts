import type {
  ChunkType, Priority, RelatedPair, SearchFilters, Status, VectorHit, VectorIndex, VectorRecord,
} from '../types';
import { createOnnxBlockScorer, loadOnnxRuntime } from './onnx-matmul';
import type { PrdStore } from './prd-store';
import { TopK } from './top-k';

export interface RelatedOptions {
  /** Neighbours kept per chunk. */
  k: number;
  /** Minimum cosine similarity. */
  threshold: number;
  /** Only find neighbours for the chunks of these files (they are still compared against every other file). */
  onlyFiles?: string[];
}

export interface RelatedResult {
  pairs: RelatedPair[];
  /** What computed the scores. */
  kernel: 'onnxruntime' | 'js';
  /** Why onnxruntime was not used, when it was not. */
  fallbackReason?: string;
}

/** Score matrix cells per onnxruntime call (16 MB of float32). */
const BLOCK_CELLS = 4_000_000;

/**
 * Exact nearest-neighbour search held in memory: one contiguous Float32Array, row i = chunk i.
 * Vectors are L2-normalised, so the dot product is the cosine similarity.
 */
export class EmbeddedVectorIndex implements VectorIndex {
  private matrix = new Float32Array(0);
  private count = 0;
  private keys: string[] = [];
  private fileIds = new Int32Array(0);
  private types: ChunkType[] = [];
  private priorities: (Priority | undefined)[] = [];
  private statuses: (Status | undefined)[] = [];
  private tags: string[][] = [];
  private readonly rowOfKey = new Map<string, number>();
  private readonly fileNames: string[] = [];
  private readonly fileIdOf = new Map<string, number>();

  /** dimensions may be left out; the first upsert then fixes it. */
  constructor(private dims = 0) {}

  static fromStore(store: PrdStore, modelId: string): EmbeddedVectorIndex {
    const columns = store.chunkVectors(modelId);
    const index = new EmbeddedVectorIndex(columns.dimensions);
    const n = columns.keys.length;
    index.reserve(n);
    index.matrix.set(columns.matrix);
    for (let i = 0; i < n; i++) {
      index.keys.push(columns.keys[i]);
      index.fileIds[i] = index.fileId(columns.files[i]);
      index.types.push(columns.types[i]);
      index.priorities.push(columns.priorities[i]);
      index.statuses.push(columns.statuses[i]);
      index.tags.push(columns.tags[i]);
      index.rowOfKey.set(columns.keys[i], i);
    }
    index.count = n;
    return index;
  }

  get size(): number {
    return this.count;
  }

  get dimensions(): number {
    return this.dims;
  }

  has(key: string): boolean {
    return this.rowOfKey.has(key);
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    this.upsertSync(records);
  }

  upsertSync(records: VectorRecord[]): void {
    if (records.length === 0) return;
    if (this.dims === 0) this.dims = records[0].vector.length;
    for (const r of records) {
      if (r.vector.length !== this.dims) {
        throw new Error(`Vector for ${r.key} (${r.file}) has ${r.vector.length} dimensions; the index holds ${this.dims}. `
          + 'The embedding model changed: rebuild the index.');
      }
    }
    this.reserve(this.count + records.length);
    for (const r of records) {
      let row = this.rowOfKey.get(r.key);
      if (row === undefined) {
        row = this.count++;
        this.rowOfKey.set(r.key, row);
        this.keys[row] = r.key;
      }
      this.matrix.set(r.vector, row * this.dims);
      this.fileIds[row] = this.fileId(r.file);
      this.types[row] = r.type;
      this.priorities[row] = r.priority;
      this.statuses[row] = r.status;
      this.tags[row] = r.tags;
    }
  }

  async deleteByFile(file: string): Promise<void> {
    this.deleteByFileSync(file);
  }

  deleteByFileSync(file: string): void {
    const id = this.fileIdOf.get(file);
    if (id !== undefined) this.compact((row) => this.fileIds[row] !== id);
  }

  /** Forgets single chunks (e.g. ReplaceResult.chunksRemoved). */
  deleteKeys(keys: Iterable<string>): void {
    const doomed = new Set(keys);
    this.compact((row) => !doomed.has(this.keys[row]));
  }

  async search(vector: Float32Array, k: number, filters?: SearchFilters): Promise<VectorHit[]> {
    return this.searchSync(vector, k, filters);
  }

  searchSync(vector: Float32Array, k: number, filters?: SearchFilters): VectorHit[] {
    if (k <= 0 || this.count === 0) return [];
    if (vector.length !== this.dims) {
      throw new Error(`Query vector has ${vector.length} dimensions; the index holds ${this.dims}.`);
    }
    const accept = this.filterPredicate(filters);
    let rows: Int32Array | undefined;
    if (accept) {
      rows = new Int32Array(this.count);
      let c = 0;
      for (let row = 0; row < this.count; row++) if (accept(row)) rows[c++] = row;
      rows = rows.subarray(0, c);
      if (c === 0) return [];
    }
    const total = rows ? rows.length : this.count;
    const top = new TopK(Math.min(k, total));
    const m = this.matrix;
    const d = this.dims;
    const q = vector;
    // Four candidate rows per pass: each query element is loaded once for four products.
    let i = 0;
    for (; i + 4 <= total; i += 4) {
      const r0 = rows ? rows[i] : i, r1 = rows ? rows[i + 1] : i + 1, r2 = rows ? rows[i + 2] : i + 2, r3 = rows ? rows[i + 3] : i + 3;
      const o0 = r0 * d, o1 = r1 * d, o2 = r2 * d, o3 = r3 * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < d; t++) {
        const x = q[t];
        s0 += x * m[o0 + t];
        s1 += x * m[o1 + t];
        s2 += x * m[o2 + t];
        s3 += x * m[o3 + t];
      }
      if (s0 > top.min) top.push(r0, s0);
      if (s1 > top.min) top.push(r1, s1);
      if (s2 > top.min) top.push(r2, s2);
      if (s3 > top.min) top.push(r3, s3);
    }
    for (; i < total; i++) {
      const row = rows ? rows[i] : i;
      const s = this.dot(row, q);
      if (s > top.min) top.push(row, s);
    }
    return top.sorted().map(({ id, score }) => ({ key: this.keys[id], score }));
  }

  /**
   * For each chunk (of onlyFiles when given): its k most similar chunks of OTHER files with cosine >= threshold.
   * Exact. Without onlyFiles every pair is scored once (the triangle) and counted for both of its chunks.
   * Four query rows are scored against each candidate row per pass, so each candidate is read from memory once
   * per four queries.
   */
  relatedPairs(options: RelatedOptions): RelatedPair[] {
    const { k, threshold } = options;
    const n = this.count;
    const d = this.dims;
    if (k <= 0 || n === 0) return [];
    const queries = this.queryRows(options.onlyFiles);
    const triangle = !options.onlyFiles;
    const heaps = new Map<number, TopK>();
    const heapOf = (row: number): TopK => {
      let heap = heaps.get(row);
      if (!heap) heaps.set(row, (heap = new TopK(k)));
      return heap;
    };
    const offer = (row: number, other: number, s: number): void => {
      if (s < threshold || this.fileIds[row] === this.fileIds[other]) return;
      const heap = heapOf(row);
      if (s > heap.min) heap.push(other, s);
    };
    const score = (a: number, b: number, s: number): void => {
      offer(a, b, s);
      if (triangle) offer(b, a, s);
    };
    const m = this.matrix;
    const fileIds = this.fileIds;
    for (let qi = 0; qi < queries.length; qi += 4) {
      const block = queries.slice(qi, qi + 4);
      while (block.length < 4) block.push(block[block.length - 1]);
      const [q0, q1, q2, q3] = block;
      const live = Math.min(4, queries.length - qi);
      const o0 = q0 * d, o1 = q1 * d, o2 = q2 * d, o3 = q3 * d;
      const f0 = fileIds[q0], f1 = fileIds[q1], f2 = fileIds[q2], f3 = fileIds[q3];
      // In the triangle, pairs inside the block are scored here and later candidates start after the block.
      if (triangle) {
        for (let a = 0; a < live; a++) for (let b = a + 1; b < live; b++) score(block[a], block[b], this.dot(block[a], block[b]));
      }
      const start = triangle ? block[live - 1] + 1 : 0;
      for (let j = start; j < n; j++) {
        const fj = fileIds[j];
        if (fj === f0 && fj === f1 && fj === f2 && fj === f3) continue;
        const oj = j * d;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let t = 0; t < d; t++) {
          const x = m[oj + t];
          s0 += m[o0 + t] * x;
          s1 += m[o1 + t] * x;
          s2 += m[o2 + t] * x;
          s3 += m[o3 + t] * x;
        }
        if (s0 >= threshold) score(q0, j, s0);
        if (live > 1 && s1 >= threshold) score(q1, j, s1);
        if (live > 2 && s2 >= threshold) score(q2, j, s2);
        if (live > 3 && s3 >= threshold) score(q3, j, s3);
      }
    }
    const pairs: RelatedPair[] = [];
    const wantedRows = new Set(queries);
    for (const [row, heap] of [...heaps].sort((a, b) => a[0] - b[0])) {
      if (!wantedRows.has(row)) continue;
      for (const { id, score: s } of heap.sorted()) pairs.push({ fromChunk: this.keys[row], toChunk: this.keys[id], score: s });
    }
    return pairs;
  }

  /**
   * The same pairs as relatedPairs, scored block by block with onnxruntime's MatMul when onnxruntime-node loads
   * (about ten times faster on a full index); otherwise with the JavaScript loop. Works on a copy, so the index may
   * change meanwhile.
   */
  async relatedPairsFast(options: RelatedOptions): Promise<RelatedResult> {
    const { ort, error } = loadOnnxRuntime();
    if (!ort) return { pairs: this.relatedPairs(options), kernel: 'js', fallbackReason: error };
    const { k, threshold } = options;
    const n = this.count;
    const d = this.dims;
    if (k <= 0 || n === 0) return { pairs: [], kernel: 'onnxruntime' };
    const queries = this.queryRows(options.onlyFiles);
    const matrix = this.matrix.slice(0, n * d);
    const keys = this.keys.slice(0, n);
    const fileIds = this.fileIds.slice(0, n);
    const scorer = await createOnnxBlockScorer(ort, matrix, n, d);
    const pairs: RelatedPair[] = [];
    try {
      const blockRows = Math.max(1, Math.min(512, Math.floor(BLOCK_CELLS / n)));
      const block = new Float32Array(blockRows * d);
      for (let qi = 0; qi < queries.length; qi += blockRows) {
        const rows = Math.min(blockRows, queries.length - qi);
        for (let r = 0; r < rows; r++) block.set(matrix.subarray(queries[qi + r] * d, (queries[qi + r] + 1) * d), r * d);
        const scores = await scorer.scores(block, rows);
        for (let r = 0; r < rows; r++) {
          const q = queries[qi + r];
          const fq = fileIds[q];
          const base = r * n;
          let heap: TopK | undefined;
          for (let j = 0; j < n; j++) {
            const s = scores[base + j];
            if (s < threshold || fileIds[j] === fq) continue;
            heap ??= new TopK(k);
            if (s > heap.min) heap.push(j, s);
          }
          for (const { id, score } of heap?.sorted() ?? []) pairs.push({ fromChunk: keys[q], toChunk: keys[id], score });
        }
      }
    } finally {
      await scorer.release();
    }
    return { pairs, kernel: 'onnxruntime' };
  }

  /** Rows of the given files (every row when none are given), ascending. */
  private queryRows(onlyFiles: string[] | undefined): number[] {
    if (!onlyFiles) return Array.from({ length: this.count }, (_, row) => row);
    const wanted = new Set(onlyFiles.map((f) => this.fileIdOf.get(f)).filter((id) => id !== undefined));
    const rows: number[] = [];
    for (let row = 0; row < this.count; row++) if (wanted.has(this.fileIds[row])) rows.push(row);
    return rows;
  }

  /** Dot product of row a with row b, or with a query vector. */
  private dot(a: number, b: number | Float32Array): number {
    const m = this.matrix;
    const d = this.dims;
    let s = 0;
    if (typeof b === 'number') {
      for (let t = 0, oa = a * d, ob = b * d; t < d; t++) s += m[oa + t] * m[ob + t];
    } else {
      for (let t = 0, oa = a * d; t < d; t++) s += m[oa + t] * b[t];
    }
    return s;
  }

  private filterPredicate(filters: SearchFilters | undefined): ((row: number) => boolean) | undefined {
    const set = <T>(values: readonly T[] | undefined): Set<T> | undefined =>
      (values && values.length > 0 ? new Set(values) : undefined);
    const files = filters?.files && filters.files.length > 0
      ? new Set(filters.files.map((f) => this.fileIdOf.get(f) ?? -1)) : undefined;
    const types = set(filters?.types);
    const priorities = set(filters?.priorities);
    const statuses = set(filters?.statuses);
    const tags = set(filters?.tags);
    if (!files && !types && !priorities && !statuses && !tags) return undefined;
    return (row) => (!files || files.has(this.fileIds[row]))
      && (!types || types.has(this.types[row]))
      && (!priorities || (this.priorities[row] !== undefined && priorities.has(this.priorities[row]!)))
      && (!statuses || (this.statuses[row] !== undefined && statuses.has(this.statuses[row]!)))
      && (!tags || this.tags[row].some((tag) => tags.has(tag)));
  }

  private fileId(file: string): number {
    let id = this.fileIdOf.get(file);
    if (id === undefined) {
      id = this.fileNames.length;
      this.fileNames.push(file);
      this.fileIdOf.set(file, id);
    }
    return id;
  }

  private reserve(rows: number): void {
    if (rows * this.dims <= this.matrix.length && rows <= this.fileIds.length) return;
    const capacity = Math.max(rows, Math.ceil(this.fileIds.length * 1.5), 64);
    const matrix = new Float32Array(capacity * this.dims);
    matrix.set(this.matrix.subarray(0, this.count * this.dims));
    this.matrix = matrix;
    const fileIds = new Int32Array(capacity);
    fileIds.set(this.fileIds.subarray(0, this.count));
    this.fileIds = fileIds;
  }

  /** Keeps the rows for which keep(row) is true, in order, and renumbers them. */
  private compact(keep: (row: number) => boolean): void {
    const d = this.dims;
    let w = 0;
    for (let r = 0; r < this.count; r++) {
      if (!keep(r)) {
        this.rowOfKey.delete(this.keys[r]);
        continue;
      }
      if (w !== r) {
        this.matrix.copyWithin(w * d, r * d, (r + 1) * d);
        this.keys[w] = this.keys[r];
        this.fileIds[w] = this.fileIds[r];
        this.types[w] = this.types[r];
        this.priorities[w] = this.priorities[r];
        this.statuses[w] = this.statuses[r];
        this.tags[w] = this.tags[r];
        this.rowOfKey.set(this.keys[w], w);
      }
      w++;
    }
    this.count = w;
    for (const column of [this.keys, this.types, this.priorities, this.statuses, this.tags] as unknown[][]) column.length = w;
  }
}
