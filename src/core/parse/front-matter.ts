import { parseDocument } from 'yaml';
import type { ParseWarning, Priority, Status } from '../types';
import { detectPriority, statusWord } from './markers';

export interface FrontMatter {
  data: Record<string, unknown>;
  /** Number of lines the block occupies (0 when there is none); the parser blanks them out. */
  lineCount: number;
  title?: string;
  status?: Status;
  owner?: string;
  version?: string;
  priority?: Priority;
  tags: string[];
}

export function readFrontMatter(file: string, text: string, warnings: ParseWarning[]): FrontMatter {
  const none: FrontMatter = { data: {}, lineCount: 0, tags: [] };
  if (!/^---[ \t]*\n/.test(text)) return none;
  const lines = text.split('\n');
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)[ \t]*$/.test(lines[i])) { close = i; break; }
  }
  // A lone '---' opening a file with no closing fence is a thematic break, not front matter.
  if (close < 0) return none;
  const lineCount = close + 1;
  const yamlText = lines.slice(1, close).join('\n');
  const doc = parseDocument(yamlText, { prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    // The YAML starts on the file's second line, after the opening '---'.
    const line = yamlText.slice(0, err.pos[0]).split('\n').length + 1;
    warnings.push({ file, line, message: `${file}:${line}: invalid YAML front matter (${firstLine(err.message)}); front matter ignored` });
    return { ...none, lineCount };
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { ...none, lineCount };
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push({ file, line: 1, message: `${file}:1: front matter is not a key/value mapping; ignored` });
    return { ...none, lineCount };
  }
  const data = value as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() || undefined : undefined);
  const tagsValue = data.tags ?? data.keywords;
  const tags = Array.isArray(tagsValue)
    ? tagsValue.map((t) => str(t)).filter((t): t is string => !!t)
    : (str(tagsValue)?.split(/[,\s]+/).filter(Boolean) ?? []);
  const fm: FrontMatter = { data, lineCount, title: str(data.title), owner: str(data.owner ?? data.author), version: str(data.version), tags };
  const status = str(data.status);
  if (status) {
    fm.status = statusWord(status);
    if (!fm.status) warnings.push({ file, line: 1, message: `${file}: front matter status "${status}" is not one of draft, proposed, approved, open, in progress, blocked, done, deprecated` });
  }
  const priority = str(data.priority);
  if (priority) {
    fm.priority = detectPriority(priority);
    if (!fm.priority) warnings.push({ file, line: 1, message: `${file}: front matter priority "${priority}" is not recognised (use P0-P3, critical/high/medium/low or MoSCoW)` });
  }
  return fm;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
