import { strict as assert } from 'node:assert';
import { buildGraph, resolveFileLink } from '../../src/core/graph/build';
import { snapshot } from '../fixtures/graph/snapshot-builder';

const edgeList = (g: ReturnType<typeof buildGraph>, kind: string) =>
  [...g.edges()].filter((e) => e.kind === kind).map((e) => `${e.from} -> ${e.to}`).sort();

describe('graph build: reference resolution', () => {
  // OT-P0-001 is defined in a.md, b.md and c.md (as in the corpus, IDs are per PRD); FR-9 only in c.md.
  const s = snapshot()
    .prd('a.md').req('a.md', 'OT-P0-001', { line: 3 }).req('a.md', 'OT-P0-002', { line: 4 })
    .prd('b.md').req('b.md', 'OT-P0-001', { line: 5 }).req('b.md', 'X-1', { line: 6 })
    .prd('c.md').req('c.md', 'OT-P0-001', { line: 7 }).req('c.md', 'FR-9', { line: 8 })
    .ref('a.md', 'OT-P0-002', 'OT-P0-001', 'DEPENDS_ON', 4) // same file wins
    .ref('a.md', 'OT-P0-002', 'FR-9', 'DEPENDS_ON', 4) // single definition elsewhere
    .ref('b.md', 'X-1', 'OT-P0-002', 'REFINES', 6) // single definition elsewhere
    .ref('b.md', undefined, 'FR-9', 'REFERENCES', 9) // from the section body
    .ref('c.md', 'FR-9', 'OT-P0-002', 'VERIFIES', 8)
    .ref('c.md', 'FR-9', 'NOPE-1', 'DEPENDS_ON', 8)
    .snapshot;
  // A PRD that has no definition of OT-P0-001 and mentions it: three candidates elsewhere.
  s.prds.push({ file: 'd.md', meta: { title: 'D', tags: [], frontMatter: {} } });
  s.sections.push({ ...s.sections[0], file: 'd.md' });
  s.requirements.push({ ...s.requirements[0], file: 'd.md', id: 'D-1', lines: { start: 2, end: 2 } });
  s.references.push({ file: 'd.md', fromId: 'D-1', toId: 'OT-P0-001', kind: 'DEPENDS_ON', line: 2, fromSectionKey: 'Requirements' });
  const g = buildGraph(s);

  it('gives each (file, id) its own node', () => {
    assert.deepEqual(g.findRequirement('OT-P0-001').map((n) => n.key), ['req:a.md::OT-P0-001', 'req:b.md::OT-P0-001', 'req:c.md::OT-P0-001']);
    assert.deepEqual(g.findRequirement('OT-P0-001', 'c.md').map((n) => n.file), ['c.md', 'a.md', 'b.md']);
    assert.deepEqual(g.findRequirement('MISSING'), []);
  });

  it('resolves to the same file first, then to the one definition elsewhere', () => {
    assert.deepEqual(edgeList(g, 'DEPENDS_ON'), [
      'req:a.md::OT-P0-002 -> req:a.md::OT-P0-001',
      'req:a.md::OT-P0-002 -> req:c.md::FR-9',
    ]);
    assert.deepEqual(edgeList(g, 'REFINES'), ['req:b.md::X-1 -> req:a.md::OT-P0-002']);
    assert.deepEqual(edgeList(g, 'VERIFIES'), ['req:c.md::FR-9 -> req:a.md::OT-P0-002']);
  });

  it('starts a reference made in a section body at the section node', () => {
    assert.deepEqual(edgeList(g, 'REFERENCES'), ['sec:b.md::Requirements -> req:c.md::FR-9']);
  });

  it('keeps ambiguous and unknown references, with the candidates, instead of guessing', () => {
    const unresolved = g.unresolvedReferences.map((u) => ({ file: u.reference.file, to: u.reference.toId, status: u.status, candidates: u.candidates.map((c) => c.file) }));
    assert.deepEqual(unresolved, [
      { file: 'c.md', to: 'NOPE-1', status: 'unknown', candidates: [] },
      { file: 'd.md', to: 'OT-P0-001', status: 'ambiguous', candidates: ['a.md', 'b.md', 'c.md'] },
    ]);
    assert.equal(g.outgoing('req:d.md::D-1').length, 0);
  });

  it('records the reference line and source file on the edge', () => {
    const e = g.outgoing('req:c.md::FR-9', ['VERIFIES'])[0];
    assert.equal(e.line, 8);
    assert.equal(e.file, 'c.md');
  });
});

describe('graph build: structure', () => {
  const s = snapshot()
    .prd('p.md', 'Payments', false)
    .section('p.md', 'Payments', { start: 1, end: 20, body: 'Intro' })
    .section('p.md', 'Payments > Checkout', { start: 3, end: 10, body: 'x', parentKey: 'Payments' })
    .section('p.md', 'Payments > Refunds', { start: 11, end: 20, body: 'y', parentKey: 'Payments' })
    .req('p.md', 'PAY-1', { line: 5, section: 'Payments > Checkout' })
    .req('p.md', 'PAY-2', { line: 12, section: 'Payments > Refunds' })
    .req('p.md', 'PAY-1', { line: 14, section: 'Payments > Refunds', title: 'duplicate' })
    .snapshot;
  const g = buildGraph(s);

  it('nests PRD, sections and requirements with CONTAINS', () => {
    assert.deepEqual(edgeList(g, 'CONTAINS'), [
      'prd:p.md -> sec:p.md::Payments',
      'sec:p.md::Payments -> sec:p.md::Payments > Checkout',
      'sec:p.md::Payments -> sec:p.md::Payments > Refunds',
      'sec:p.md::Payments > Checkout -> req:p.md::PAY-1',
      'sec:p.md::Payments > Refunds -> req:p.md::PAY-2',
    ]);
    assert.equal(g.node('prd:p.md')?.label, 'Payments');
    assert.equal(g.node('prd:p.md')?.lines.end, 20);
  });

  it('keeps the first of two definitions of an ID in one file', () => {
    const n = g.node('req:p.md::PAY-1')!;
    assert.equal(n.lines.start, 5);
    assert.equal(n.title, 'Title of PAY-1');
    assert.equal(n.label, 'PAY-1');
  });
});

describe('graph build: file links and related chunks', () => {
  const s = snapshot()
    .prd('scenarios/pregnancy-tracker/PRD.md', 'Pregnancy').req('scenarios/pregnancy-tracker/PRD.md', 'P-1', { line: 3 })
    .prd('scenarios/baby-tracker/PRD.md', 'Baby').req('scenarios/baby-tracker/PRD.md', 'B-1', { line: 3 })
    .prd('docs/guide.md', 'Guide')
    .link('scenarios/baby-tracker/PRD.md', '../pregnancy-tracker/PRD.md#goals', 10)
    .link('docs/guide.md', 'pregnancy-tracker', 4)
    .link('docs/guide.md', 'scenarios/baby-tracker/PRD.md', 5)
    .link('docs/guide.md', 'PRD', 6) // two PRD.md files: ambiguous, no edge
    .link('docs/guide.md', 'guide.md', 7) // itself: no edge
    .related('scenarios/baby-tracker/PRD.md::req:B-1', 'scenarios/pregnancy-tracker/PRD.md::req:P-1', 0.7)
    .related('scenarios/baby-tracker/PRD.md::req:B-1', 'scenarios/pregnancy-tracker/PRD.md::req:P-1', 0.82)
    .related('docs/guide.md::sec:Requirements', 'scenarios/baby-tracker/PRD.md::req:B-1', 0.6)
    .related('docs/guide.md::sec:Requirements', 'nowhere.md::req:Z', 0.9)
    .snapshot;
  s.chunks.push({ ...s.chunks[0], key: 'docs/guide.md::sec:Requirements', file: 'docs/guide.md', kind: 'section', requirementId: undefined });
  const g = buildGraph(s);

  it('resolves relative paths, exact paths and wiki links by folder name', () => {
    assert.deepEqual(edgeList(g, 'LINKS_TO'), [
      'prd:docs/guide.md -> prd:scenarios/baby-tracker/PRD.md',
      'prd:docs/guide.md -> prd:scenarios/pregnancy-tracker/PRD.md',
      'prd:scenarios/baby-tracker/PRD.md -> prd:scenarios/pregnancy-tracker/PRD.md',
    ]);
  });

  it('resolves a wiki link by file name when unique', () => {
    assert.equal(resolveFileLink(['a/notes.md', 'b/PRD.md'], 'b/PRD.md', 'notes'), 'a/notes.md');
    assert.equal(resolveFileLink(['a/notes.md', 'b/notes.md'], 'x.md', 'notes'), undefined);
  });

  it('joins the owners of related chunks, keeping the best score per pair', () => {
    const related = [...g.edges()].filter((e) => e.kind === 'RELATED_TO').map((e) => `${e.from} -> ${e.to} ${e.score}`).sort();
    assert.deepEqual(related, [
      'sec:docs/guide.md::Requirements -> req:scenarios/baby-tracker/PRD.md::B-1 0.6',
      'req:scenarios/baby-tracker/PRD.md::B-1 -> req:scenarios/pregnancy-tracker/PRD.md::P-1 0.82',
    ].sort());
  });
});
