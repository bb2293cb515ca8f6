import type { Priority, Status } from '../types';

const P_LEVELS: Record<string, Priority> = { '0': 'critical', '1': 'high', '2': 'medium', '3': 'low' };
const EMOJI_LEVELS: [string, Priority][] = [['🔴', 'critical'], ['🟠', 'high'], ['🟡', 'medium'], ['🟢', 'low']];
const WORD_LEVELS: Record<string, Priority> = {
  critical: 'critical', highest: 'critical', blocker: 'critical', urgent: 'critical',
  high: 'high', medium: 'medium', normal: 'medium', moderate: 'medium', low: 'low', lowest: 'low', minor: 'low',
  must: 'critical', should: 'high', could: 'medium', "won't": 'low', wont: 'low',
};

function priorityWord(word: string): Priority | undefined {
  const w = word.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[*_`]/g, '').trim();
  const p = /^p([0-3])$/.exec(w);
  if (p) return P_LEVELS[p[1]];
  const moscow = /^(must|should|could|won'?t)(?:[- ]have)?$/.exec(w);
  if (moscow) return WORD_LEVELS[moscow[1]];
  if (/^nice[- ]to[- ]have$/.test(w)) return 'medium';
  return WORD_LEVELS[w.replace(/\s*priority$/, '')];
}

/**
 * Priority marked explicitly in a heading, ID, label or table cell: `Priority: High`, P0–P3, 🔴/🟠/🟡/🟢,
 * MoSCoW ("Must have" -> critical ... "Won't have" -> low), or a cell that is just "High". Free prose is not
 * read for words like "must": a requirement that says "users must log in" is not thereby critical.
 */
export function detectPriority(text: string): Priority | undefined {
  const explicit = /priority/i.test(text) ? /\bpriority\s*[:=]\s*\**\s*([\p{L}\p{N}'’-]+(?:[- ]have)?)/iu.exec(text) : null;
  if (explicit) {
    const p = priorityWord(explicit[1]);
    if (p) return p;
  }
  const pLevel = /(?<![A-Za-z0-9])P([0-3])(?![A-Za-z0-9.])/.exec(text);
  if (pLevel) return P_LEVELS[pLevel[1]];
  for (const [emoji, p] of EMOJI_LEVELS) if (text.includes(emoji)) return p;
  const moscow = /\b(must|should|could|won['’]?t)[- ]have\b|\bnice[- ]to[- ]have\b/i.exec(text);
  if (moscow) return priorityWord(moscow[0].replace(/[- ]have$/i, '').replace(/^nice.*/i, 'nice-to-have'));
  const bare = text.replace(/[^\p{L}\p{N}'’ ]+/gu, ' ').trim();
  return bare && bare.split(/\s+/).length <= 2 ? priorityWord(bare) : undefined;
}

const STATUS_WORDS: [RegExp, Status][] = [
  [/^(done|complete|completed|implemented|shipped|finished|resolved|closed|✅)$/, 'done'],
  [/^(in[- ]progress|wip|ongoing|started|in development|in review|partial|partially (done|complete|implemented))$/, 'in_progress'],
  [/^(blocked|on hold|stalled)$/, 'blocked'],
  [/^(deprecated|obsolete|removed|superseded|cancell?ed|rejected)$/, 'deprecated'],
  [/^(draft|wip draft)$/, 'draft'],
  [/^(proposed|proposal|under review|in discussion)$/, 'proposed'],
  [/^(approved|accepted|agreed|signed off)$/, 'approved'],
  [/^(open|todo|to do|not started|planned|pending|backlog|new)$/, 'open'],
];

/** A status word on its own (a table cell, a front-matter value, a heading like "In Progress"). */
export function statusWord(text: string): Status | undefined {
  if (text.length > 40) return undefined;
  const w = text.toLowerCase().replace(/[*_`[\]()]/g, '').replace(/\s+/g, ' ').trim();
  if (w.includes('✅')) return 'done';
  const plain = w.replace(/[^\p{L}\p{N} -]+/gu, ' ').replace(/\s+/g, ' ').trim();
  for (const [re, status] of STATUS_WORDS) if (re.test(plain)) return status;
  return undefined;
}

/** Status marked explicitly: `Status: In progress`, or a bracketed marker such as "(Blocked)" / "[Done]". */
export function detectStatus(text: string): Status | undefined {
  return explicitStatus(text) ?? bracketStatus(text);
}

/** A `Status: ...` label anywhere in the text. */
export function explicitStatus(text: string): Status | undefined {
  const explicit = /\bstatus\s*\**\s*[:=]\s*\**\s*([^\n|;,.*]+)/i.exec(text);
  return explicit ? leadingStatus(explicit[1]) : undefined;
}

function bracketStatus(text: string): Status | undefined {
  const bracket = /[([]\s*([\p{L} -]{3,20})\s*[)\]]/gu;
  for (let m = bracket.exec(text); m; m = bracket.exec(text)) {
    const s = statusWord(m[1]);
    if (s) return s;
  }
  return undefined;
}

/** The status named by the first one to three words of a value: "Blocked by legal" -> blocked. */
function leadingStatus(value: string): Status | undefined {
  const words = value.trim().split(/\s+/);
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const s = statusWord(words.slice(0, n).join(' '));
    if (s) return s;
  }
  return undefined;
}
