/** Requirement ID shapes recognised when the user configures none. Each source must match a whole ID. */
export const DEFAULT_ID_PATTERNS: readonly string[] = [
  'OT-P[0-3]-\\d{1,5}',
  '(?:FR|NFR|REQ|US|AC|UC|BR)-\\d{1,5}(?:\\.\\d{1,5})*',
];

export class InvalidIdPatternError extends Error {
  constructor(readonly pattern: string, reason: string) {
    super(`Invalid requirement ID pattern "${pattern}": ${reason}`);
    this.name = 'InvalidIdPatternError';
  }
}

export interface CompiledIdPatterns {
  readonly sources: readonly string[];
  /** Finds IDs anywhere in a text (global, not touching letters, digits, '_' or '-' on either side). */
  readonly find: RegExp;
  /** Matches a string that is exactly one ID. */
  readonly whole: RegExp;
  /** Sticky: matches an ID starting exactly at lastIndex. */
  readonly at: RegExp;
}

const cache = new Map<string, CompiledIdPatterns>();

export function compileIdPatterns(patterns: readonly string[]): CompiledIdPatterns {
  const cacheKey = JSON.stringify(patterns);
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.trim() === '') throw new InvalidIdPatternError(String(pattern), 'the pattern is empty');
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch (err) {
      throw new InvalidIdPatternError(pattern, (err as Error).message);
    }
    if (re.test('')) throw new InvalidIdPatternError(pattern, 'it matches the empty string, so every word would be an ID');
  }
  const alternation = patterns.length ? patterns.map((p) => `(?:${p})`).join('|') : '(?!)';
  const compiled: CompiledIdPatterns = {
    sources: [...patterns],
    find: new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${alternation})(?![\\p{L}\\p{N}_-])`, 'gu'),
    whole: new RegExp(`^(?:${alternation})$`, 'u'),
    at: new RegExp(`(?<![\\p{L}\\p{N}_-])(?:${alternation})(?![\\p{L}\\p{N}_-])`, 'uy'),
  };
  cache.set(cacheKey, compiled);
  return compiled;
}
