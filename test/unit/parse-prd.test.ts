import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { defaultParseOptions, parsePrd } from '../../src/core/parse';
import type { ParsedPrd } from '../../src/core/types';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'parse');
const FILE = 'specs/checkout/checkout.md';

function parseFixture(): ParsedPrd {
  return parsePrd(FILE, fs.readFileSync(path.join(FIXTURES, 'checkout.md'), 'utf8'), defaultParseOptions());
}

describe('parse: parsePrd on a fixture PRD', () => {
  const prd = parseFixture();
  const req = (id: string) => {
    const found = prd.requirements.filter((r) => r.id === id);
    assert.equal(found.length, 1, `expected one ${id}, found ${found.length}`);
    return found[0];
  };

  it('reads the YAML front matter', () => {
    const { title, status, owner, version, priority, tags } = prd.meta;
    assert.deepEqual({ title, status, owner, version, priority, tags }, {
      title: 'Checkout Service', status: 'in_progress', owner: 'Dana Reyes', version: '1.2', priority: 'medium', tags: ['payments', 'web'],
    });
    assert.deepEqual(prd.warnings, []);
  });

  it('builds the heading tree with paths, parents, 1-based line ranges and repeated-path keys', () => {
    const byKey = new Map(prd.sections.map((s) => [s.key, s]));
    const fr1 = byKey.get('Checkout Service PRD > Functional Requirements > FR-001: Guest checkout')!;
    assert.deepEqual(fr1.headingPath, ['Checkout Service PRD', 'Functional Requirements', 'FR-001: Guest checkout']);
    assert.equal(fr1.parentKey, 'Checkout Service PRD > Functional Requirements');
    assert.equal(fr1.level, 3);
    assert.deepEqual(fr1.lines, { start: 20, end: 27 });
    assert.equal(fr1.body, 'Users can pay without an account. Priority: High');
    assert.deepEqual(byKey.get('Checkout Service PRD')!.lines, { start: 10, end: 75 });
    assert.ok(byKey.has('Checkout Service PRD > Goals'));
    assert.deepEqual(byKey.get('Checkout Service PRD > Goals #2')!.lines, { start: 73, end: 75 });
  });

  it('does not read "#" lines inside a code fence as headings or IDs inside it as requirements', () => {
    assert.ok(!prd.sections.some((s) => s.title.includes('FR-099')));
    assert.ok(!prd.requirements.some((r) => r.id === 'FR-099'));
    assert.ok(!prd.references.some((r) => r.toId === 'FR-777'));
  });

  it('finds requirements in headings, list items, table rows and paragraphs with their titles and lines', () => {
    const rows = prd.requirements.map((r) => [r.id, r.source, r.title, r.lines.start, r.lines.end]);
    assert.deepEqual(rows, [
      ['FR-001', 'heading', 'Guest checkout', 20, 27],
      ['AC-001', 'list', 'Given a guest cart, when the user pays, then an order is created.', 26, 26],
      ['AC-002', 'list', 'verifies FR-001 for card payments.', 27, 27],
      ['FR-002', 'heading', 'Saved cards (P1)', 29, 37],
      ['OT-P0-001', 'list', 'Card payments', 43, 43],
      ['OT-P0-002', 'list', 'Refunds', 44, 44],
      ['FR-003', 'list', 'Store receipts as PDF #compliance', 45, 45],
      ['FR-004', 'list', 'Email receipts (Status: Blocked)', 46, 46],
      ['OT-P2-001', 'list', 'Apple Pay', 50, 50],
      ['REQ-10', 'table', 'Tax calculation', 56, 56],
      ['REQ-11', 'table', 'Currency display', 57, 57],
      ['US-101', 'paragraph', 'As a shopper, I want to save my cart so that I can buy later.', 59, 59],
    ]);
    assert.equal(req('FR-001').text, 'Users can pay without an account. Priority: High');
    assert.equal(req('OT-P0-001').text, 'OT-P0-001 | Card payments | Accept Visa and Mastercard via `FR-555` gateway');
    assert.equal(req('REQ-10').text, 'REQ-10: Tax calculation\nDescription: Compute VAT per region\nPriority: Must\nStatus: Done');
  });

  it('reads checkboxes, status columns and Status: labels', () => {
    assert.deepEqual(['OT-P0-001', 'OT-P0-002', 'FR-004', 'REQ-10', 'REQ-11', 'FR-003'].map((id) => req(id).status),
      ['done', 'open', 'blocked', 'done', 'in_progress', undefined]);
  });

  it('takes priority from explicit markers before inheriting it from headings and front matter', () => {
    assert.deepEqual(
      ['FR-001', 'FR-002', 'OT-P0-001', 'FR-003', 'OT-P2-001', 'REQ-10', 'REQ-11', 'AC-001'].map((id) => req(id).priority),
      // Priority: High; "(P1)" in its heading; P0 in the ID; the 🔴 P0 heading; P2 in the ID; MoSCoW "Must";
      // "Low" cell; an acceptance criterion with nothing of its own takes FR-001's, not the front matter's P2.
      ['high', 'high', 'critical', 'critical', 'medium', 'critical', 'low', 'high'],
    );
  });

  it('types requirements by ID prefix and by heading', () => {
    assert.deepEqual(['AC-001', 'US-101', 'FR-001', 'OT-P0-001'].map((id) => req(id).type),
      ['acceptance_criteria', 'user_story', 'requirement', 'requirement']);
    const types = Object.fromEntries(prd.sections.map((s) => [s.title, s.type]));
    assert.equal(types.Dependencies, 'dependency');
    assert.equal(types.Constraints, 'constraint');
    assert.equal(types['Out of Scope'], 'out_of_scope');
  });

  it('collects tags from front matter and inline #tags', () => {
    assert.deepEqual(req('FR-003').tags, ['payments', 'web', 'compliance']);
    assert.deepEqual(req('FR-004').tags, ['payments', 'web']);
  });

  it('types references by the phrase before each ID, expands lists and reads structure', () => {
    const refs = prd.references.map((r) => `${r.fromId ?? '-'} ${r.kind} ${r.toId} @${r.line}`).sort();
    assert.deepEqual(refs, [
      'AC-001 VERIFIES FR-001 @26', // an acceptance criterion under FR-001's heading
      'AC-002 VERIFIES FR-001 @27', // "verifies FR-001"
      'AC-003 VERIFIES FR-002 @32', // "Acceptance: AC-003" inside FR-002
      'FR-002 CONFLICTS_WITH FR-009 @31',
      'FR-002 DEPENDS_ON FR-001 @31',
      'FR-002 DEPENDS_ON FR-003 @31', // "Depends on FR-001 and FR-003"
      'OT-P0-002 DEPENDS_ON OT-P0-001 @44',
      'REQ-11 IMPLEMENTS FR-002 @57',
    ]);
  });

  it('ignores IDs inside code spans', () => {
    assert.ok(!prd.references.some((r) => r.toId === 'FR-555'));
  });

  it('resolves local markdown links and keeps wiki links as written; web links are ignored', () => {
    assert.deepEqual(prd.fileLinks.map((l) => [l.target, l.line, l.fromSectionKey]), [
      ['specs/auth/PRD.md', 12, 'Checkout Service PRD'],
      ['billing-prd', 12, 'Checkout Service PRD'],
      ['specs/checkout/docs/gateway.md', 63, 'Checkout Service PRD > Dependencies'],
    ]);
  });

  it('makes one chunk per requirement and per section body with other text', () => {
    const keys = prd.chunks.map((c) => c.key.slice(FILE.length + 2));
    assert.deepEqual(keys, [
      'req:FR-001', 'req:AC-001', 'req:AC-002', 'req:FR-002', 'req:OT-P0-001', 'req:OT-P0-002', 'req:FR-003', 'req:FR-004',
      'req:OT-P2-001', 'req:REQ-10', 'req:REQ-11', 'req:US-101',
      'sec:Checkout Service PRD', 'sec:Checkout Service PRD > Goals', 'sec:Checkout Service PRD > Dependencies',
      'sec:Checkout Service PRD > Constraints', 'sec:Checkout Service PRD > Out of Scope', 'sec:Checkout Service PRD > Goals #2',
    ]);
    const goals = prd.chunks.find((c) => c.key === `${FILE}::sec:Checkout Service PRD > Goals`)!;
    assert.equal(goals.embedText, 'Checkout Service > Checkout Service PRD > Goals\nReduce cart abandonment by 20%.');
    assert.deepEqual(goals.lines, { start: 16, end: 16 });
    const constraint = prd.chunks.find((c) => c.key.endsWith('sec:Checkout Service PRD > Constraints'))!;
    assert.equal(constraint.type, 'constraint');
    const ot = prd.chunks.find((c) => c.requirementId === 'OT-P0-001')!;
    assert.deepEqual([ot.type, ot.priority, ot.status, ot.sectionKey], ['requirement', 'critical', 'done', 'Checkout Service PRD > Operational Targets > 🔴 P0 – Must ship']);
  });
});

describe('parse: priority of acceptance criteria', () => {
  const prd = parsePrd('p.md', [
    '---', 'priority: critical', '---', '# Sync', '', '## Requirements', '',
    '### FR-1: Delta sync', '', 'Priority: P2', '', '### FR-2: Cursor', '', 'Resumes where it stopped.', '',
    '## Acceptance Criteria', '',
    '- AC-1: Given one device, When it syncs, Then only new operations arrive. Verifies FR-1.',
    '- AC-2: Given a reinstall, When it signs in, Then sync resumes. Verifies FR-2.',
    '- AC-3: Given both, When it syncs, Then it works. Verifies FR-1 and FR-2.',
    '- AC-4: Given a phone, When it sleeps, Then nothing is lost. Verifies US-9.',
    '', '### 🟢 P3 – Later', '', '- AC-5: Given a tablet, When it syncs, Then it works.', '',
  ].join('\n'), defaultParseOptions());
  const priority = (id: string) => prd.requirements.find((r) => r.id === id)!.priority;

  it('gives requirements without a marker the front matter priority', () => {
    assert.deepEqual([priority('FR-1'), priority('FR-2')], ['medium', 'critical']);
  });

  it('gives an acceptance criterion the highest priority of what it verifies, not the front matter priority', () => {
    assert.deepEqual([priority('AC-1'), priority('AC-2'), priority('AC-3')], ['medium', 'critical', 'critical']);
    assert.equal(priority('AC-4'), undefined, 'US-9 is not defined in this PRD');
    assert.equal(priority('AC-5'), 'low', 'an explicit heading marker still counts');
  });
});

describe('parse: chunks of heading requirements', () => {
  const prd = parsePrd('n.md', '# Notifications\n\n## Requirements\n\n### FR-022: Digest of schedule changes\n\n**Priority:** P2\n\nOnce an hour, users receive one summary.\n\n### FR-023: Quiet hours\n\n### FR-024: Push\n\nThrough APNs.\n', defaultParseOptions());
  const chunk = (id: string) => prd.chunks.find((c) => c.requirementId === id)!;

  it('leaves the heading out of the chunk text, so a search snippet does not repeat the title', () => {
    const c = chunk('FR-022');
    assert.equal(c.text, '**Priority:** P2\n\nOnce an hour, users receive one summary.');
    assert.deepEqual(c.lines, { start: 5, end: 9 }, 'from the heading, where a search hit should open');
    assert.equal(c.embedText, `Notifications > Notifications > Requirements > FR-022: Digest of schedule changes\n${c.text}`);
    assert.equal(prd.requirements.find((r) => r.id === 'FR-022')!.text, c.text);
  });

  it('keeps the heading as the text of a requirement with no body, so it can still be found', () => {
    assert.equal(chunk('FR-023').text, 'FR-023: Quiet hours');
    assert.deepEqual(chunk('FR-023').lines, { start: 11, end: 11 });
  });
});

describe('parse: title', () => {
  const title = (file: string, text: string) => parsePrd(file, text, defaultParseOptions()).meta.title;
  it('prefers the front matter title', () => assert.equal(title('a/PRD.md', '---\ntitle: Alpha\n---\n# Product Requirements Document (PRD)\n'), 'Alpha'));
  it('uses a specific first H1, without a trailing "PRD"', () => {
    assert.equal(title('a/PRD.md', '# Mail-in-a-Box Resource PRD\n'), 'Mail-in-a-Box Resource');
    assert.equal(title('a/PRD.md', '# OpenTripPlanner Product Requirements Document\n'), 'OpenTripPlanner');
    assert.equal(title('a/PRD.md', '# 🤖 Huginn Agent-Based Workflow Automation Platform\n'), 'Huginn Agent-Based Workflow Automation Platform');
  });
  it('drops the generic part of an H1', () => {
    assert.equal(title('a/PRD.md', '# Product Requirements Document (PRD) - Pregnancy Tracker\n'), 'Pregnancy Tracker');
    assert.equal(title('a/PRD.md', '# 📋 Workflow Scheduler - Product Requirements Document\n'), 'Workflow Scheduler');
    assert.equal(title('a/PRD.md', '# Product Requirements Document: Zigbee2MQTT\n'), 'Zigbee2MQTT');
    assert.equal(title('a/PRD.md', '# Node-RED Resource PRD (Product Requirements Document)\n'), 'Node-RED Resource');
    assert.equal(title('a/PRD.md', '# Task Planner - Product Requirements Document (PRD)\n'), 'Task Planner');
  });
  it('falls back to the scenario folder for a generic H1 in PRD.md', () => {
    assert.equal(title('scenarios/pregnancy-tracker/PRD.md', '# Product Requirements Document (PRD)\n\n## Overview\n'), 'pregnancy-tracker');
    assert.equal(title('resources/openrouter/PRD.md', '# Product Requirements Document (PRD) - Resource\n'), 'openrouter');
  });
  it('falls back to the file name when there is no H1', () => assert.equal(title('docs/auth-spec.md', '## Goals\n\ntext\n'), 'auth-spec'));
});

describe('parse: requirement forms and references', () => {
  const parse = (text: string, file = 'x.md') => parsePrd(file, text, defaultParseOptions());

  it('reads "#### FR-001 - Title" headings and bold / plain / checkbox list items', () => {
    const prd = parse('#### FR-001 - Login\n\nBody.\n\n- **FR-002**: Export data\n- FR-003: Import data\n- [ ] NFR-01: Fast\n- [x] UC-001 Checkout\n- BR-7 Tax rules\n');
    assert.deepEqual(prd.requirements.map((r) => [r.id, r.title, r.status ?? '-', r.type]), [
      ['FR-001', 'Login', '-', 'requirement'],
      ['FR-002', 'Export data', '-', 'requirement'],
      ['FR-003', 'Import data', '-', 'requirement'],
      ['NFR-01', 'Fast', 'open', 'non_functional'],
      ['UC-001', 'Checkout', 'done', 'feature'],
      ['BR-7', 'Tax rules', '-', 'requirement'],
    ]);
  });

  it('treats an ID later in a line as a reference, not a definition', () => {
    const prd = parse('## Notes\n\nSee FR-010 for details; this relates to FR-011.\n');
    assert.deepEqual(prd.requirements, []);
    assert.deepEqual(prd.references.map((r) => [r.fromId, r.fromSectionKey, r.toId, r.kind]), [
      [undefined, 'Notes', 'FR-010', 'REFERENCES'],
      [undefined, 'Notes', 'FR-011', 'REFERENCES'],
    ]);
  });

  it('keeps duplicate IDs within a file and gives their chunks unique keys', () => {
    const prd = parse('- FR-001: First\n- FR-001: Second\n- FR-001: Third\n');
    assert.deepEqual(prd.requirements.map((r) => [r.id, r.title, r.lines.start]), [['FR-001', 'First', 1], ['FR-001', 'Second', 2], ['FR-001', 'Third', 3]]);
    assert.deepEqual(prd.chunks.map((c) => c.key), ['x.md::req:FR-001', 'x.md::req:FR-001#2', 'x.md::req:FR-001#3']);
  });

  it('types each reference phrase', () => {
    const prd = parse([
      '- FR-100: Base',
      '- FR-101: requires FR-100',
      '- FR-102: blocked by FR-100, FR-101 and FR-103',
      '- FR-104: refines FR-100',
      '- FR-105: child of FR-100',
      '- FR-106: implements US-001',
      '- AC-107: validates FR-100',
      '- AC-108: tests FR-101',
      '- FR-109: conflicts with FR-100',
      '- FR-110: needs FR-100; see also FR-101',
      '- FR-111: verified by AC-107',
      '- FR-112: unit tests cover FR-100',
    ].join('\n'));
    assert.deepEqual(prd.references.map((r) => `${r.fromId} ${r.kind} ${r.toId}`), [
      'FR-101 DEPENDS_ON FR-100',
      'FR-102 DEPENDS_ON FR-100', 'FR-102 DEPENDS_ON FR-101', 'FR-102 DEPENDS_ON FR-103',
      'FR-104 REFINES FR-100',
      'FR-105 REFINES FR-100',
      'FR-106 IMPLEMENTS US-001',
      'AC-107 VERIFIES FR-100',
      'AC-108 VERIFIES FR-101',
      'FR-109 CONFLICTS_WITH FR-100',
      'FR-110 DEPENDS_ON FR-100', 'FR-110 REFERENCES FR-101',
      'AC-107 VERIFIES FR-111',
      'FR-112 REFERENCES FR-100',
    ]);
  });

  it('links a requirement nested under another: sub-requirements refine, acceptance criteria verify', () => {
    const prd = parse('- FR-1: Parent\n  - FR-1.1: Child\n  - AC-9: Checks it\n');
    assert.deepEqual(prd.references.map((r) => `${r.fromId} ${r.kind} ${r.toId} @${r.line}`), ['FR-1.1 REFINES FR-1 @2', 'AC-9 VERIFIES FR-1 @3']);
    assert.equal(prd.requirements[0].text, 'FR-1: Parent');
    const siblings = parse('### FR-1: One\n\n- FR-2: Listed under it\n');
    assert.deepEqual(siblings.references, []);
  });

  it('reads table columns by their headers', () => {
    const prd = parse('| Priority | Req | Name | State |\n|---|---|---|---|\n| High | FR-7 | Audit log | Blocked |\n');
    assert.deepEqual(prd.requirements.map((r) => [r.id, r.title, r.priority, r.status, r.source]), [['FR-7', 'Audit log', 'high', 'blocked', 'table']]);
  });

  it('honours custom ID patterns', () => {
    const prd = parsePrd('y.md', '- CHK-12: Custom\n- FR-001: Not matched\n', { ...defaultParseOptions(), idPatterns: ['CHK-\\d+'] });
    assert.deepEqual(prd.requirements.map((r) => r.id), ['CHK-12']);
  });

  it('does not take prose words or lookalike tokens (GPT-4, SHA-256) as IDs', () => {
    const prd = parse('- GPT-4 integration\n- SHA-256 hashing\n');
    assert.deepEqual(prd.requirements, []);
  });

  it('puts text before the first heading in a preamble section', () => {
    const prd = parse('FR-1: Before headings\n\nIntro.\n\n# Title\n');
    assert.equal(prd.requirements[0].sectionKey, '(preamble)');
    assert.deepEqual(prd.sections.map((s) => [s.key, s.lines.start, s.lines.end]), [['(preamble)', 1, 3], ['Title', 5, 5]]);
    assert.equal(prd.chunks.find((c) => c.kind === 'section')?.embedText, 'Title\nIntro.');
  });

  it('handles setext headings, fences nested in lists and quotes, status headings, Tags: lines and .docx links', () => {
    const prd = parse([
      'Title', '=====', '', 'Intro', '',
      '- item', '', '  ```js', '  # code', '  ```', '', '> ```', '> FR-50: quoted code', '> ```', '',
      '## ✅ Completed', '', '- FR-9: Shipped thing', '', 'Tags: alpha, beta', '',
      'See [spec](../specs/x.docx), #hashtag and colour #fff.',
    ].join('\n'), 'docs/x.md');
    assert.deepEqual(prd.warnings, []);
    assert.deepEqual(prd.sections.map((s) => [s.key, s.lines.start, s.body.split('\n')[0]]), [['Title', 1, 'Intro'], ['Title > ✅ Completed', 16, '- FR-9: Shipped thing']]);
    assert.deepEqual(prd.requirements.map((r) => [r.id, r.status]), [['FR-9', 'done']]);
    assert.deepEqual(prd.fileLinks.map((l) => l.target), ['specs/x.docx']);
    assert.deepEqual(prd.chunks.find((c) => c.key === 'docs/x.md::sec:Title > ✅ Completed')?.tags, ['alpha', 'beta', 'hashtag']);
  });
});
