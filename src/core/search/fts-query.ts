/** A pasted page of text still makes a query SQLite answers quickly. */
const MAX_TERMS = 64;

/**
 * Turns what a user typed into FTS5 query text that cannot be a syntax error: every whitespace-separated word
 * becomes a quoted string (quotes inside doubled), so operators (AND, OR, NOT, NEAR), `*`, `:`, `-`, `^`, `+`
 * and parentheses are searched as text. Words without a letter or digit are dropped, since FTS5 would find
 * no token in them; words after the 64th are ignored. `terms` lists the words kept; match is '' when none is left.
 */
export function toFtsQuery(userText: string, join: 'AND' | 'OR' = 'AND'): { match: string; terms: string[] } {
  const terms = userText.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).slice(0, MAX_TERMS);
  const match = terms.map((word) => `"${word.replace(/"/g, '""')}"`).join(` ${join} `);
  return { match, terms };
}

/** Words of a text, lower case, for matching a query against sentences. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
