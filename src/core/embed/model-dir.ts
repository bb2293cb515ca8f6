// Where the MiniLM model folder lives and whether it holds what transformers.js needs.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MODEL_NAME = 'all-MiniLM-L6-v2';
export const EMBEDDING_DIMENSIONS = 384;
/** sentence-transformers truncates all-MiniLM-L6-v2 input at 256 word pieces, [CLS] and [SEP] included. */
export const MAX_SEQUENCE_TOKENS = 256;

/** The model weights in order of preference: fp32 first, the int8 quantised export as a fallback. */
export const ONNX_FILES = [
  { file: 'onnx/model.onnx', dtype: 'fp32' },
  { file: 'onnx/model_quantized.onnx', dtype: 'q8' },
] as const;
export type OnnxFile = (typeof ONNX_FILES)[number];

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const SETUP_HINT = 'run `node scripts/setup-model.mjs` or point the model folder setting to a folder that has them';

/** Raised when the model folder is absent or incomplete; the message names the folder and what is missing. */
export class ModelUnavailableError extends Error {
  constructor(readonly modelDir: string, readonly problems: string[]) {
    super(`Embedding model unavailable in ${modelDir}: ${problems.join('; ')}. To fix it, ${SETUP_HINT}.`);
    this.name = 'ModelUnavailableError';
  }
}

export function defaultModelDir(projectRoot: string): string {
  return path.join(projectRoot, '.cache', 'models', MODEL_NAME);
}

/** The ONNX weights transformers.js would load from the folder, or undefined when there are none. */
export function findOnnxFile(dir: string): OnnxFile | undefined {
  return ONNX_FILES.find((candidate) => isNonEmptyFile(path.join(dir, candidate.file)));
}

/** Problems that stop the folder from being loaded; an empty list when it looks complete. */
export function checkModelDir(dir: string): string[] {
  if (!fs.existsSync(dir)) return ['the folder does not exist'];
  if (!fs.statSync(dir).isDirectory()) return ['the path is not a folder'];
  const problems: string[] = [];
  for (const name of REQUIRED_FILES) {
    const file = path.join(dir, name);
    if (!isNonEmptyFile(file)) {
      problems.push(`${name} is missing`);
      continue;
    }
    try {
      JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${name} is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!findOnnxFile(dir)) problems.push(`no ONNX weights (${ONNX_FILES.map((o) => o.file).join(' or ')})`);
  return problems;
}

/**
 * A cache key for vectors made with the folder's weights: the file name and its byte size, so swapping fp32 for
 * int8 or for another export gives a different id without hashing 90 MB on every start.
 */
export function modelIdFor(dir: string): string {
  const onnx = findOnnxFile(dir);
  if (!onnx) return `${MODEL_NAME}@unavailable`;
  return `${MODEL_NAME}@${path.basename(onnx.file)}:${fs.statSync(path.join(dir, onnx.file)).size}`;
}

function isNonEmptyFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}
