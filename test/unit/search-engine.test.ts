import { strict as assert } from 'node:assert';
import { SearchEngine, reciprocalRankFusion, bestSentence } from '../../src/core/search/search-engine';
import { toFtsQuery } from '../../src/core/search/fts-query';
import { EmbeddedVectorIndex } from '../../src/core/store/embedded-vector-index';
import { PrdStore, chunkTextHash } from '../../src/core/store/prd-store';
import type { Chunk, ChunkType, ParsedPrd, Priority, SearchMode, Status } from '../../src/core/types';

const MODEL = 'concept-test-model';

/**
 * A deterministic stand-in for the embedding model: one axis per concept, so texts about the same concept are
 * close even when they share no word (what semantic search adds over keywords).
 */
const CONCEPTS: string[][] = [
  ['sign', 'login', 'password', 'credentials', 'account', 'authentication', 'lock', 'lockout'],
  ['invoice', 'invoices', 'pay', 'payment', 'card', 'billing', 'money', 'refund'],
  ['search', 'find', 'query', 'results', 'documents'],
  ['export', 'exported', 'csv', 'pdf', 'download', 'emailed', 'e-mailed'],
  ['fast', 'ms', 'latency', 'performance', 'slow', 'quickly'],
];

function embed(text: string): Float32Array {
  const words = text.toLowerCase().match(/[a-z0-9-]+/g) ?? [];
  const v = new Float32Array(CONCEPTS.length + 1);
  v[CONCEPTS.length] = 0.05;
  for (const w of words) CONCEPTS.forEach((axis, i) => { if (axis.includes(w)) v[i] += 1; });
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

interface ReqSpec { id: string; text: string; section?: string; type?: ChunkType; priority?: Priority; status?: Status; tags?: string[] }

function buildPrd(file: string, title: string, overview: string, reqs: ReqSpec[]): ParsedPrd {
  const chunks: Chunk[] = [];
  const add = (c: Omit<Chunk, 'embedText' | 'part'>) =>
    chunks.push({ ...c, part: 0, embedText: `${title}\n${c.headingPath.join(' > ')}\n${c.text}` });
  add({
    key: `${file}::sec:Overview`, kind: 'section', text: overview, type: 'overview', tags: [], sectionKey: 'Overview',
    headingPath: [title, 'Overview'], lines: { start: 3, end: 4 },
  });
  reqs.forEach((r, i) => {
    const section = r.section ?? 'Requirements';
    add({
      key: `${file}::req:${r.id}`, kind: 'requirement', text: `${r.id}: ${r.text}`, type: r.type ?? 'requirement',
      ...(r.priority ? { priority: r.priority } : {}), ...(r.status ? { status: r.status } : {}), tags: r.tags ?? [],
      requirementId: r.id, sectionKey: section, headingPath: [title, section], lines: { start: 10 + i, end: 10 + i },
    });
  });
  return {
    file, meta: { title, tags: [], frontMatter: {} }, sections: [], requirements: [], references: [], fileLinks: [],
    chunks, warnings: [],
  };
}

const PRDS = [
  buildPrd('accounts.md', 'Accounts', 'This PRD describes how people get into the product.', [
    { id: 'AUTH-001', text: 'Users sign in with email and password.', priority: 'critical', status: 'open', tags: ['security'] },
    { id: 'AUTH-002', text: 'Lock the account after five failed sign-in attempts.', section: 'Lockout', type: 'constraint', priority: 'high' },
    {
      id: 'AUTH-003', type: 'non_functional', priority: 'low', text: 'Staff may reset a lockout.' },
  ]),
  buildPrd('billing.md', 'Billing', 'Invoices, invoices and more invoices: money in and money out.', [
    { id: 'BILL-001', text: 'Invoices are emailed monthly as PDF. Before anything leaves, the finance team checks totals, rounding, '
      + 'currency codes, customer names, addresses, purchase order numbers and due dates.', priority: 'medium', status: 'done', tags: ['finance'] },
    { id: 'BILL-002', text: 'Customers pay by card; a failed payment is retried.', priority: 'critical' },
    { id: 'BILL-003', text: 'Every month the invoices are e-mailed, as a PDF.', priority: 'low', tags: ['finance'] },
  ]),
  buildPrd('search.md', 'Search', 'Finding things across documents.', [
    { id: 'SRCH-001', text: 'Full-text search over documents returns results in under 200 ms.', priority: 'high', type: 'feature' },
    { id: 'SRCH-002', text: 'Search results can be exported as CSV; access follows AUTH-001.', priority: 'medium', type: 'feature' },
    { id: 'SRCH-003', text: 'Email email email email email email.', section: 'Email', priority: 'low', type: 'feature' },
  ]),
];

const key = (file: string, id: string) => `${file}::req:${id}`;
const MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];

describe('SearchEngine', () => {
  let store: PrdStore;
  let engine: SearchEngine;
  const neighbourCalls: string[][] = [];

  before(() => {
    store = PrdStore.open(':memory:');
    for (const prd of PRDS) {
      const vectors = new Map(prd.chunks.map((c) => [chunkTextHash(c.embedText), embed(c.embedText)]));
      store.replaceFile({ path: prd.file, size: 1, mtimeMs: 1, contentHash: prd.file }, prd, vectors, MODEL);
    }
    const dependsOn: Record<string, string[]> = { [key('accounts.md', 'AUTH-002')]: [key('accounts.md', 'AUTH-001')] };
    engine = new SearchEngine({
      store,
      vectors: EmbeddedVectorIndex.fromStore(store, MODEL),
      embedQuery: async (text) => embed(text),
      graphNeighbours: async (keys) => {
        neighbourCalls.push(keys);
        return keys.flatMap((k) => dependsOn[k] ?? []);
      },
      modelId: MODEL,
    });
  });
  after(() => store.close());

  it('keyword search finds the words, highlights them and fills every field of the hit', async () => {
    const { hits, tookMs } = await engine.search('password', { mode: 'keyword' });
    assert.ok(tookMs >= 0);
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0], {
      chunkKey: key('accounts.md', 'AUTH-001'), file: 'accounts.md', prdTitle: 'Accounts', lines: { start: 10, end: 10 },
      headingPath: ['Accounts', 'Requirements'], requirementId: 'AUTH-001', type: 'requirement', priority: 'critical',
      status: 'open', snippet: hits[0].snippet, score: hits[0].score, via: 'match',
    });
    assert.match(hits[0].snippet, /\*\*password\*\*/);
    assert.ok(hits[0].score > 0);
  });

  it('keyword search puts chunks with every word before chunks with some, and weighs headings over body text', async () => {
    const both = await engine.search('invoices emailed', { mode: 'keyword' });
    assert.equal(both.hits[0].requirementId, 'BILL-001');
    assert.ok(both.hits.some((h) => h.chunkKey === 'billing.md::sec:Overview'), 'chunks with some of the words follow');
    const anyWord = store.ftsSearch(toFtsQuery('invoices emailed', 'OR').match, 10);
    assert.notEqual(anyWord[0].key, key('billing.md', 'BILL-001'), 'plain BM25 over any word would rank another chunk first');
    const lockout = await engine.search('lockout', { mode: 'keyword' });
    assert.deepEqual(lockout.hits.map((h) => h.requirementId), ['AUTH-002', 'AUTH-003']);
  });

  it('an exact requirement ID ranks that requirement first, in keyword and hybrid mode, in any case', async () => {
    for (const query of ['AUTH-001', 'auth-001', ' AUTH-001 ']) {
      for (const mode of ['keyword', 'hybrid'] as const) {
        const { hits } = await engine.search(query, { mode });
        assert.equal(hits[0].chunkKey, key('accounts.md', 'AUTH-001'), `${mode} "${query}"`);
        assert.ok(hits.some((h) => h.requirementId === 'SRCH-002'), `${mode} also finds the mention in SRCH-002`);
      }
    }
  });

  it('user text with FTS5 syntax never raises a syntax error', async () => {
    const hostile = ['"unbalanced', 'NEAR(password', 'pass*', 'title:password', '-password', '(password OR', 'AND', 'NOT',
      ':', '"', '*', '()', 'password" OR "x', 'sign-in AND (lock', "l'account", '^password', 'a + b', '{password}'];
    for (const query of hostile) {
      for (const mode of MODES) await engine.search(query, { mode });
    }
    for (const query of ['-password', '(password', '{password}', 'password"']) {
      const { hits } = await engine.search(query, { mode: 'keyword' });
      assert.equal(hits[0]?.requirementId, 'AUTH-001', query);
    }
    assert.deepEqual(toFtsQuery('say "hi" NEAR(x'), { match: '"say" AND """hi""" AND "NEAR(x"', terms: ['say', '"hi"', 'NEAR(x'] });
    assert.equal(toFtsQuery(' * : - ').match, '');
  });

  it('semantic search finds meaning without shared words; keyword search cannot', async () => {
    assert.deepEqual((await engine.search('credentials', { mode: 'keyword' })).hits, []);
    const { hits } = await engine.search('credentials', { mode: 'semantic', k: 3 });
    assert.equal(hits.length, 3);
    assert.ok(hits.every((h) => h.file === 'accounts.md'), JSON.stringify(hits.map((h) => h.chunkKey)));
    assert.ok(hits[0].score >= hits[1].score && hits[1].score >= hits[2].score);
  });

  it('hybrid fuses both lists: a chunk found by both comes first, chunks found by one still appear', async () => {
    const keyword = (await engine.search('card credentials', { mode: 'keyword', k: 40 })).hits.map((h) => h.chunkKey);
    const semantic = (await engine.search('card credentials', { mode: 'semantic', k: 40 })).hits.map((h) => h.chunkKey);
    const { hits } = await engine.search('card credentials', { mode: 'hybrid', k: 10 });
    assert.equal(hits[0].chunkKey, key('billing.md', 'BILL-002'));
    assert.ok(hits.some((h) => h.file === 'accounts.md'), 'semantic-only hits are kept');
    const expected = reciprocalRankFusion([keyword, semantic]);
    for (const hit of hits) assert.ok(Math.abs(hit.score - expected.get(hit.chunkKey)!) < 1e-12);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  });

  it('mode, filters and k behave as a user expects in every mode', async () => {
    for (const mode of MODES) {
      const all = await engine.search('payment invoices password search export', { mode, k: 50 });
      assert.ok(all.hits.length >= 4, mode);
      const two = await engine.search('payment invoices password search export', { mode, k: 2 });
      assert.equal(two.hits.length, 2, `${mode} k=2`);
      const defaultK = await engine.search('the', { mode });
      assert.ok(defaultK.hits.length <= 10, mode);

      const critical = await engine.search('payment invoices password search export', { mode, k: 50, filters: { priorities: ['critical'] } });
      assert.deepEqual(critical.hits.map((h) => h.requirementId).sort(), ['AUTH-001', 'BILL-002'], mode);
      const billing = await engine.search('payment invoices password search export', { mode, k: 50, filters: { files: ['billing.md'] } });
      assert.ok(billing.hits.length > 0 && billing.hits.every((h) => h.file === 'billing.md'), mode);
      const finance = await engine.search('payment invoices password search export', {
        mode, k: 50, filters: { tags: ['finance'], statuses: ['done'] },
      });
      assert.deepEqual(finance.hits.map((h) => h.requirementId), ['BILL-001'], mode);
      const features = await engine.search('payment invoices password search export', { mode, k: 50, filters: { types: ['feature'] } });
      assert.ok(features.hits.length > 0 && features.hits.every((h) => h.type === 'feature'), mode);
    }
    assert.deepEqual((await engine.search('   ', {})).hits, []);
    await assert.rejects(engine.search('x', { mode: 'fuzzy' as SearchMode }), /fuzzy/);
  });

  it('expandDependencies appends DEPENDS_ON neighbours after the matches', async () => {
    const plain = await engine.search('five failed attempts', { mode: 'keyword', k: 1 });
    assert.deepEqual(plain.hits.map((h) => [h.requirementId, h.via]), [['AUTH-002', 'match']]);
    const expanded = await engine.search('five failed attempts', { mode: 'keyword', k: 1, expandDependencies: true });
    assert.deepEqual(expanded.hits.map((h) => [h.requirementId, h.via]), [['AUTH-002', 'match'], ['AUTH-001', 'expansion']]);
    assert.deepEqual(neighbourCalls.at(-1), [key('accounts.md', 'AUTH-002')]);
    const filtered = await engine.search('five failed attempts', {
      mode: 'keyword', k: 1, expandDependencies: true, filters: { priorities: ['high'] },
    });
    assert.deepEqual(filtered.hits.map((h) => h.requirementId), ['AUTH-002'], 'expansions obey the filters too');
  });

  it('similarTo finds near-duplicates of a chunk, never the chunk itself', async () => {
    const similar = await engine.similarTo(key('billing.md', 'BILL-001'), 3);
    assert.equal(similar.length, 3);
    assert.equal(similar[0].chunkKey, key('billing.md', 'BILL-003'));
    assert.ok(similar.every((h) => h.chunkKey !== key('billing.md', 'BILL-001')));
    const elsewhere = await engine.similarTo(key('billing.md', 'BILL-001'), 3, { files: ['search.md'] });
    assert.ok(elsewhere.every((h) => h.file === 'search.md'));
    await assert.rejects(engine.similarTo('nope::req:X', 3), /nope::req:X/);
  });

  it('hybrid search still answers with keyword matches, and says so, when the query cannot be embedded', async () => {
    const noModel = new SearchEngine({
      store, vectors: EmbeddedVectorIndex.fromStore(store, MODEL),
      embedQuery: async () => { throw new Error('model folder /models/minilm not found'); },
    });
    const result = await noModel.search('password', { mode: 'hybrid' });
    assert.deepEqual(result.hits.map((h) => h.requirementId), ['AUTH-001']);
    assert.match(result.warning ?? '', /keyword matches only.*|model folder/);
    assert.equal((await engine.search('password', { mode: 'hybrid' })).warning, undefined);
    await assert.rejects(noModel.search('password', { mode: 'semantic' }), /minilm not found/);
  });

  it('snippets outside keyword mode show the best-matching sentence, else the start of the text', () => {
    const text = 'Intro sentence here. The export runs nightly! Nothing else.';
    assert.equal(bestSentence(text, 'nightly export'), 'The export runs nightly!');
    assert.equal(bestSentence(text, 'unrelated'), text);
    const long = 'word '.repeat(100);
    assert.ok(bestSentence(long, 'zzz').length <= 200);
  });
});
