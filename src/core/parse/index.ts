import type { ParseOptions } from '../types';
import { DEFAULT_ID_PATTERNS } from './id-patterns';

export { decodePrdBytes, type DecodeResult } from './decode';
export { parsePrd, PREAMBLE_KEY } from './parse-prd';
export { docxToMarkdown } from './docx';
export { classifyChunk, classifyHeading } from './classify';
export { detectPriority, detectStatus } from './markers';
export { compileIdPatterns, DEFAULT_ID_PATTERNS, InvalidIdPatternError, type CompiledIdPatterns } from './id-patterns';

/** A rough stand-in (about 1.3 word pieces per word) until the indexer supplies the model's tokenizer. */
export function estimateTokens(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.ceil(words * 1.3);
}

export function defaultParseOptions(countTokens: (text: string) => number = estimateTokens): ParseOptions {
  return { idPatterns: [...DEFAULT_ID_PATTERNS], countTokens, maxTokens: 256, overlapParagraphs: 1 };
}
