import type { LineRange } from '../types';

/** One source line kept for a chunk: its 1-based number and its text. */
export interface SourceLine { line: number; text: string }

export interface TextPart { text: string; lines: LineRange }

interface Unit { text: string; start: number; end: number; sep: string }

/**
 * Splits a chunk's lines into parts whose `prefix + text` stays within maxTokens: at blank lines (outside code
 * fences) first, then at lines, then at words, repeating `overlap` units at the start of the next part.
 * A single word longer than the budget is emitted on its own rather than cut.
 */
export function splitIntoParts(
  lines: SourceLine[], prefix: string, countTokens: (text: string) => number, maxTokens: number, overlap: number,
): TextPart[] {
  const paragraphs = toParagraphs(lines);
  if (!paragraphs.length) return [];
  const whole = join(paragraphs);
  if (countTokens(prefix + whole) <= maxTokens) return [{ text: whole, lines: range(paragraphs) }];
  const fits = (units: Unit[]) => countTokens(prefix + join(units)) <= maxTokens;
  const units: Unit[] = [];
  for (const p of paragraphs) {
    if (fits([p])) { units.push(p); continue; }
    let first = true;
    for (const l of p.text.split('\n').map((text, i): Unit => ({ text, start: p.start + i, end: p.start + i, sep: '\n' }))) {
      if (first) { l.sep = p.sep; first = false; }
      if (fits([l])) { units.push(l); continue; }
      l.text.split(/\s+/).filter(Boolean).forEach((word, i) => units.push({ text: word, start: l.start, end: l.end, sep: i ? ' ' : l.sep }));
    }
  }
  return pack(units, prefix, countTokens, maxTokens, overlap);
}

/**
 * Greedy packing by each unit's own count, then one check of the joined part (counts need not add up exactly:
 * separators and word pieces at the joins), giving back units until it fits. Each part takes at least one new unit.
 */
function pack(units: Unit[], prefix: string, countTokens: (text: string) => number, maxTokens: number, overlap: number): TextPart[] {
  const tokens = units.map((u) => countTokens(u.text));
  const prefixTokens = countTokens(prefix);
  const parts: TextPart[] = [];
  let carried: number[] = [];
  let next = 0;
  while (next < units.length) {
    const taken = [...carried, next];
    let estimate = prefixTokens + taken.reduce((sum, i) => sum + tokens[i], 0);
    next++;
    while (next < units.length && estimate + tokens[next] <= maxTokens) {
      estimate += tokens[next];
      taken.push(next++);
    }
    let text = join(taken.map((i) => units[i]));
    while (taken.length > 1 && countTokens(prefix + text) > maxTokens) {
      if (taken.length - carried.length > 1) { taken.pop(); next--; } else { taken.shift(); carried = carried.slice(1); }
      text = join(taken.map((i) => units[i]));
    }
    const chosen = taken.map((i) => units[i]);
    parts.push({ text, lines: range(chosen) });
    carried = overlap > 0 && next < units.length ? taken.slice(-overlap) : [];
  }
  return parts;
}

function toParagraphs(lines: SourceLine[]): Unit[] {
  const out: Unit[] = [];
  let buf: SourceLine[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (buf.length) out.push({ text: buf.map((l) => l.text).join('\n'), start: buf[0].line, end: buf[buf.length - 1].line, sep: '\n\n' });
    buf = [];
  };
  for (const l of lines) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(l.text)?.[1];
    if (marker) {
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && /^\s*[`~]+\s*$/.test(l.text)) fence = undefined;
    }
    if (!fence && l.text.trim() === '') flush();
    else buf.push(l);
  }
  flush();
  return out;
}

function join(units: Unit[]): string {
  return units.map((u, i) => (i ? u.sep : '') + u.text).join('');
}

function range(units: Unit[]): LineRange {
  return { start: units[0].start, end: units[units.length - 1].end };
}
