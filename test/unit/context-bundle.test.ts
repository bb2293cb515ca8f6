import { strict as assert } from 'node:assert';
import { buildAiContext } from '../../src/core/context';
import { buildGraph } from '../../src/core/graph/build';
import type { StoredChunk } from '../../src/core/types';
import { snapshot } from '../fixtures/graph/snapshot-builder';

const words = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');
const countWords = (t: string) => t.split(/\s+/).filter(Boolean).length;

// R-1 depends on D-1 -> D-2 -> D-3; V-1 verifies R-1; two related chunks live in b.md.
const s = snapshot()
  .prd('a.md', 'Checkout')
  .req('a.md', 'R-1', { line: 3, endLine: 5, title: 'Pay by card', text: `Users pay by card. ${words(20, 'core')}`, priority: 'critical', status: 'open' })
  .req('a.md', 'D-1', { line: 7, text: words(40, 'near') })
  .req('a.md', 'D-2', { line: 9, text: words(40, 'middle') })
  .req('a.md', 'D-3', { line: 11, text: words(40, 'far') })
  .req('a.md', 'V-1', { line: 13, type: 'acceptance_criteria', text: words(30, 'verify') })
  .ref('a.md', 'R-1', 'D-1', 'DEPENDS_ON', 4).ref('a.md', 'D-1', 'D-2', 'DEPENDS_ON', 7).ref('a.md', 'D-2', 'D-3', 'DEPENDS_ON', 9)
  .ref('a.md', 'V-1', 'R-1', 'VERIFIES', 13)
  .prd('b.md', 'Billing')
  .req('b.md', 'B-1', { line: 20, endLine: 24, text: words(60, 'strong') })
  .req('b.md', 'B-2', { line: 30, endLine: 31, text: words(60, 'weak') })
  .snapshot;
const graph = buildGraph(s);
const chunk = (key: string) => s.chunks.find((c) => c.key === key)!;
const requested: string[] = [];
const related = async (chunkKey: string, k: number): Promise<{ chunk: StoredChunk; score: number }[]> => {
  requested.push(chunkKey);
  return [
    { chunk: chunk('a.md::req:R-1'), score: 1 }, // itself: must not be listed
    { chunk: chunk('b.md::req:B-2'), score: 0.61 },
    { chunk: chunk('b.md::req:B-1'), score: 0.83 },
    { chunk: chunk('a.md::req:D-1'), score: 0.7 }, // already shown as a dependency
  ].slice(0, k);
};

describe('AI context package', () => {
  it('holds the requirement, its dependencies nearest first, its verifiers and related chunks, all cited', async () => {
    const md = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: 10_000, related });
    assert.deepEqual(requested, ['a.md::req:R-1']);
    for (const expected of ['# Context for R-1: Pay by card', '- Priority: critical', '- Status: open', '`a.md:3-5`', 'Users pay by card.',
      '`a.md:7`', '`a.md:9`', '`a.md:11`', '`a.md:13`', '`b.md:20-24`', '`b.md:30-31`']) {
      assert.ok(md.includes(expected), `contains ${expected}`);
    }
    const order = ['## Requirement', 'D-1', 'D-2', 'D-3', '## Verified by', 'V-1', '## Related', 'similarity 0.83', 'similarity 0.61'].map((t) => md.indexOf(t));
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'sections and items in order');
    assert.equal(md.split('a.md:7').length - 1, 1, 'a dependency is not repeated among the related chunks');
    assert.ok(!md.includes('Left out'));
  });

  it('stays within the budget by leaving out related chunks first and says so', async () => {
    const full = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: 10_000, related, countTokens: countWords });
    const budget = countWords(full) - 40;
    const md = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: budget, related, countTokens: countWords });
    assert.ok(countWords(md) <= budget, `${countWords(md)} <= ${budget}`);
    assert.ok(md.includes('b.md:20-24') && !md.includes('b.md:30-31'), 'the weaker related chunk goes first');
    assert.ok(md.includes(`> Left out to fit the ${budget}-token budget: 1 related chunk.`), md);
  });

  it('then leaves out the farthest dependencies, keeping near ones and verifiers', async () => {
    const withoutRelated = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: 10_000, related: async () => [], countTokens: countWords });
    const budget = countWords(withoutRelated) - 20;
    const md = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: budget, related, countTokens: countWords });
    assert.ok(countWords(md) <= budget, `${countWords(md)} <= ${budget}`);
    assert.ok(md.includes('a.md:7') && md.includes('a.md:13'), 'direct dependency and verifier kept');
    assert.ok(!md.includes('a.md:11') && !md.includes('b.md:'), 'far dependency and related chunks left out');
    assert.ok(md.includes(`Left out to fit the ${budget}-token budget: 1 dependency (depth 3), 2 related chunks.`), md);
  });

  it('never cuts the requirement itself, even when it alone is over the budget', async () => {
    const md = await buildAiContext(graph, s, 'req:a.md::R-1', { tokenBudget: 10, related, countTokens: countWords });
    assert.ok(md.includes(s.requirements[0].text), 'the whole requirement text');
    assert.match(md, /Left out to fit the 10-token budget: 3 dependencies \(depth 1–3\), 1 verifying item, 2 related chunks\./);
  });

  it('uses the default estimate and a 2000-token budget when none is given', async () => {
    const big = snapshot().prd('a.md').req('a.md', 'R', { line: 1 });
    for (let i = 0; i < 30; i++) big.req('a.md', `D${i}`, { line: i + 2, text: words(100, 'dependency') }).ref('a.md', 'R', `D${i}`, 'DEPENDS_ON', 1);
    const md = await buildAiContext(buildGraph(big.snapshot), big.snapshot, 'req:a.md::R');
    assert.ok(md.length / 4 <= 2000, `${md.length} characters`);
    assert.match(md, /Left out to fit the 2000-token budget: \d+ dependencies \(depth 1\)\./);
  });

  it('falls back to the stored RELATED_TO pairs when no search is given', async () => {
    const withPairs = structuredClone(s);
    withPairs.related.push({ fromChunk: 'b.md::req:B-2', toChunk: 'a.md::req:R-1', score: 0.9 });
    const md = await buildAiContext(buildGraph(withPairs), withPairs, 'req:a.md::R-1', { tokenBudget: 10_000 });
    assert.ok(md.includes('similarity 0.90') && md.includes('`b.md:30-31`'));
  });

  it('names the key it cannot find', async () => {
    await assert.rejects(buildAiContext(graph, s, 'req:a.md::NOPE', { tokenBudget: 100 }), /req:a\.md::NOPE/);
    await assert.rejects(buildAiContext(graph, s, 'prd:a.md', { tokenBudget: 100 }), /prd:a\.md/);
  });
});
