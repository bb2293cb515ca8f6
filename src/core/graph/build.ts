// Builds the requirements graph from the index snapshot. Requirement IDs are scoped per PRD (the corpus
// defines OT-P0-001 in 47 files), so a requirement's identity is (file, id) and references are resolved.
import * as path from 'node:path';
import type { GraphEdge, GraphNode, IndexSnapshot, StoredChunk, StoredRequirement, StoredSection } from '../types';
import { RequirementGraph, prdKey, requirementKey, sectionKey } from './requirement-graph';

export type Resolution =
  | { status: 'resolved'; file: string }
  | { status: 'ambiguous'; files: string[] }
  | { status: 'unknown' };

/**
 * Resolves a mention of `id` made in `fromFile`: the definition in the same file wins; otherwise the single
 * definition elsewhere; several definitions elsewhere are ambiguous; none is unknown.
 */
export function resolveRequirementId(definitions: ReadonlyMap<string, readonly string[]>, id: string, fromFile: string): Resolution {
  const files = definitions.get(id) ?? [];
  if (files.includes(fromFile)) return { status: 'resolved', file: fromFile };
  if (files.length === 1) return { status: 'resolved', file: files[0] };
  if (files.length > 1) return { status: 'ambiguous', files: [...files] };
  return { status: 'unknown' };
}

/** Requirement ID -> files defining it, sorted. */
export function definitionFiles(requirements: readonly StoredRequirement[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const r of requirements) {
    let files = map.get(r.id);
    if (!files) map.set(r.id, (files = new Set()));
    files.add(r.file);
  }
  return new Map([...map].map(([id, files]) => [id, [...files].sort()]));
}

/**
 * Resolves a file link to a PRD: the exact path, then the path relative to the linking file, then — for
 * wiki links like [[pregnancy-tracker]] — the one PRD whose file name or folder name matches.
 */
export function resolveFileLink(prdFiles: readonly string[], fromFile: string, target: string): string | undefined {
  const bare = target.split('#')[0].replace(/\\/g, '/').trim();
  if (bare === '') return undefined;
  const known = new Set(prdFiles);
  const exact = path.posix.normalize(bare).replace(/^\.\//, '');
  if (known.has(exact)) return exact;
  const relative = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), bare));
  if (known.has(relative)) return relative;
  const name = stripMarkdownExtension(path.posix.basename(bare)).toLowerCase();
  const matches = prdFiles.filter((f) => {
    const base = stripMarkdownExtension(path.posix.basename(f)).toLowerCase();
    const folder = path.posix.basename(path.posix.dirname(f)).toLowerCase();
    return base === name || folder === name;
  });
  return matches.length === 1 ? matches[0] : undefined;
}

function stripMarkdownExtension(name: string): string {
  return name.replace(/\.(md|markdown)$/i, '');
}

export function buildGraph(snapshot: IndexSnapshot): RequirementGraph {
  const graph = new RequirementGraph();
  const edges: GraphEdge[] = [];
  const fileEnd = new Map<string, number>();
  for (const s of snapshot.sections) fileEnd.set(s.file, Math.max(fileEnd.get(s.file) ?? 1, s.lines.end));

  for (const prd of snapshot.prds) {
    graph.addNode({
      key: prdKey(prd.file), kind: 'prd', file: prd.file, label: prd.meta.title || path.posix.basename(prd.file),
      title: prd.meta.title, status: prd.meta.status, priority: prd.meta.priority,
      lines: { start: 1, end: fileEnd.get(prd.file) ?? 1 }, headingPath: [],
    });
  }
  const hasPrd = (file: string) => graph.node(prdKey(file)) !== undefined;

  for (const s of snapshot.sections) {
    if (!hasPrd(s.file)) continue;
    graph.addNode(sectionNode(s));
  }
  for (const s of snapshot.sections) {
    if (!hasPrd(s.file)) continue;
    const parent = s.parentKey !== undefined && graph.node(sectionKey(s.file, s.parentKey)) ? sectionKey(s.file, s.parentKey) : prdKey(s.file);
    edges.push({ from: parent, to: sectionKey(s.file, s.key), kind: 'CONTAINS', file: s.file, line: s.lines.start });
  }

  for (const r of snapshot.requirements) {
    const key = requirementKey(r.file, r.id);
    // A duplicate ID within one file keeps its first definition; the validator reports the others.
    if (!hasPrd(r.file) || graph.node(key)) continue;
    graph.addNode(requirementNode(r));
    const container = graph.node(sectionKey(r.file, r.sectionKey)) ? sectionKey(r.file, r.sectionKey) : prdKey(r.file);
    edges.push({ from: container, to: key, kind: 'CONTAINS', file: r.file, line: r.lines.start });
  }

  const definitions = definitionFiles(snapshot.requirements.filter((r) => hasPrd(r.file)));
  for (const ref of snapshot.references) {
    if (!hasPrd(ref.file)) continue;
    const ownRequirement = ref.fromId !== undefined ? requirementKey(ref.file, ref.fromId) : undefined;
    const from = ownRequirement && graph.node(ownRequirement) ? ownRequirement
      : graph.node(sectionKey(ref.file, ref.fromSectionKey)) ? sectionKey(ref.file, ref.fromSectionKey) : prdKey(ref.file);
    const resolution = resolveRequirementId(definitions, ref.toId, ref.file);
    if (resolution.status === 'resolved') {
      edges.push({ from, to: requirementKey(resolution.file, ref.toId), kind: ref.kind, file: ref.file, line: ref.line });
    } else {
      const candidates = resolution.status === 'ambiguous' ? resolution.files.map((f) => graph.node(requirementKey(f, ref.toId))!) : [];
      graph.unresolvedReferences.push({ reference: ref, status: resolution.status, candidates });
    }
  }

  const prdFiles = snapshot.prds.map((p) => p.file);
  for (const link of snapshot.fileLinks) {
    if (!hasPrd(link.file)) continue;
    const target = resolveFileLink(prdFiles, link.file, link.target);
    if (target === undefined || target === link.file) continue;
    edges.push({ from: prdKey(link.file), to: prdKey(target), kind: 'LINKS_TO', file: link.file, line: link.line });
  }

  const chunkOwner = new Map<string, { key: string; chunk: StoredChunk }>();
  for (const c of snapshot.chunks) {
    const key = c.kind === 'requirement' && c.requirementId !== undefined ? requirementKey(c.file, c.requirementId) : sectionKey(c.file, c.sectionKey);
    if (graph.node(key)) chunkOwner.set(c.key, { key, chunk: c });
  }
  const related = new Map<string, GraphEdge>();
  for (const pair of snapshot.related) {
    const from = chunkOwner.get(pair.fromChunk);
    const to = chunkOwner.get(pair.toChunk);
    if (!from || !to || from.key === to.key) continue;
    const id = `${from.key}\u0000${to.key}`;
    const previous = related.get(id);
    // Several chunk pairs (parts of long texts) can join the same two nodes: keep the strongest.
    if (previous && (previous.score ?? 0) >= pair.score) continue;
    related.set(id, { from: from.key, to: to.key, kind: 'RELATED_TO', file: from.chunk.file, line: from.chunk.lines.start, score: pair.score });
  }

  for (const edge of [...edges, ...related.values()]) graph.addEdge(edge);
  return graph;
}

function sectionNode(s: StoredSection): GraphNode {
  return {
    key: sectionKey(s.file, s.key), kind: 'section', file: s.file, label: s.title, title: s.title,
    type: s.type, priority: s.priority, lines: s.lines, headingPath: s.headingPath,
  };
}

function requirementNode(r: StoredRequirement): GraphNode {
  return {
    key: requirementKey(r.file, r.id), kind: 'requirement', file: r.file, label: r.id, title: r.title,
    requirementId: r.id, type: r.type, priority: r.priority, status: r.status, lines: r.lines, headingPath: r.headingPath,
  };
}
