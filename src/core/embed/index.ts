export { MiniLmEmbedder, type MiniLmEmbedderOptions } from './minilm-embedder';
export { loadTokenCounter } from './token-counter';
export {
  EMBEDDING_DIMENSIONS, MAX_SEQUENCE_TOKENS, MODEL_NAME, ModelUnavailableError, checkModelDir, defaultModelDir,
  findOnnxFile, modelIdFor,
} from './model-dir';
