// Worker thread: loads all-MiniLM-L6-v2 once from a local folder and answers EmbedRequests one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { AutoModel, AutoTokenizer, env, mean_pooling } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { EmbedResponse, EmbedWorkerData, WorkerRequest } from './embed-protocol';

const config = workerData as EmbedWorkerData;
const port = parentPort;
if (!port) throw new Error('embed-worker must run as a worker thread');

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;

interface LoadedModel { tokenizer: PreTrainedTokenizer; model: PreTrainedModel }
let loading: Promise<LoadedModel> | undefined;

function load(): Promise<LoadedModel> {
  loading ??= (async () => {
    const options = { local_files_only: true } as const;
    const tokenizer = await AutoTokenizer.from_pretrained(config.modelDir, options);
    const model = await AutoModel.from_pretrained(config.modelDir, { ...options, dtype: config.dtype, device: 'cpu' });
    return { tokenizer, model };
  })();
  return loading;
}

async function embed(texts: string[]): Promise<{ dimensions: number; vectors: Float32Array }> {
  const { tokenizer, model } = await load();
  const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: config.maxTokens });
  endTruncatedRowsWithSeparator(inputs.input_ids as Tensor, tokenizer);
  const output = await model(inputs);
  const pooled = mean_pooling(output.last_hidden_state as Tensor, inputs.attention_mask as Tensor).normalize(2, -1);
  // A copy owns its whole buffer, which is then transferred rather than cloned.
  return { dimensions: pooled.dims[1], vectors: new Float32Array(pooled.data as Float32Array) };
}

/**
 * transformers.js truncates after adding [CLS] and [SEP], so a cut row loses its [SEP]; sentence-transformers cuts
 * the text and keeps [SEP]. A full row that does not end in [SEP] was cut: put [SEP] back in its last place.
 */
function endTruncatedRowsWithSeparator(inputIds: Tensor, tokenizer: PreTrainedTokenizer): void {
  const [rows, width] = inputIds.dims;
  if (width < config.maxTokens) return;
  const ids = inputIds.data as BigInt64Array;
  const sep = BigInt(tokenizer.sep_token_id);
  const pad = BigInt(tokenizer.pad_token_id);
  for (let row = 0; row < rows; row++) {
    const last = row * width + width - 1;
    if (ids[last] !== sep && ids[last] !== pad) ids[last] = sep;
  }
}

// Requests run one at a time in arrival order; onnxruntime already spreads one batch over every core.
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    // In a worker thread process.exit() ends only this thread.
    queue = queue.then(() => process.exit(0));
    return;
  }
  queue = queue.then(async () => {
    let response: EmbedResponse;
    try {
      const { dimensions, vectors } = await embed(request.texts);
      response = { type: 'embedded', id: request.id, dimensions, vectors };
      port.postMessage(response, [vectors.buffer as ArrayBuffer]);
      return;
    } catch (error) {
      const modelLoaded = loading !== undefined && (await loading.then(() => true, () => false));
      if (!modelLoaded) loading = undefined;
      response = { type: 'failed', id: request.id, message: (error as Error).message ?? String(error), unavailable: !modelLoaded };
    }
    port.postMessage(response);
  });
});
