import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { defaultParseOptions, estimateTokens, parsePrd } from '../../src/core/parse';
import type { Chunk, ParseOptions } from '../../src/core/types';

const FIXTURE = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'parse', 'checkout.md'), 'utf8');
const byKey = (chunks: Chunk[]) => new Map(chunks.map((c) => [c.key, c]));

describe('parse: chunk identity', () => {
  it('gives the same keys and texts on a second parse', () => {
    const a = parsePrd('c.md', FIXTURE, defaultParseOptions());
    const b = parsePrd('c.md', FIXTURE, defaultParseOptions());
    assert.deepEqual(b.chunks, a.chunks);
    assert.deepEqual(b.sections.map((s) => s.key), a.sections.map((s) => s.key));
  });

  it('leaves other chunks unchanged when one section is edited (including one that adds lines)', () => {
    const before = byKey(parsePrd('c.md', FIXTURE, defaultParseOptions()).chunks);
    const edited = FIXTURE.replace('The system must run on the existing PCI-compliant cluster.',
      'The system must run on the existing PCI-compliant cluster.\n\nIt must not need new hardware.');
    assert.notEqual(edited, FIXTURE);
    const after = byKey(parsePrd('c.md', edited, defaultParseOptions()).chunks);
    assert.deepEqual([...after.keys()], [...before.keys()]);
    const changed = [...after.keys()].filter((k) => after.get(k)!.text !== before.get(k)!.text);
    assert.deepEqual(changed, ['c.md::sec:Checkout Service PRD > Constraints']);
    // Chunks after the edit keep their keys and texts; only their line numbers move.
    assert.equal(after.get('c.md::sec:Checkout Service PRD > Goals #2')!.lines.start, before.get('c.md::sec:Checkout Service PRD > Goals #2')!.lines.start + 2);
  });
});

describe('parse: splitting long chunks', () => {
  const paragraph = (n: number) => Array.from({ length: 30 }, (_, i) => `p${n}w${i}`).join(' ');
  const body = Array.from({ length: 12 }, (_, n) => paragraph(n)).join('\n\n');
  const text = `# Long\n\n## Notes\n\n${body}\n`;
  const options: ParseOptions = { ...defaultParseOptions(), maxTokens: 100, overlapParagraphs: 1 };
  const chunks = parsePrd('l.md', text, options).chunks.filter((c) => c.sectionKey === 'Long > Notes');

  it('splits at paragraphs, keeps every part within maxTokens and numbers the parts', () => {
    assert.ok(chunks.length > 1, `expected several parts, got ${chunks.length}`);
    for (const c of chunks) assert.ok(estimateTokens(c.embedText) <= 100, `${c.key} has ${estimateTokens(c.embedText)} tokens`);
    assert.deepEqual(chunks.map((c) => c.part), chunks.map((_, i) => i));
    assert.deepEqual(chunks.map((c) => c.key), chunks.map((_, i) => (i ? `l.md::sec:Long > Notes::${i}` : 'l.md::sec:Long > Notes')));
    for (const c of chunks) assert.ok(c.embedText.startsWith('Long > Long > Notes\n'));
  });

  it('repeats one paragraph of overlap and gives each part its own line range', () => {
    for (let i = 1; i < chunks.length; i++) {
      const prevLast = chunks[i - 1].text.split('\n\n').pop()!;
      assert.equal(chunks[i].text.split('\n\n')[0], prevLast);
      assert.equal(chunks[i].lines.start, chunks[i - 1].lines.end);
    }
    // Paragraph n sits on line 5 + 2n.
    assert.deepEqual(chunks[0].lines, { start: 5, end: 5 + 2 * (chunks[0].text.split('\n\n').length - 1) });
    const all = new Set(chunks.flatMap((c) => c.text.split('\n\n')));
    assert.equal(all.size, 12, 'every paragraph is in some part');
  });

  it('falls back to lines, then words, for a paragraph longer than the budget', () => {
    const giant = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
    const parts = parsePrd('g.md', `# G\n\n${giant}\n`, { ...options, overlapParagraphs: 0 }).chunks;
    assert.ok(parts.length >= 5);
    for (const c of parts) assert.ok(estimateTokens(c.embedText) <= 100);
    assert.equal(parts.map((c) => c.text).join(' '), giant);
    for (const c of parts) assert.deepEqual(c.lines, { start: 3, end: 3 });
  });

  it('uses the token counter it is given', () => {
    const chars = (s: string) => s.length;
    const parts = parsePrd('c.md', `# C\n\n${'a'.repeat(50)}\n\n${'b'.repeat(50)}\n`, { ...options, countTokens: chars, maxTokens: 60, overlapParagraphs: 0 }).chunks;
    assert.deepEqual(parts.map((c) => c.text), ['a'.repeat(50), 'b'.repeat(50)]);
  });
});
