// Export formats for a subgraph: Cytoscape JSON (the graph panel), GraphML (yEd, Gephi), CSV (spreadsheets)
// and a Markdown traceability matrix.
import type { ChunkType, GraphEdge, GraphNode, Subgraph } from '../types';
import type { RequirementGraph } from './requirement-graph';

export interface CytoscapeNodeData {
  id: string;
  label: string;
  kind: GraphNode['kind'];
  file: string;
  title: string;
  requirementId?: string;
  type?: string;
  priority?: string;
  status?: string;
  line: number;
  lineEnd: number;
}

export interface CytoscapeEdgeData {
  id: string;
  source: string;
  target: string;
  kind: GraphEdge['kind'];
  file: string;
  line?: number;
  score?: number;
}

export interface CytoscapeJson {
  elements: { nodes: { data: CytoscapeNodeData }[]; edges: { data: CytoscapeEdgeData }[] };
}

function edgeIds(edges: readonly GraphEdge[]): string[] {
  const used = new Map<string, number>();
  return edges.map((e) => {
    const base = `${e.kind}:${e.from}->${e.to}@${e.line ?? ''}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

export function toCytoscapeJson(subgraph: Subgraph): CytoscapeJson {
  const ids = edgeIds(subgraph.edges);
  return {
    elements: {
      nodes: subgraph.nodes.map((n) => ({
        data: withoutUndefined({
          id: n.key, label: n.label, kind: n.kind, file: n.file, title: n.title, requirementId: n.requirementId,
          type: n.type, priority: n.priority, status: n.status, line: n.lines.start, lineEnd: n.lines.end,
        }),
      })),
      edges: subgraph.edges.map((e, i) => ({
        data: withoutUndefined({ id: ids[i], source: e.from, target: e.to, kind: e.kind, file: e.file, line: e.line, score: e.score }),
      })),
    },
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const NODE_ATTRIBUTES = [
  ['label', 'string'], ['kind', 'string'], ['file', 'string'], ['title', 'string'], ['requirementId', 'string'],
  ['type', 'string'], ['priority', 'string'], ['status', 'string'], ['line', 'int'], ['lineEnd', 'int'],
] as const;
const EDGE_ATTRIBUTES = [['kind', 'string'], ['file', 'string'], ['line', 'int'], ['score', 'double']] as const;

/** Escapes text for XML content and attribute values and drops the characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function toGraphMl(subgraph: Subgraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
      + ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const [name, type] of NODE_ATTRIBUTES) lines.push(`  <key id="n_${name}" for="node" attr.name="${name}" attr.type="${type}"/>`);
  for (const [name, type] of EDGE_ATTRIBUTES) lines.push(`  <key id="e_${name}" for="edge" attr.name="${name}" attr.type="${type}"/>`);
  lines.push('  <graph id="cvprd" edgedefault="directed">');
  const data = (prefix: string, values: Record<string, string | number | undefined>) =>
    Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => `<data key="${prefix}_${k}">${escapeXml(String(v))}</data>`).join('');
  for (const n of subgraph.nodes) {
    const values = {
      label: n.label, kind: n.kind, file: n.file, title: n.title, requirementId: n.requirementId, type: n.type,
      priority: n.priority, status: n.status, line: n.lines.start, lineEnd: n.lines.end,
    };
    lines.push(`    <node id="${escapeXml(n.key)}">${data('n', values)}</node>`);
  }
  const ids = edgeIds(subgraph.edges);
  subgraph.edges.forEach((e, i) => {
    const values = { kind: e.kind, file: e.file, line: e.line, score: e.score };
    lines.push(`    <edge id="${escapeXml(ids[i])}" source="${escapeXml(e.from)}" target="${escapeXml(e.to)}">${data('e', values)}</edge>`);
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvTable(header: string[], rows: (string | number | undefined)[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const CSV_NODE_COLUMNS = ['key', 'kind', 'file', 'label', 'title', 'requirementId', 'type', 'priority', 'status', 'lineStart', 'lineEnd'];
export const CSV_EDGE_COLUMNS = ['from', 'to', 'kind', 'file', 'line', 'score'];

/** Two RFC 4180 tables (CRLF line ends, header row first), meant to be written as two files. */
export function toCsv(subgraph: Subgraph): { nodes: string; edges: string } {
  return {
    nodes: csvTable(CSV_NODE_COLUMNS, subgraph.nodes.map((n) => [
      n.key, n.kind, n.file, n.label, n.title, n.requirementId, n.type, n.priority, n.status, n.lines.start, n.lines.end,
    ])),
    edges: csvTable(CSV_EDGE_COLUMNS, subgraph.edges.map((e) => [e.from, e.to, e.kind, e.file, e.line, e.score])),
  };
}

export interface TraceabilityOptions {
  /** Only requirements of these PRDs (default: all). */
  files?: string[];
  /** Only requirements of these types (default: all). */
  types?: ChunkType[];
}

function tableCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/**
 * Markdown table, one row per requirement (sorted by PRD and line): what VERIFIES it and what IMPLEMENTS it,
 * followed by a coverage summary line.
 */
export function toTraceabilityMatrix(graph: RequirementGraph, options: TraceabilityOptions = {}): string {
  const rows = [...graph.nodes()]
    .filter((n) => n.kind === 'requirement')
    .filter((n) => !options.files || options.files.includes(n.file))
    .filter((n) => !options.types || (n.type !== undefined && options.types.includes(n.type)))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.lines.start - b.lines.start));
  const describe = (item: GraphNode, row: GraphNode) => {
    const name = item.requirementId ?? item.title;
    return item.file === row.file ? `${name} (line ${item.lines.start})` : `${name} (${item.file}:${item.lines.start})`;
  };
  const lines = ['| ID | Title | PRD | Verified by | Implemented by |', '| --- | --- | --- | --- | --- |'];
  let verified = 0;
  let implemented = 0;
  for (const row of rows) {
    const verifiers = graph.verifiers(row.key);
    const implementers = graph.implementers(row.key);
    if (verifiers.length > 0) verified++;
    if (implementers.length > 0) implemented++;
    const list = (items: GraphNode[]) => (items.length ? items.map((i) => describe(i, row)).join(', ') : '—');
    lines.push(`| ${[row.requirementId ?? row.label, row.title, row.file, list(verifiers), list(implementers)].map(tableCell).join(' | ')} |`);
  }
  const percent = (n: number) => (rows.length ? Math.round((100 * n) / rows.length) : 0);
  lines.push('', `Coverage: ${verified} of ${rows.length} requirements verified (${percent(verified)}%), `
    + `${implemented} of ${rows.length} implemented (${percent(implemented)}%).`, '');
  return lines.join('\n');
}
