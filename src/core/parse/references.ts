import type { Reference } from '../types';

export type ReferenceKind = Reference['kind'];

export interface Mention {
  id: string;
  /** Offset in the text given to findMentions. */
  index: number;
  kind: ReferenceKind;
  /** True when the phrase reads backwards: "verified by AC-1" inside FR-1 means AC-1 VERIFIES FR-1. */
  reversed: boolean;
}

interface Phrase { re: RegExp; kind: ReferenceKind; reversed: boolean }

// Only filler may sit between a phrase and the ID, so "unit tests cover FR-1" stays a plain reference while
// "tests FR-1" verifies it.
const FILLER = String.raw`(?:\s|[:*_()[\]>=-]|\b(?:the|a|an|requirements?|reqs?|stor(?:y|ies)|criteria|criterion|items?|features?|ids?)\b)*$`;
const phrase = (words: string, kind: ReferenceKind, reversed = false): Phrase =>
  ({ re: new RegExp(String.raw`\b(?:${words})${FILLER}`), kind, reversed });

const PHRASES: Phrase[] = [
  phrase('depends? on|dependent on|dependency on|dependencies|depends|requires|required|prerequisites?|blocked by|needs', 'DEPENDS_ON'),
  phrase('blocks|required by|needed by|prerequisite (?:of|for)|enables|unblocks', 'DEPENDS_ON', true),
  phrase('refines|refinement of|parent|child of|sub-?requirement of|part of|extends|derived from', 'REFINES'),
  phrase('refined by|children|parent of', 'REFINES', true),
  phrase('implements|implementation of|realises|realizes|fulfils|fulfills|satisfies', 'IMPLEMENTS'),
  phrase('implemented by|realised by|realized by', 'IMPLEMENTS', true),
  phrase('verifies|verify|tests|validates|acceptance (?:criteria |criterion |tests? )?for|covers', 'VERIFIES'),
  phrase('verified by|tested by|validated by|covered by|acceptance(?: criteria| criterion| tests?)?', 'VERIFIES', true),
  phrase('conflicts? with|conflicting with|contradicts|incompatible with|mutually exclusive with', 'CONFLICTS_WITH'),
];

const LIST_JOINER = /^(\s|[,/&*_`]|\band\b|\bor\b|\bas well as\b|\bplus\b)*$/i;
const CLAUSE_BREAK = /[.;!?|](\s|$)|\n\s*\n/g;
const MAX_CLAUSE = 160;

/** Replaces code spans with spaces (same length) so IDs inside them are not read and offsets stay valid. */
export function blankCodeSpans(text: string): string {
  if (!text.includes('`')) return text;
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (m) => m.replace(/[^\n]/g, ' '));
}

/**
 * Every ID mentioned in text, typed by the phrase before it. A run like "depends on FR-1, FR-2 and FR-3"
 * gives all three the same kind. `find` must be a global regex.
 */
export function findMentions(text: string, find: RegExp): Mention[] {
  const clean = blankCodeSpans(text);
  const mentions: Mention[] = [];
  let prevEnd = 0;
  let prev: Mention | undefined;
  find.lastIndex = 0;
  for (let m = find.exec(clean); m; m = find.exec(clean)) {
    const gap = clean.slice(prevEnd, m.index);
    let kind: ReferenceKind = 'REFERENCES';
    let reversed = false;
    if (prev && LIST_JOINER.test(gap)) {
      kind = prev.kind;
      reversed = prev.reversed;
    } else {
      const clause = lastClause(gap).slice(-MAX_CLAUSE).toLowerCase();
      for (const p of PHRASES) {
        if (p.re.test(clause)) { kind = p.kind; reversed = p.reversed; break; }
      }
    }
    prev = { id: m[0], index: m.index, kind, reversed };
    mentions.push(prev);
    prevEnd = m.index + m[0].length;
  }
  return mentions;
}

function lastClause(gap: string): string {
  let start = 0;
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(gap); m; m = CLAUSE_BREAK.exec(gap)) start = m.index + m[0].length;
  return gap.slice(start);
}
