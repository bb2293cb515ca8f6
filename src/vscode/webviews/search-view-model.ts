// What the search view shows, computed on the host from the core's hits and the index's state. No vscode import:
// the unit tests run it in plain Node.
import { requirementKey } from '../../core/graph/requirement-graph';
import { words } from '../../core/search/fts-query';
import { STOP_WORDS } from '../../core/search/search-engine';
import { CHUNK_TYPES, PRIORITIES, STATUSES, type SearchHit, type SearchMode } from '../../core/types';
import type { SearchViewAction, SearchViewItem, SearchViewOption, SearchViewStatus } from '../../../webview/protocol';
import type { ErrorAction, IndexState } from '../index-service';

/** The mode a list of hits came from; `similar` is Find Similar (cosine, like semantic). */
export type ResultOrigin = SearchMode | 'similar';

const SCORE_NAMES: Record<ResultOrigin, string> = { hybrid: 'fused rank', semantic: 'cosine', keyword: 'BM25', similar: 'cosine' };

/**
 * The rows of a result list. `titleOf` gives a requirement's title (the graph node's); `query` decides the
 * highlighted words. Score bars are relative to the best hit, and never grow down the list: the keyword search
 * pins an exact ID match first with score 0.
 */
export function searchViewItems(hits: readonly SearchHit[], query: string, origin: ResultOrigin, titleOf: (hit: SearchHit) => string | undefined): SearchViewItem[] {
  const best = Math.max(0, ...hits.map((hit) => hit.score));
  let floor = 0;
  const fractions = hits.map((hit) => hit.score).reverse().map((score) => (floor = Math.max(floor, score))).reverse();
  return hits.map((hit, i) => {
    const snippet = plainSnippet(hit.snippet);
    const headings = hit.headingPath[0] === hit.prdTitle ? hit.headingPath.slice(1) : [...hit.headingPath];
    const requirementTitle = hit.requirementId ? titleOf(hit) : undefined;
    // A requirement's own heading ("FR-003: Password reset") repeats its ID and title: the path shows where it sits.
    const path = hit.requirementId && headings[headings.length - 1]?.includes(hit.requirementId) ? headings.slice(0, -1) : headings;
    const item: SearchViewItem = {
      chunkKey: hit.chunkKey,
      file: hit.file,
      lines: { start: hit.lines.start, end: hit.lines.end },
      prdTitle: hit.prdTitle,
      title: requirementTitle ?? headings[headings.length - 1] ?? hit.prdTitle,
      headingPath: path.join(' › '),
      type: hit.type,
      typeLabel: optionLabel(hit.type),
      snippet,
      highlights: highlightRanges(snippet, query),
      scoreFraction: best > 0 ? fractions[i] / best : 0,
      scoreLabel: `${SCORE_NAMES[origin]} ${formatScore(hit.score)}`,
    };
    if (hit.requirementId !== undefined) {
      item.requirementId = hit.requirementId;
      item.requirementKey = requirementKey(hit.file, hit.requirementId);
    }
    if (hit.priority !== undefined) item.priority = hit.priority;
    if (hit.status !== undefined) item.status = hit.status;
    return item;
  });
}

/** The snippet as plain text: markdown bold and keyword-search match marks (both `**`) removed, spaces collapsed. */
export function plainSnippet(snippet: string): string {
  return snippet.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * [start, end) character ranges of `text` holding a word of the query, or a form of it ("meeting" finds "meetings",
 * "invoice" finds "invoices"), in order and merged. Stop words are left out unless the query has nothing else.
 */
export function highlightRanges(text: string, query: string): [number, number][] {
  const queryWords = words(query);
  const content = queryWords.filter((word) => !STOP_WORDS.has(word));
  const wanted = new Set((content.length > 0 ? content : queryWords).map(wordStem));
  if (wanted.size === 0) return [];
  const ranges: [number, number][] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!wanted.has(wordStem(match[0].toLowerCase()))) continue;
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const last = ranges[ranges.length - 1];
    // Words separated only by a space or a hyphen read as one highlighted phrase.
    if (last && /^[\s-]*$/.test(text.slice(last[1], start))) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges;
}

/** A rough English stem, enough to highlight plural and -ing/-ed forms of a query word. */
function wordStem(word: string): string {
  let stem = word;
  if (stem.length > 3 && stem.endsWith('s') && !stem.endsWith('ss')) stem = stem.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 3) {
      stem = stem.slice(0, -suffix.length);
      break;
    }
  }
  if (stem.length > 3 && stem.endsWith('e')) stem = stem.slice(0, -1);
  return stem;
}

function formatScore(score: number): string {
  return Math.abs(score) >= 1 ? score.toFixed(2) : score.toPrecision(3);
}

/** `user_story` -> `User story`. */
export function optionLabel(value: string): string {
  const spaced = value.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The filter choices: every type, priority and status the core knows, and the indexed PRDs by title. */
export function filterOptions(prds: readonly { file: string; title: string }[]): Extract<SearchViewStatus, { kind: 'ready' }>['options'] {
  const options = (values: readonly string[]): SearchViewOption[] => values.map((value) => ({ value, label: optionLabel(value) }));
  return {
    types: options(CHUNK_TYPES),
    priorities: options(PRIORITIES),
    statuses: options(STATUSES),
    files: [...prds].sort((a, b) => a.title.localeCompare(b.title)).map((prd) => ({ value: prd.file, label: prd.title || prd.file })),
  };
}

/** What the host knows about the index, from WorkspaceIndexService and the open PrdIndex. */
export interface IndexSituation {
  hasFolder: boolean;
  /** Clear Index ran and no index run has since. */
  cleared: boolean;
  state: IndexState;
  /** An index run finished since the index was opened or rebuilt. */
  ranOnce: boolean;
  /** Counts of the open index; undefined when it is not open. */
  counts: { prds: number; requirements: number } | undefined;
  prds: readonly { file: string; title: string }[];
  /** The discovery's include globs (cvprd.include). */
  include: string[];
}

const ERROR_ACTIONS: Record<ErrorAction, SearchViewAction> = { 'Open Settings': 'openSettings', 'Rebuild Index': 'rebuildIndex', 'Show Log': 'showLog' };

export function searchViewStatus(situation: IndexSituation): SearchViewStatus {
  const { state, counts } = situation;
  if (!situation.hasFolder) return { kind: 'noFolder' };
  if (state.kind === 'indexing') return { kind: 'indexing', done: state.done, total: state.total };
  if (state.kind === 'error') return { kind: 'error', message: state.message, action: ERROR_ACTIONS[state.action], actionLabel: state.action };
  if (situation.cleared || !counts) return { kind: 'notIndexed' };
  if (counts.prds === 0) return situation.ranOnce ? { kind: 'noPrds', include: situation.include } : { kind: 'notIndexed' };
  return { kind: 'ready', prds: counts.prds, requirements: counts.requirements, options: filterOptions(situation.prds) };
}
