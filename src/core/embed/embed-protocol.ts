// Messages between MiniLmEmbedder (the calling process) and embed-worker (the embedding child process).

export interface EmbedWorkerData {
  modelDir: string;
  dtype: 'fp32' | 'q8';
  maxTokens: number;
  /** onnxruntime's CPU memory arena: keeps the peak activation memory of the largest batch for the process's life. */
  memoryArena: boolean;
}

export interface EmbedRequest {
  type: 'embed';
  id: number;
  texts: string[];
}

/** Finish the requests already sent, then exit. */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = EmbedRequest | CloseRequest;

export type EmbedResponse =
  /** `vectors` holds texts.length * dimensions floats, row after row. */
  | { type: 'embedded'; id: number; dimensions: number; vectors: Float32Array }
  /** `unavailable` is true when the model could not be loaded (as opposed to a failure on these texts). */
  | { type: 'failed'; id: number; message: string; unavailable: boolean };
