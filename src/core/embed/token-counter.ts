// Counts word pieces with the model's own tokenizer.json, in the calling thread. It uses the pure-JS tokenizer that
// transformers.js itself wraps, so the calling thread loads neither onnxruntime nor the weights.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelUnavailableError } from './model-dir';

/**
 * Resolves to a function giving the number of word pieces the model sees for a text, [CLS] and [SEP] included,
 * without truncation: a result <= MAX_SEQUENCE_TOKENS (256) means nothing is cut off.
 */
export async function loadTokenCounter(modelDir: string): Promise<(text: string) => number> {
  const dir = path.resolve(modelDir);
  const read = async (name: string): Promise<object> => {
    const file = path.join(dir, name);
    try {
      return JSON.parse(await fs.promises.readFile(file, 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(error as Error).message})`;
      throw new ModelUnavailableError(dir, [`${name} ${reason}`]);
    }
  };
  const [tokenizerJson, tokenizerConfig] = await Promise.all([read('tokenizer.json'), read('tokenizer_config.json')]);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (error) {
    throw new ModelUnavailableError(dir, [`tokenizer.json is not a usable tokenizer (${(error as Error).message})`]);
  }
  return (text: string) => tokenizer.encode(text).ids.length;
}
