import { strict as assert } from 'node:assert';
import { buildGraph } from '../../src/core/graph/build';
import { validate, type ValidateOptions } from '../../src/core/graph/validate';
import type { Diagnostic, IndexSnapshot } from '../../src/core/types';
import { snapshot } from '../fixtures/graph/snapshot-builder';

const quiet: ValidateOptions = { unverifiedSeverity: 'off', emptySectionSeverity: 'off' };
const run = (s: IndexSnapshot, options: ValidateOptions = quiet) => validate(s, buildGraph(s), options);
const only = (ds: Diagnostic[], code: Diagnostic['code']) => ds.filter((d) => d.code === code);

describe('validate: requirement IDs', () => {
  it('reports a duplicate ID within one PRD as an error at the second definition, pointing at the first', () => {
    const s = snapshot().prd('a.md').req('a.md', 'FR-1', { line: 4 }).req('a.md', 'FR-2', { line: 6 }).req('a.md', 'FR-1', { line: 9 }).snapshot;
    const [d, ...rest] = run(s);
    assert.equal(rest.length, 0);
    assert.deepEqual({ code: d.code, severity: d.severity, file: d.file, line: d.line }, { code: 'duplicate-id', severity: 'error', file: 'a.md', line: 9 });
    assert.deepEqual(d.related, [{ file: 'a.md', line: 4, message: 'FR-1 first defined here' }]);
    assert.match(d.message, /FR-1/);
  });

  it('does not report the same ID in several PRDs unless asked to', () => {
    const s = snapshot().prd('a.md').req('a.md', 'OT-P0-001', { line: 4 }).prd('b.md').req('b.md', 'OT-P0-001', { line: 7 })
      .prd('c.md').req('c.md', 'OT-P0-001', { line: 2 }).snapshot;
    assert.deepEqual(run(s), []);
    const ds = run(s, { ...quiet, crossPrdDuplicateSeverity: 'warning' });
    assert.deepEqual(ds.map((d) => `${d.code} ${d.severity} ${d.file}:${d.line}`), [
      'duplicate-id-across-prds warning a.md:4', 'duplicate-id-across-prds warning b.md:7', 'duplicate-id-across-prds warning c.md:2',
    ]);
    assert.deepEqual(ds[0].related?.map((r) => `${r.file}:${r.line}`), ['b.md:7', 'c.md:2']);
  });
});

describe('validate: references', () => {
  const s = snapshot()
    .prd('a.md').req('a.md', 'X-1', { line: 2 })
    .prd('b.md').req('b.md', 'X-1', { line: 3 })
    .prd('c.md').req('c.md', 'C-1', { line: 5 })
    .ref('c.md', 'C-1', 'X-1', 'DEPENDS_ON', 6)
    .ref('c.md', undefined, 'GHOST-9', 'REFERENCES', 12)
    .snapshot;
  const ds = run(s);

  it('warns about an unknown ID at the line of the reference', () => {
    const [d] = only(ds, 'unknown-reference');
    assert.deepEqual({ severity: d.severity, file: d.file, line: d.line }, { severity: 'warning', file: 'c.md', line: 12 });
    assert.match(d.message, /GHOST-9/);
  });

  it('warns about an ambiguous ID and lists the candidate definitions', () => {
    const [d] = only(ds, 'ambiguous-reference');
    assert.deepEqual({ severity: d.severity, file: d.file, line: d.line }, { severity: 'warning', file: 'c.md', line: 6 });
    assert.deepEqual(d.related?.map((r) => `${r.file}:${r.line}`), ['a.md:2', 'b.md:3']);
    assert.match(d.message, /X-1.*2 other PRDs/);
  });
});

describe('validate: dependency cycles', () => {
  it('reports an error on each member of a cycle, naming the cycle from that member', () => {
    const s = snapshot().prd('a.md')
      .req('a.md', 'FR-001', { line: 3 }).req('a.md', 'FR-002', { line: 5 }).req('a.md', 'FR-003', { line: 7 }).req('a.md', 'FR-004', { line: 9 })
      .ref('a.md', 'FR-001', 'FR-002', 'DEPENDS_ON', 3).ref('a.md', 'FR-002', 'FR-001', 'DEPENDS_ON', 5)
      .ref('a.md', 'FR-003', 'FR-003', 'DEPENDS_ON', 7).ref('a.md', 'FR-004', 'FR-001', 'DEPENDS_ON', 9)
      .snapshot;
    const ds = only(run(s), 'dependency-cycle');
    assert.deepEqual(ds.map((d) => `${d.severity} ${d.line} ${d.message}`), [
      'error 3 Dependency cycle: FR-001 → FR-002 → FR-001',
      'error 5 Dependency cycle: FR-002 → FR-001 → FR-002',
      'error 7 Dependency cycle: FR-003 → FR-003',
    ]);
    assert.deepEqual(ds[0].related?.map((r) => r.line), [5]);
  });

  it('names the PRD of a member in another file', () => {
    const s = snapshot().prd('a.md').req('a.md', 'A', { line: 3 }).prd('b.md').req('b.md', 'B', { line: 4 })
      .ref('a.md', 'A', 'B', 'DEPENDS_ON', 3).ref('b.md', 'B', 'A', 'DEPENDS_ON', 4).snapshot;
    const ds = only(run(s), 'dependency-cycle');
    assert.deepEqual(ds.map((d) => `${d.file}:${d.line} ${d.message}`), [
      'a.md:3 Dependency cycle: A → B (b.md) → A',
      'b.md:4 Dependency cycle: B → A (a.md) → B',
    ]);
  });

  it('is silent for a graph without cycles', () => {
    const s = snapshot().prd('a.md').req('a.md', 'A', { line: 3 }).req('a.md', 'B', { line: 4 }).ref('a.md', 'A', 'B', 'DEPENDS_ON', 3).snapshot;
    assert.deepEqual(run(s), []);
  });
});

describe('validate: traceability, empty sections and parse warnings', () => {
  const s = snapshot().prd('a.md', 'A', false)
    .section('a.md', 'Spec', { start: 1, end: 30, body: 'Intro' })
    .section('a.md', 'Spec > Requirements', { start: 2, end: 12, body: 'list', parentKey: 'Spec' })
    .section('a.md', 'Spec > Open questions', { start: 13, end: 14, body: '  \n', parentKey: 'Spec' })
    .section('a.md', 'Spec > Later', { start: 15, end: 16, body: '', parentKey: 'Spec' })
    .section('a.md', 'Spec > Later > Ideas', { start: 16, end: 16, body: 'An idea', parentKey: 'Spec > Later' })
    .section('a.md', 'Spec > FR-9 Heading requirement', { start: 20, end: 21, body: '', parentKey: 'Spec' })
    .req('a.md', 'FR-1', { line: 4, section: 'Spec > Requirements' })
    .req('a.md', 'FR-2', { line: 5, section: 'Spec > Requirements', type: 'user_story' })
    .req('a.md', 'FR-3', { line: 6, section: 'Spec > Requirements', status: 'deprecated' })
    .req('a.md', 'RISK-1', { line: 7, section: 'Spec > Requirements', type: 'risk' })
    .req('a.md', 'AC-1', { line: 8, section: 'Spec > Requirements', type: 'acceptance_criteria' })
    .req('a.md', 'FR-9', { line: 20, section: 'Spec > FR-9 Heading requirement' })
    .ref('a.md', 'AC-1', 'FR-1', 'VERIFIES', 8)
    .ref('a.md', 'AC-1', 'FR-9', 'VERIFIES', 8)
    .snapshot;

  it('reports verifiable requirements that nothing verifies, as info by default', () => {
    const ds = only(validate(s, buildGraph(s)), 'unverified-requirement');
    assert.deepEqual(ds.map((d) => `${d.severity} ${d.line}`), ['info 5']);
    assert.match(ds[0].message, /FR-2/);
    const asError = only(validate(s, buildGraph(s), { unverifiedSeverity: 'error' }), 'unverified-requirement');
    assert.deepEqual(asError.map((d) => d.severity), ['error']);
    assert.deepEqual(only(validate(s, buildGraph(s), { unverifiedSeverity: 'off' }), 'unverified-requirement'), []);
  });

  it('warns about a heading with no text and no sub-sections', () => {
    const ds = only(validate(s, buildGraph(s)), 'empty-section');
    assert.deepEqual(ds.map((d) => `${d.severity} ${d.line}`), ['warning 13']);
    assert.match(ds[0].message, /Open questions/);
    assert.deepEqual(only(validate(s, buildGraph(s), { emptySectionSeverity: 'info' }), 'empty-section').map((d) => d.severity), ['info']);
  });

  it('passes parse warnings through and sorts everything by file and line', () => {
    const ds = validate(s, buildGraph(s), {
      parseWarnings: [{ file: 'a.md', line: 10, message: 'Unclosed code fence' }, { file: '0-first.md', line: 1, message: 'Invalid front matter' }],
    });
    assert.deepEqual(ds.map((d) => `${d.file}:${d.line} ${d.code}`), [
      '0-first.md:1 parse-warning', 'a.md:5 unverified-requirement', 'a.md:10 parse-warning', 'a.md:13 empty-section',
    ]);
    assert.equal(ds[0].severity, 'warning');
    assert.equal(ds[0].message, 'Invalid front matter');
  });
});
