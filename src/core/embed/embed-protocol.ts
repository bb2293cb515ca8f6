// Messages between MiniLmEmbedder (the calling thread) and embed-worker (the worker thread).

export interface EmbedWorkerData {
  modelDir: string;
  dtype: 'fp32' | 'q8';
  maxTokens: number;
}

export interface EmbedRequest {
  type: 'embed';
  id: number;
  texts: string[];
}

/** Finish the requests already sent, then exit (terminating a worker inside an ONNX run aborts the whole process). */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = EmbedRequest | CloseRequest;

export type EmbedResponse =
  /** `vectors` holds texts.length * dimensions floats, row after row. */
  | { type: 'embedded'; id: number; dimensions: number; vectors: Float32Array }
  /** `unavailable` is true when the model could not be loaded (as opposed to a failure on these texts). */
  | { type: 'failed'; id: number; message: string; unavailable: boolean };
