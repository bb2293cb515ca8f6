import { strict as assert } from 'node:assert';
import { parse } from 'node-html-parser';
import { buildGraph } from '../../src/core/graph/build';
import { CSV_EDGE_COLUMNS, CSV_NODE_COLUMNS, toCsv, toCytoscapeJson, toGraphMl, toTraceabilityMatrix } from '../../src/core/graph/export';
import { snapshot } from '../fixtures/graph/snapshot-builder';

const NASTY = 'Checkout <fast> & "safe", \'really\' | pipes,\nand a newline';

// a.md: A-1 (nasty title) depends on A-2; V-1 verifies A-1; I-1 implements A-1. b.md: B-1 verifies A-1 too.
const s = snapshot()
  .prd('a.md', 'Shop & <Co>')
  .req('a.md', 'A-1', { line: 3, title: NASTY })
  .req('a.md', 'A-2', { line: 4 })
  .req('a.md', 'A-3', { line: 5, title: 'Unverified' })
  .req('a.md', 'V-1', { line: 9, type: 'acceptance_criteria' })
  .req('a.md', 'I-1', { line: 10 })
  .ref('a.md', 'A-1', 'A-2', 'DEPENDS_ON', 3)
  .ref('a.md', 'V-1', 'A-1', 'VERIFIES', 9)
  .ref('a.md', 'I-1', 'A-1', 'IMPLEMENTS', 10)
  .prd('b.md')
  .req('b.md', 'B-1', { line: 2 })
  .ref('b.md', 'B-1', 'A-1', 'VERIFIES', 2)
  .related('a.md::req:A-2', 'b.md::req:B-1', 0.75)
  .snapshot;
const graph = buildGraph(s);
const whole = graph.all();

/** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    assert.ok(c !== '"' && c !== '\n' && c !== '\r', `unquoted special character at offset ${i}`);
    field += c; i++;
  }
  assert.equal(field + row.join(''), '', 'the last record ends with CRLF');
  return rows;
}

describe('graph export: Cytoscape JSON', () => {
  it('has one element per node and edge, with unique ids and edges pointing at existing nodes', () => {
    const json = toCytoscapeJson(whole);
    assert.equal(json.elements.nodes.length, whole.nodes.length);
    assert.equal(json.elements.edges.length, whole.edges.length);
    const nodeIds = new Set(json.elements.nodes.map((n) => n.data.id));
    const edgeIds = new Set(json.elements.edges.map((e) => e.data.id));
    assert.equal(edgeIds.size, whole.edges.length);
    for (const e of json.elements.edges) assert.ok(nodeIds.has(e.data.source) && nodeIds.has(e.data.target));
    const a1 = json.elements.nodes.find((n) => n.data.id === 'req:a.md::A-1')!.data;
    assert.equal(a1.title, NASTY);
    assert.equal(a1.line, 3);
    const related = json.elements.edges.find((e) => e.data.kind === 'RELATED_TO')!.data;
    assert.equal(related.score, 0.75);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json, 'survives JSON serialisation unchanged');
  });
});

describe('graph export: GraphML', () => {
  const xml = toGraphMl(whole);
  const doc = parse(xml, { lowerCaseTagName: false });

  it('declares every data key it uses and keeps the element counts', () => {
    const declared = new Set(doc.querySelectorAll('key').map((k) => k.getAttribute('id')));
    for (const d of doc.querySelectorAll('data')) assert.ok(declared.has(d.getAttribute('key')!), `key ${d.getAttribute('key')} declared`);
    assert.equal(doc.querySelectorAll('node').length, whole.nodes.length);
    assert.equal(doc.querySelectorAll('edge').length, whole.edges.length);
    assert.equal(doc.querySelector('graph')?.getAttribute('edgedefault'), 'directed');
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  });

  it('escapes markup characters and quotes so titles read back exactly', () => {
    const a1 = doc.querySelectorAll('node').find((n) => n.getAttribute('id') === 'req:a.md::A-1')!;
    const title = a1.querySelectorAll('data').find((d) => d.getAttribute('key') === 'n_title')!;
    assert.equal(title.text, NASTY);
    const prd = doc.querySelectorAll('node').find((n) => n.getAttribute('id') === 'prd:a.md')!;
    assert.equal(prd.querySelectorAll('data').find((d) => d.getAttribute('key') === 'n_label')!.text, 'Shop & <Co>');
    assert.ok(!xml.includes('<fast>') && !xml.includes('"safe"'), 'no raw markup or quotes from the title');
  });

  it('drops control characters XML cannot carry', () => {
    const [node] = whole.nodes;
    const out = toGraphMl({ nodes: [{ ...node, title: 'bell\u0007 tab\tok' }], edges: [] });
    assert.ok(out.includes('bell tab\tok'));
  });
});

describe('graph export: CSV', () => {
  const csv = toCsv(whole);

  it('round-trips every node field, including commas, quotes and newlines', () => {
    const [header, ...rows] = readCsv(csv.nodes);
    assert.deepEqual(header, CSV_NODE_COLUMNS);
    assert.equal(rows.length, whole.nodes.length);
    const a1 = rows.find((r) => r[0] === 'req:a.md::A-1')!;
    assert.equal(a1[CSV_NODE_COLUMNS.indexOf('title')], NASTY);
    assert.equal(a1[CSV_NODE_COLUMNS.indexOf('lineStart')], '3');
    for (const r of rows) assert.equal(r.length, CSV_NODE_COLUMNS.length);
  });

  it('lists every edge with its kind, file, line and score', () => {
    const [header, ...rows] = readCsv(csv.edges);
    assert.deepEqual(header, CSV_EDGE_COLUMNS);
    assert.equal(rows.length, whole.edges.length);
    assert.ok(rows.some((r) => r.join('|') === 'req:b.md::B-1|req:a.md::A-1|VERIFIES|b.md|2|'));
    assert.ok(rows.some((r) => r[2] === 'RELATED_TO' && r[5] === '0.75'));
  });
});

describe('graph export: traceability matrix', () => {
  const md = toTraceabilityMatrix(graph);
  const tableRows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ID') && !l.startsWith('| ---'));

  it('has one row per requirement with its verifying and implementing items', () => {
    assert.equal(tableRows.length, 6);
    const a1 = tableRows.find((r) => r.startsWith('| A-1 |'))!;
    assert.ok(a1.includes('V-1 (line 9), B-1 (b.md:2)'), a1);
    assert.ok(a1.includes('| I-1 (line 10) |'), a1);
    assert.ok(tableRows.find((r) => r.startsWith('| A-3 |'))!.includes('| — | — |'));
  });

  it('escapes pipes and newlines so each row keeps five cells', () => {
    const a1 = tableRows.find((r) => r.startsWith('| A-1 |'))!;
    assert.ok(a1.includes('\\| pipes'));
    assert.ok(!a1.includes('\n'));
    for (const row of tableRows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 5, row);
  });

  it('summarises coverage and can be limited to some PRDs and types', () => {
    assert.ok(md.includes('Coverage: 1 of 6 requirements verified (17%), 1 of 6 implemented (17%).'), md);
    const onlyB = toTraceabilityMatrix(graph, { files: ['b.md'] });
    assert.ok(onlyB.includes('Coverage: 0 of 1 requirements verified (0%)'), onlyB);
    const onlyAc = toTraceabilityMatrix(graph, { types: ['acceptance_criteria'] });
    assert.ok(onlyAc.includes('| V-1 |') && !onlyAc.includes('| A-1 |'));
  });
});
