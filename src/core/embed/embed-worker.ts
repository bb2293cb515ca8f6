// The embedding process: loads all-MiniLM-L6-v2 once from a local folder and answers EmbedRequests one at a time.
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { EmbedResponse, EmbedWorkerData, WorkerRequest } from './embed-protocol';

const config = JSON.parse(process.argv[2]) as EmbedWorkerData;
const send = process.send?.bind(process);
if (!send) throw new Error('embed-worker must run as a child process with an IPC channel (child_process.fork)');
// An embedder whose parent has gone (ended or crashed) has no one to answer.
process.on('disconnect', () => process.exit(0));

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;

interface LoadedModel { tokenizer: PreTrainedTokenizer; model: PreTrainedModel }
let loading: Promise<LoadedModel> | undefined;

function load(): Promise<LoadedModel> {
  loading ??= (async () => {
    const options = { local_files_only: true } as const;
    const tokenizer = await AutoTokenizer.from_pretrained(config.modelDir, options);
    const model = await AutoModel.from_pretrained(config.modelDir, {
      ...options, dtype: config.dtype, device: 'cpu', session_options: { enableCpuMemArena: config.memoryArena },
    });
    return { tokenizer, model };
  })();
  return loading;
}

async function embed(texts: string[]): Promise<{ dimensions: number; vectors: Float32Array }> {
  const { tokenizer, model } = await load();
  const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: config.maxTokens });
  endTruncatedRowsWithSeparator(inputs.input_ids as Tensor, tokenizer);
  const output = await model(inputs);
  return meanPoolNormalised(output.last_hidden_state as Tensor, inputs.attention_mask as Tensor);
}

/**
 * Mean of the unmasked token vectors, L2-normalised, as sentence-transformers does. transformers.js's mean_pooling
 * walks the hidden states column by column and converts every BigInt mask value, once per dimension; this reads
 * them row by row and skips the padding.
 */
function meanPoolNormalised(hidden: Tensor, attentionMask: Tensor): { dimensions: number; vectors: Float32Array } {
  const [rows, width, dimensions] = hidden.dims;
  const states = hidden.data as Float32Array;
  const mask = attentionMask.data as BigInt64Array;
  const vectors = new Float32Array(rows * dimensions);
  const sum = new Float64Array(dimensions);
  for (let row = 0; row < rows; row++) {
    sum.fill(0);
    for (let t = 0; t < width; t++) {
      if (mask[row * width + t] === 0n) continue;
      const offset = (row * width + t) * dimensions;
      for (let d = 0; d < dimensions; d++) sum[d] += states[offset + d];
    }
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += sum[d] * sum[d];
    // Dividing by the token count would not change the direction, so normalising the sum is enough.
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dimensions; d++) vectors[row * dimensions + d] = sum[d] * scale;
  }
  return { dimensions, vectors };
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

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    queue = queue.then(() => process.exit(0));
    return;
  }
  queue = queue.then(async () => {
    let response: EmbedResponse;
    try {
      const { dimensions, vectors } = await embed(request.texts);
      response = { type: 'embedded', id: request.id, dimensions, vectors };
      send(response);
      return;
    } catch (error) {
      const modelLoaded = loading !== undefined && (await loading.then(() => true, () => false));
      if (!modelLoaded) loading = undefined;
      response = { type: 'failed', id: request.id, message: (error as Error).message ?? String(error), unavailable: !modelLoaded };
    }
    send(response);
  });
});
