// The demo workspace in samples/ parsed, graphed and validated: the answers samples/README.md promises,
// written out here (checked against the README and `grep -n` of the files) rather than read from it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverPrdFiles } from '../../src/core/discovery';
import { buildGraph } from '../../src/core/graph/build';
import { validate } from '../../src/core/graph/validate';
import { defaultParseOptions, parsePrd } from '../../src/core/parse';
import type { IndexSnapshot, RequirementSource } from '../../src/core/types';
import { projectRoot } from './helpers';

const SAMPLES = path.join(projectRoot, 'samples');
const OVERVIEW = 'PRD.md';
const SYNC = 'prds/sync-engine.prd.md';
const NOTIFY = 'prds/notifications-prd.md';
const MOBILE = 'requirements/prd-mobile.md';
const SECURITY = 'prds/security.md';

// [ID, file, line, how it is defined]: the README's "Every requirement ID" table ("checkbox" rows are list items).
const DEFINITIONS: [string, string, number, RequirementSource][] = [
  ['US-001', OVERVIEW, 32, 'heading'], ['US-002', OVERVIEW, 37, 'heading'], ['US-003', OVERVIEW, 42, 'heading'],
  ['US-004', OVERVIEW, 47, 'heading'],
  ['FR-001', OVERVIEW, 56, 'table'], ['FR-002', OVERVIEW, 57, 'table'], ['FR-003', OVERVIEW, 58, 'table'],
  ['FR-004', OVERVIEW, 59, 'table'], ['FR-005', OVERVIEW, 60, 'table'],
  ['AC-001', OVERVIEW, 64, 'list'], ['AC-002', OVERVIEW, 65, 'list'], ['AC-003', OVERVIEW, 66, 'list'], ['AC-004', OVERVIEW, 67, 'list'],
  ['AC-005', OVERVIEW, 68, 'list'], ['AC-006', OVERVIEW, 69, 'list'], ['AC-007', OVERVIEW, 70, 'list'], ['AC-008', OVERVIEW, 71, 'list'],
  ['FR-010', SYNC, 20, 'heading'], ['FR-011', SYNC, 27, 'heading'], ['FR-012', SYNC, 34, 'heading'], ['FR-013', SYNC, 41, 'heading'],
  ['FR-014', SYNC, 48, 'heading'],
  ['NFR-001', SYNC, 64, 'heading'], ['NFR-002', SYNC, 69, 'heading'], ['NFR-003', SYNC, 73, 'heading'],
  ['AC-010', SYNC, 79, 'list'], ['AC-011', SYNC, 80, 'list'], ['AC-012', SYNC, 81, 'list'], ['AC-013', SYNC, 82, 'list'],
  ['AC-014', SYNC, 83, 'list'], ['AC-015', SYNC, 84, 'list'], ['AC-016', SYNC, 85, 'list'], ['AC-017', SYNC, 86, 'list'],
  ['FR-020', NOTIFY, 8, 'heading'], ['FR-021', NOTIFY, 15, 'heading'], ['FR-022', NOTIFY, 22, 'heading'], ['FR-023', NOTIFY, 28, 'heading'],
  ['FR-022', NOTIFY, 35, 'heading'],
  ['FR-024', NOTIFY, 44, 'list'], ['FR-025', NOTIFY, 45, 'list'],
  ['NFR-004', NOTIFY, 49, 'heading'],
  ['AC-020', NOTIFY, 55, 'list'], ['AC-021', NOTIFY, 56, 'list'], ['AC-022', NOTIFY, 57, 'list'], ['AC-023', NOTIFY, 58, 'list'],
  ['AC-024', NOTIFY, 59, 'list'], ['AC-025', NOTIFY, 60, 'list'], ['AC-026', NOTIFY, 61, 'list'],
  ['US-005', MOBILE, 8, 'heading'],
  ['FR-030', MOBILE, 15, 'heading'], ['FR-031', MOBILE, 22, 'heading'], ['FR-032', MOBILE, 29, 'heading'], ['FR-033', MOBILE, 36, 'heading'],
  ['NFR-020', MOBILE, 43, 'heading'], ['NFR-021', MOBILE, 47, 'heading'],
  ['AC-030', MOBILE, 53, 'list'], ['AC-031', MOBILE, 54, 'list'], ['AC-032', MOBILE, 55, 'list'], ['AC-033', MOBILE, 56, 'list'],
  ['AC-034', MOBILE, 57, 'list'], ['AC-035', MOBILE, 58, 'list'],
  ['NFR-010', SECURITY, 19, 'heading'], ['NFR-011', SECURITY, 26, 'heading'], ['NFR-012', SECURITY, 32, 'heading'],
  ['NFR-013', SECURITY, 38, 'heading'],
  ['AC-040', SECURITY, 47, 'list'], ['AC-041', SECURITY, 48, 'list'], ['AC-042', SECURITY, 49, 'list'], ['AC-043', SECURITY, 50, 'list'],
];

// [file, line, code]: the README's "Deliberate problems", one diagnostic per cycle member.
const PROBLEMS: [string, number, string][] = [
  [SECURITY, 63, 'empty-section'],
  [NOTIFY, 33, 'unknown-reference'],
  [NOTIFY, 35, 'duplicate-id'],
  [SYNC, 27, 'dependency-cycle'],
  [SYNC, 34, 'dependency-cycle'],
  [SYNC, 41, 'dependency-cycle'],
  [MOBILE, 36, 'unverified-requirement'],
];

// [from file, from ID, kind, to file, to ID, line of the sentence]: the README's "Typed links", the AC rows spelled out.
const TYPED_LINKS: [string, string, string, string, string, number][] = [
  [SYNC, 'FR-010', 'IMPLEMENTS', OVERVIEW, 'US-003', 25],
  [SYNC, 'FR-011', 'REFINES', SYNC, 'FR-010', 32],
  [SYNC, 'FR-011', 'DEPENDS_ON', SYNC, 'FR-012', 32],
  [SYNC, 'FR-012', 'DEPENDS_ON', SYNC, 'FR-013', 39],
  [SYNC, 'FR-013', 'DEPENDS_ON', SYNC, 'FR-011', 46],
  [SYNC, 'FR-014', 'DEPENDS_ON', SYNC, 'FR-010', 53],
  [NOTIFY, 'FR-020', 'IMPLEMENTS', OVERVIEW, 'US-004', 13],
  [NOTIFY, 'FR-020', 'DEPENDS_ON', OVERVIEW, 'FR-003', 13],
  [NOTIFY, 'FR-021', 'REFINES', NOTIFY, 'FR-020', 20],
  [MOBILE, 'FR-030', 'IMPLEMENTS', OVERVIEW, 'US-003', 20],
  [MOBILE, 'FR-030', 'DEPENDS_ON', SYNC, 'FR-010', 20],
  [MOBILE, 'FR-031', 'IMPLEMENTS', MOBILE, 'US-005', 27],
  [MOBILE, 'FR-032', 'IMPLEMENTS', OVERVIEW, 'US-002', 34],
  [MOBILE, 'FR-032', 'DEPENDS_ON', OVERVIEW, 'FR-002', 34],
  [SECURITY, 'NFR-011', 'CONFLICTS_WITH', SYNC, 'NFR-003', 30],
  [OVERVIEW, 'AC-001', 'VERIFIES', OVERVIEW, 'FR-001', 64],
  [OVERVIEW, 'AC-002', 'VERIFIES', OVERVIEW, 'FR-002', 65],
  [OVERVIEW, 'AC-003', 'VERIFIES', OVERVIEW, 'FR-003', 66],
  [OVERVIEW, 'AC-004', 'VERIFIES', OVERVIEW, 'FR-004', 67],
  [OVERVIEW, 'AC-005', 'VERIFIES', OVERVIEW, 'FR-005', 68],
  [OVERVIEW, 'AC-006', 'VERIFIES', OVERVIEW, 'US-001', 69],
  [OVERVIEW, 'AC-006', 'VERIFIES', OVERVIEW, 'US-002', 69],
  [OVERVIEW, 'AC-007', 'VERIFIES', OVERVIEW, 'US-003', 70],
  [OVERVIEW, 'AC-008', 'VERIFIES', OVERVIEW, 'US-004', 71],
  [SYNC, 'AC-010', 'VERIFIES', SYNC, 'FR-010', 79],
  [SYNC, 'AC-011', 'VERIFIES', SYNC, 'FR-011', 80],
  [SYNC, 'AC-012', 'VERIFIES', SYNC, 'FR-012', 81],
  [SYNC, 'AC-013', 'VERIFIES', SYNC, 'FR-013', 82],
  [SYNC, 'AC-014', 'VERIFIES', SYNC, 'FR-014', 83],
  [SYNC, 'AC-015', 'VERIFIES', SYNC, 'NFR-001', 84],
  [SYNC, 'AC-016', 'VERIFIES', SYNC, 'NFR-002', 85],
  [SYNC, 'AC-017', 'VERIFIES', SYNC, 'NFR-003', 86],
  [NOTIFY, 'AC-020', 'VERIFIES', NOTIFY, 'FR-020', 55],
  [NOTIFY, 'AC-021', 'VERIFIES', NOTIFY, 'FR-021', 56],
  [NOTIFY, 'AC-022', 'VERIFIES', NOTIFY, 'FR-022', 57],
  [NOTIFY, 'AC-023', 'VERIFIES', NOTIFY, 'FR-023', 58],
  [NOTIFY, 'AC-024', 'VERIFIES', NOTIFY, 'FR-024', 59],
  [NOTIFY, 'AC-025', 'VERIFIES', NOTIFY, 'FR-025', 60],
  [NOTIFY, 'AC-026', 'VERIFIES', NOTIFY, 'NFR-004', 61],
  [MOBILE, 'AC-030', 'VERIFIES', MOBILE, 'FR-030', 53],
  [MOBILE, 'AC-031', 'VERIFIES', MOBILE, 'FR-031', 54],
  [MOBILE, 'AC-032', 'VERIFIES', MOBILE, 'FR-032', 55],
  [MOBILE, 'AC-033', 'VERIFIES', MOBILE, 'US-005', 56],
  [MOBILE, 'AC-034', 'VERIFIES', MOBILE, 'NFR-020', 57],
  [MOBILE, 'AC-035', 'VERIFIES', MOBILE, 'NFR-021', 58],
  [SECURITY, 'AC-040', 'VERIFIES', SECURITY, 'NFR-010', 47],
  [SECURITY, 'AC-041', 'VERIFIES', SECURITY, 'NFR-011', 48],
  [SECURITY, 'AC-042', 'VERIFIES', SECURITY, 'NFR-012', 49],
  [SECURITY, 'AC-043', 'VERIFIES', SECURITY, 'NFR-013', 50],
];

// [from file, to file, line]: the README's "File links".
const FILE_LINKS: [string, string, number][] = [
  [OVERVIEW, SYNC, 92],
  [OVERVIEW, NOTIFY, 93],
  [SYNC, OVERVIEW, 16],
  [SYNC, NOTIFY, 101],
];

function indexSamples(): { files: string[]; snapshot: IndexSnapshot; warnings: string[] } {
  const snapshot: IndexSnapshot = { prds: [], sections: [], requirements: [], references: [], fileLinks: [], chunks: [], related: [] };
  const warnings: string[] = [];
  const found = discoverPrdFiles([SAMPLES]).files;
  for (const { key: file, absPath } of found) {
    const p = parsePrd(file, fs.readFileSync(absPath, 'utf8'), defaultParseOptions());
    warnings.push(...p.warnings.map((w) => w.message));
    snapshot.prds.push({ file, meta: p.meta });
    snapshot.sections.push(...p.sections.map((s) => ({ ...s, file })));
    snapshot.requirements.push(...p.requirements.map((r) => ({ ...r, file })));
    snapshot.references.push(...p.references.map((r) => ({ ...r, file })));
    snapshot.fileLinks.push(...p.fileLinks.map((l) => ({ ...l, file })));
  }
  return { files: found.map((f) => f.key).sort(), snapshot, warnings };
}

describe('samples/: the demo workspace', () => {
  const { files, snapshot, warnings } = indexSamples();
  const graph = buildGraph(snapshot);

  it('discovers the five PRDs and not docs/NOTES.md, and parses them without warnings', () => {
    assert.deepEqual(files, [OVERVIEW, NOTIFY, SECURITY, SYNC, MOBILE]);
    assert.deepEqual(warnings, []);
  });

  it('defines every requirement ID of the README in its file, on its line, in its form', () => {
    const byPosition = (a: [string, string, number, string], b: [string, string, number, string]) =>
      a[1].localeCompare(b[1]) || a[2] - b[2];
    const found = snapshot.requirements.map((r): [string, string, number, string] => [r.id, r.file, r.lines.start, r.source]);
    assert.deepEqual(found.sort(byPosition), [...DEFINITIONS].sort(byPosition));
    assert.equal(new Set(found.map(([id]) => id)).size, 68, '69 definitions of 68 distinct IDs');
  });

  it('types every requirement by the kind its ID names, and each section by what it holds', () => {
    const kinds: Record<string, string> = { US: 'user_story', FR: 'requirement', NFR: 'non_functional', AC: 'acceptance_criteria' };
    for (const r of snapshot.requirements) assert.equal(r.type, kinds[r.id.split('-')[0]], `${r.file}:${r.lines.start} ${r.id}`);
    const sectionType = (file: string, title: string) => snapshot.sections.find((s) => s.file === file && s.title === title)?.type;
    assert.deepEqual([
      sectionType(OVERVIEW, "US-001: See my team's availability at a glance"), sectionType(SYNC, 'FR-014: Background sync cadence'),
      sectionType(SECURITY, 'Security and Privacy Requirements'), sectionType(SECURITY, 'Open Questions'),
      sectionType(OVERVIEW, 'Related Documents'), sectionType(NOTIFY, 'Delivery Channels'),
    ], ['user_story', 'requirement', 'overview', 'other', 'other', 'requirement']);
  });

  it('gives acceptance criteria the priority of what they verify, not the front matter\'s', () => {
    const priority = (file: string, id: string) => snapshot.requirements.find((r) => r.file === file && r.id === id)?.priority;
    // sync-engine.prd.md says `priority: critical`; FR-013 and FR-014 are P1.
    assert.deepEqual(['FR-013', 'AC-013', 'AC-014', 'AC-015'].map((id) => priority(SYNC, id)), ['high', 'high', 'high', 'critical']);
    // notifications-prd.md has no front matter, and FR-024 no marker.
    assert.deepEqual(['FR-024', 'AC-024', 'AC-022'].map((id) => priority(NOTIFY, id)), [undefined, undefined, 'medium']);
  });

  it('reports exactly the planted problems', () => {
    const diagnostics = validate(snapshot, graph);
    const byPosition = (a: [string, number, string], b: [string, number, string]) => a[0].localeCompare(b[0]) || a[1] - b[1];
    assert.deepEqual(diagnostics.map((d): [string, number, string] => [d.file, d.line, d.code]).sort(byPosition), [...PROBLEMS].sort(byPosition));
    const unknown = diagnostics.find((d) => d.code === 'unknown-reference')!;
    assert.match(unknown.message, /FR-099/);
    const duplicate = diagnostics.find((d) => d.code === 'duplicate-id')!;
    assert.deepEqual(duplicate.related?.map((r) => [r.file, r.line]), [[NOTIFY, 22]]);
    assert.match(diagnostics.find((d) => d.code === 'unverified-requirement')!.message, /FR-033/);
  });

  it('has exactly the typed links of the README as edges, on the lines of their sentences', () => {
    const typed = graph.all().edges
      .filter((e) => e.kind !== 'CONTAINS' && e.kind !== 'LINKS_TO' && e.kind !== 'RELATED_TO')
      .map((e) => `${e.from} ${e.kind} ${e.to} @${e.line}`).sort();
    const expected = TYPED_LINKS.map(([fromFile, from, kind, toFile, to, line]) => `req:${fromFile}::${from} ${kind} req:${toFile}::${to} @${line}`).sort();
    assert.deepEqual(typed, expected);
    assert.deepEqual(graph.unresolvedReferences.map((u) => [u.reference.file, u.reference.fromId, u.reference.kind, u.reference.toId, u.reference.line]),
      [[NOTIFY, 'FR-023', 'DEPENDS_ON', 'FR-099', 33]]);
  });

  it('links the PRDs the README lists, by markdown link and by wiki link', () => {
    const links = graph.all().edges.filter((e) => e.kind === 'LINKS_TO').map((e) => `${e.from} -> ${e.to} @${e.line}`).sort();
    assert.deepEqual(links, FILE_LINKS.map(([from, to, line]) => `prd:${from} -> prd:${to} @${line}`).sort());
  });
});
