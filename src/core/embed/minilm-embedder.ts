// all-MiniLM-L6-v2 through transformers.js in a child process, so the calling process (the extension host) neither
// blocks nor keeps the model's memory: onnxruntime's native allocations (the weights, and activations of several
// hundred MB for a batch of 32 x 256 word pieces) are not returned to the system by a worker thread's exit, but
// they are by a process's.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Embedder } from '../types';
import type { EmbedResponse, EmbedWorkerData, WorkerRequest } from './embed-protocol';
import {
  EMBEDDING_DIMENSIONS, MAX_SEQUENCE_TOKENS, ModelUnavailableError, checkModelDir, findOnnxFile, modelIdFor,
} from './model-dir';

export interface MiniLmEmbedderOptions {
  modelDir: string;
  /**
   * Texts per model call; 8 by default. A batch is padded to its longest text: on the corpus, batches of 32 ran
   * 1.4x the real word pieces and about 20% slower than batches of 8, and need 4x the activation memory.
   */
  batchSize?: number;
  /** Overrides the cache key derived from the weights file. */
  modelId?: string;
  /**
   * onnxruntime's CPU memory arena; on by default. Turning it off was measured to be worse on both counts: glibc
   * keeps the freed blocks anyway, fragmented, so the embedding process peaked higher and ran slower (BENCHMARKS.md).
   */
  memoryArena?: boolean;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

/** One embedding process and the requests it still owes an answer to. */
interface WorkerHandle {
  worker: ChildProcess;
  pending: Map<number, Pending>;
  exited: Promise<void>;
}

/** Under tsx (tests, scripts) this file is .ts and so is its worker; in the esbuild output both are .js in out/. */
function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) {
    return { file: path.join(__dirname, 'embed-worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
  }
  return { file: path.join(__dirname, 'embed-worker.js'), execArgv: [] };
}

export class MiniLmEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  private readonly modelDir: string;
  private readonly batchSize: number;
  private readonly memoryArena: boolean;
  private readonly derivedModelId: string;
  private current: WorkerHandle | undefined;
  private nextRequestId = 1;

  constructor(options: MiniLmEmbedderOptions) {
    this.modelDir = path.resolve(options.modelDir);
    this.batchSize = options.batchSize ?? 8;
    this.memoryArena = options.memoryArena ?? true;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.derivedModelId = modelIdFor(this.modelDir);
    this.modelId = options.modelId ?? this.derivedModelId;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const handle = this.ensureWorker();
    // A batch is padded to its longest text, so batching texts of similar length wastes less work.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const vectors: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      const batchVectors = await this.request(handle, batch.map((i) => texts[i]));
      batch.forEach((textIndex, j) => { vectors[textIndex] = batchVectors[j]; });
    }
    return vectors;
  }

  /**
   * Lets the embedding process finish the batch it is running, then ends it, which gives all of the model's memory
   * back. An embed() still in progress is rejected at its next batch; a later embed() starts a new process.
   */
  async close(): Promise<void> {
    const handle = this.current;
    if (!handle) return;
    this.current = undefined;
    const request: WorkerRequest = { type: 'close' };
    setReferenced(handle.worker, true);
    if (handle.worker.connected) handle.worker.send(request);
    await handle.exited;
  }

  private ensureWorker(): WorkerHandle {
    if (this.current) return this.current;
    const problems = checkModelDir(this.modelDir);
    if (problems.length) throw new ModelUnavailableError(this.modelDir, problems);
    // Vectors are cached under modelId, so weights swapped after construction must not be used under the old id.
    if (modelIdFor(this.modelDir) !== this.derivedModelId) {
      throw new ModelUnavailableError(this.modelDir, [
        `the weights changed since this embedder was created (now ${modelIdFor(this.modelDir)}, was ${this.derivedModelId}); create a new embedder`,
      ]);
    }
    const onnx = findOnnxFile(this.modelDir)!;
    const data: EmbedWorkerData = { modelDir: this.modelDir, dtype: onnx.dtype, maxTokens: MAX_SEQUENCE_TOKENS, memoryArena: this.memoryArena };
    const entry = workerEntry();
    // execArgv is given, not inherited: an --inspect of the extension host must not be passed on. In VS Code,
    // process.execPath is Electron, which ELECTRON_RUN_AS_NODE turns into plain Node.
    const worker = fork(entry.file, [JSON.stringify(data)], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const handle: WorkerHandle = {
      worker,
      pending: new Map(),
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    worker.on('message', (response: EmbedResponse) => this.settle(handle, response));
    worker.on('error', (error) => this.failAll(handle, new Error(`embedding process failed: ${error.message}`)));
    worker.on('exit', (code, signal) => this.failAll(handle, new Error(`embedding process exited (${signal ?? `code ${code}`})`)));
    // An idle embedding process must not keep a CLI process alive.
    setReferenced(worker, false);
    this.current = handle;
    return handle;
  }

  private request(handle: WorkerHandle, texts: string[]): Promise<Float32Array[]> {
    const id = this.nextRequestId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      if (this.current !== handle) {
        reject(new Error('the embedder was closed while embedding'));
        return;
      }
      handle.pending.set(id, { resolve, reject });
      if (handle.pending.size === 1) setReferenced(handle.worker, true);
      const request: WorkerRequest = { type: 'embed', id, texts };
      handle.worker.send(request);
    });
  }

  private settle(handle: WorkerHandle, response: EmbedResponse): void {
    const pending = handle.pending.get(response.id);
    if (!pending) return;
    handle.pending.delete(response.id);
    if (handle.pending.size === 0 && this.current === handle) setReferenced(handle.worker, false);
    if (response.type === 'failed') {
      pending.reject(response.unavailable
        ? new ModelUnavailableError(this.modelDir, [`the model failed to load: ${response.message}`])
        : new Error(`embedding failed: ${response.message}`));
      return;
    }
    const { dimensions, vectors } = response;
    const rows: Float32Array[] = [];
    for (let offset = 0; offset < vectors.length; offset += dimensions) rows.push(vectors.slice(offset, offset + dimensions));
    pending.resolve(rows);
  }

  /** A dead embedding process rejects what it still owed; the next embed() starts a fresh one. */
  private failAll(handle: WorkerHandle, error: Error): void {
    if (this.current === handle) this.current = undefined;
    for (const pending of handle.pending.values()) pending.reject(error);
    handle.pending.clear();
  }
}

/** Both the process handle and its IPC channel keep the event loop alive; they are held only while answers are owed. */
function setReferenced(child: ChildProcess, referenced: boolean): void {
  const channel = child.channel as { ref(): void; unref(): void } | null | undefined;
  if (referenced) {
    child.ref();
    channel?.ref();
  } else {
    child.unref();
    channel?.unref();
  }
}
