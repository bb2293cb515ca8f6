import { performance } from 'node:perf_hooks';
import type { ChunkWithPrd, PrdStore } from '../store/prd-store';
import type { SearchFilters, SearchHit, SearchMode, VectorIndex } from '../types';
import { toFtsQuery, words } from './fts-query';

export interface SearchEngineDeps {
  store: PrdStore;
  vectors: VectorIndex;
  embedQuery: (text: string) => Promise<Float32Array>;
  /** Chunk keys of the DEPENDS_ON neighbours of the given chunks. */
  graphNeighbours?: (chunkKeys: string[]) => Promise<string[]>;
  /** Model whose stored vectors similarTo uses; any stored model when left out. */
  modelId?: string;
  /** Marks around matched words in keyword snippets. */
  highlight?: { open: string; close: string };
}

export interface SearchOptions {
  mode?: SearchMode;
  k?: number;
  filters?: SearchFilters;
  /** Append the DEPENDS_ON neighbours of the hits (via: 'expansion', score 0) after the k matches. */
  expandDependencies?: boolean;
}

export interface SearchResult {
  hits: SearchHit[];
  tookMs: number;
  /** Set when hybrid search fell back to keywords because the query could not be embedded. */
  warning?: string;
}

export const RRF_K = 60;
const SNIPPET_CHARS = 200;

/**
 * English function words (Lucene's stop set plus pronouns, question words and auxiliaries). Left out of the
 * any-word keyword query only: they are in almost every chunk, so BM25 gives them next to no weight, yet FTS5 must
 * score every chunk holding one, which at 100k chunks costs hundreds of milliseconds per query.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set((
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this ' +
  'to was will with i me my we our us you your he him his she her its them what which who whom when where why how ' +
  'can do does did so from has have had been were all any some each should would could than too very just also'
).split(' '));

/** Reciprocal rank fusion: score(d) = sum over lists of 1 / (rrfK + rank of d in that list), rank from 1. */
export function reciprocalRankFusion(lists: string[][], rrfK = RRF_K): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((key, i) => fused.set(key, (fused.get(key) ?? 0) + 1 / (rrfK + i + 1)));
  }
  return fused;
}

/** The sentence of text sharing most words with the query, else the start of the text; at most ~200 characters. */
export function bestSentence(text: string, query: string): string {
  const wanted = new Set(words(query));
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
  let best = '';
  let bestScore = 0;
  for (const sentence of sentences) {
    const score = new Set(words(sentence).filter((w) => wanted.has(w))).size;
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  const chosen = (bestScore > 0 ? best : text.trim()).replace(/\s+/g, ' ');
  return chosen.length <= SNIPPET_CHARS ? chosen : `${chosen.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`;
}

export function matchesFilters(chunk: ChunkWithPrd, filters: SearchFilters | undefined): boolean {
  const ok = <T>(values: readonly T[] | undefined, value: T | undefined): boolean =>
    !values || values.length === 0 || (value !== undefined && values.includes(value));
  return ok(filters?.files, chunk.file) && ok(filters?.types, chunk.type) && ok(filters?.priorities, chunk.priority)
    && ok(filters?.statuses, chunk.status)
    && (!filters?.tags || filters.tags.length === 0 || chunk.tags.some((t) => filters.tags!.includes(t)));
}

interface Ranked {
  key: string;
  score: number;
  snippet?: string;
}

/**
 * Keyword (FTS5 BM25), semantic (vectors) and hybrid (reciprocal rank fusion of both) search over the store.
 * Scores are comparable only within one mode: BM25 (keyword), cosine (semantic), fused RRF (hybrid).
 * A query that is exactly a requirement ID puts that requirement first in keyword and hybrid mode.
 */
export class SearchEngine {
  constructor(private readonly deps: SearchEngineDeps) {}

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const started = performance.now();
    const mode = options.mode ?? 'hybrid';
    const k = Math.max(1, Math.floor(options.k ?? 10));
    const filters = options.filters;
    const text = query.trim();
    if (!text) return { hits: [], tookMs: performance.now() - started };
    let ranked: Ranked[];
    let warning: string | undefined;
    if (mode === 'keyword') {
      ranked = this.keywordRanked(text, k, filters);
    } else if (mode === 'semantic') {
      ranked = await this.semanticRanked(text, k, filters);
    } else if (mode === 'hybrid') {
      const depth = 4 * k;
      const keyword = this.keywordRanked(text, depth, filters);
      let semantic: Ranked[] = [];
      try {
        semantic = await this.semanticRanked(text, depth, filters);
      } catch (err) {
        warning = `Semantic search is unavailable (${(err as Error).message}); showing keyword matches only.`;
      }
      const exact = this.deps.store.chunkKeysByRequirementId(text, filters);
      const fused = reciprocalRankFusion([exact, keyword.map((r) => r.key), semantic.map((r) => r.key)]);
      ranked = [...fused].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score).slice(0, k);
    } else {
      throw new Error(`Unknown search mode "${mode}" (expected hybrid, semantic or keyword)`);
    }
    const hits = this.toHits(ranked, text, 'match');
    if (options.expandDependencies && this.deps.graphNeighbours && hits.length > 0) {
      const present = new Set(hits.map((h) => h.chunkKey));
      const neighbours = (await this.deps.graphNeighbours(hits.map((h) => h.chunkKey))).filter((key) => !present.has(key));
      const extra = [...new Set(neighbours)].map((key) => ({ key, score: 0 }));
      hits.push(...this.toHits(extra, text, 'expansion', filters));
    }
    return { hits, tookMs: performance.now() - started, ...(warning ? { warning } : {}) };
  }

  /** Chunks whose vectors are nearest to the given chunk's own, excluding itself. */
  async similarTo(chunkKey: string, k: number, filters?: SearchFilters): Promise<SearchHit[]> {
    const vector = this.deps.store.chunkVector(chunkKey, this.deps.modelId);
    if (!vector) throw new Error(`No embedding is stored for chunk ${chunkKey}; re-index its file.`);
    const found = await this.deps.vectors.search(vector, k + 1, filters);
    const ranked = found.filter((h) => h.key !== chunkKey).slice(0, k);
    return this.toHits(ranked, '', 'match');
  }

  /** Requirement-ID matches first, then chunks matching every word, then chunks matching some word (not a stop word). */
  private keywordRanked(text: string, limit: number, filters: SearchFilters | undefined): Ranked[] {
    const { store, highlight } = this.deps;
    const all = toFtsQuery(text, 'AND');
    if (!all.match) return [];
    const rows = store.ftsSearch(all.match, limit, filters, highlight);
    if (rows.length < limit && all.terms.length > 1) {
      const seen = new Set(rows.map((r) => r.key));
      const content = all.terms.filter((term) => !words(term).every((word) => STOP_WORDS.has(word)));
      const any = toFtsQuery((content.length > 0 ? content : all.terms).join(' '), 'OR');
      for (const row of store.ftsSearch(any.match, limit, filters, highlight)) {
        if (rows.length >= limit) break;
        if (!seen.has(row.key)) rows.push(row);
      }
    }
    const exact = store.chunkKeysByRequirementId(text, filters);
    if (exact.length === 0) return rows;
    const pinned = new Set(exact);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const first = exact.map((key) => byKey.get(key) ?? { key, score: 0 });
    return [...first, ...rows.filter((r) => !pinned.has(r.key))].slice(0, limit);
  }

  private async semanticRanked(text: string, limit: number, filters: SearchFilters | undefined): Promise<Ranked[]> {
    const vector = await this.deps.embedQuery(text);
    return this.deps.vectors.search(vector, limit, filters);
  }

  private toHits(ranked: Ranked[], query: string, via: SearchHit['via'], filters?: SearchFilters): SearchHit[] {
    const chunks = new Map(this.deps.store.chunksWithPrd(ranked.map((r) => r.key)).map((c) => [c.key, c]));
    const hits: SearchHit[] = [];
    for (const r of ranked) {
      const chunk = chunks.get(r.key);
      if (!chunk || !matchesFilters(chunk, filters)) continue;
      const hit: SearchHit = {
        chunkKey: chunk.key, file: chunk.file, prdTitle: chunk.prdTitle, lines: chunk.lines, headingPath: chunk.headingPath,
        type: chunk.type, snippet: r.snippet ?? bestSentence(chunk.text, query), score: r.score, via,
      };
      if (chunk.requirementId !== undefined) hit.requirementId = chunk.requirementId;
      if (chunk.priority !== undefined) hit.priority = chunk.priority;
      if (chunk.status !== undefined) hit.status = chunk.status;
      hits.push(hit);
    }
    return hits;
  }
}
