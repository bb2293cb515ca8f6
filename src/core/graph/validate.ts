// Problems found in the index: duplicate and dangling requirement IDs, dependency cycles, untraced
// requirements, empty sections, and the parser's own warnings.
import type { ChunkType, Diagnostic, GraphNode, IndexSnapshot, ParseWarning, StoredRequirement } from '../types';
import type { RequirementGraph } from './requirement-graph';

export type SeverityOption = Diagnostic['severity'] | 'off';

export interface ValidateOptions {
  /**
   * Requirements that nothing VERIFIES. Default 'info': most PRDs (the whole sample corpus) record no
   * acceptance-criteria links, so anything louder would bury the real problems.
   */
  unverifiedSeverity?: SeverityOption;
  /**
   * The same ID defined in several PRDs. Default 'off': IDs are scoped per PRD by design (the corpus
   * defines OT-P0-001 in 47 PRDs); turn it on for a workspace that wants globally unique IDs.
   */
  crossPrdDuplicateSeverity?: SeverityOption;
  /** A heading with no body and no sub-sections. Default 'warning'. */
  emptySectionSeverity?: SeverityOption;
  /** Passed through as 'parse-warning' diagnostics (severity warning). */
  parseWarnings?: ParseWarning[];
}

/**
 * The kinds of requirement that should have something verifying them. Acceptance criteria, constraints,
 * risks, assumptions and the like are not themselves expected to be verified.
 */
export const VERIFIABLE_TYPES: readonly ChunkType[] = ['requirement', 'feature', 'user_story', 'non_functional'];

export function validate(snapshot: IndexSnapshot, graph: RequirementGraph, options: ValidateOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit = (severity: SeverityOption, d: Omit<Diagnostic, 'severity'>) => {
    if (severity !== 'off') out.push({ ...d, severity });
  };

  const firstInFile = new Map<string, StoredRequirement>();
  for (const r of [...snapshot.requirements].sort((a, b) => a.lines.start - b.lines.start)) {
    const key = `${r.file}\u0000${r.id}`;
    const first = firstInFile.get(key);
    if (!first) {
      firstInFile.set(key, r);
      continue;
    }
    emit('error', {
      code: 'duplicate-id', file: r.file, line: r.lines.start,
      message: `Duplicate requirement ID ${r.id}: already defined on line ${first.lines.start} of this PRD`,
      related: [{ file: first.file, line: first.lines.start, message: `${r.id} first defined here` }],
    });
  }

  const crossSeverity = options.crossPrdDuplicateSeverity ?? 'off';
  if (crossSeverity !== 'off') {
    const byId = new Map<string, StoredRequirement[]>();
    for (const r of firstInFile.values()) {
      const defs = byId.get(r.id);
      if (defs) defs.push(r);
      else byId.set(r.id, [r]);
    }
    for (const [id, defs] of byId) {
      if (defs.length < 2) continue;
      for (const r of defs) {
        const others = defs.filter((d) => d !== r).sort((a, b) => (a.file < b.file ? -1 : 1));
        emit(crossSeverity, {
          code: 'duplicate-id-across-prds', file: r.file, line: r.lines.start,
          message: `Requirement ID ${id} is also defined in ${others.length} other PRD${others.length === 1 ? '' : 's'}`,
          related: others.map((o) => ({ file: o.file, line: o.lines.start, message: `${id} defined here` })),
        });
      }
    }
  }

  for (const u of graph.unresolvedReferences) {
    const ref = u.reference;
    const from = ref.fromId !== undefined ? ` in ${ref.fromId}` : '';
    if (u.status === 'unknown') {
      emit('warning', {
        code: 'unknown-reference', file: ref.file, line: ref.line,
        message: `Unknown requirement ID ${ref.toId} (${ref.kind}${from}): no PRD defines it`,
      });
    } else {
      emit('warning', {
        code: 'ambiguous-reference', file: ref.file, line: ref.line,
        message: `Ambiguous requirement ID ${ref.toId} (${ref.kind}${from}): defined in ${u.candidates.length} other PRDs and not in this one`,
        related: u.candidates.map((c) => ({ file: c.file, line: c.lines.start, message: `${ref.toId} defined here` })),
      });
    }
  }

  for (const cycle of graph.cycles(['DEPENDS_ON'])) {
    const members = cycle.map((k) => graph.node(k)!);
    for (const node of members) {
      const name = (n: GraphNode) => (n.file === node.file ? nodeName(n) : `${nodeName(n)} (${n.file})`);
      const start = members.indexOf(node);
      const walk = [...members.slice(start), ...members.slice(0, start), node].map(name).join(' → ');
      emit('error', {
        code: 'dependency-cycle', file: node.file, line: node.lines.start,
        message: `Dependency cycle: ${walk}`,
        related: members.filter((m) => m !== node).map((m) => ({ file: m.file, line: m.lines.start, message: `${nodeName(m)} is part of the cycle` })),
      });
    }
  }

  const unverifiedSeverity = options.unverifiedSeverity ?? 'info';
  if (unverifiedSeverity !== 'off') {
    for (const node of graph.nodes()) {
      if (node.kind !== 'requirement' || node.type === undefined || !VERIFIABLE_TYPES.includes(node.type)) continue;
      if (node.status === 'deprecated' || graph.verifiers(node.key).length > 0) continue;
      emit(unverifiedSeverity, {
        code: 'unverified-requirement', file: node.file, line: node.lines.start,
        message: `${node.requirementId} has no acceptance criteria: nothing VERIFIES it`,
      });
    }
  }

  const emptySeverity = options.emptySectionSeverity ?? 'warning';
  if (emptySeverity !== 'off') {
    const hasContent = new Set<string>();
    for (const s of snapshot.sections) if (s.parentKey !== undefined) hasContent.add(`${s.file}\u0000${s.parentKey}`);
    for (const r of snapshot.requirements) hasContent.add(`${r.file}\u0000${r.sectionKey}`);
    for (const s of snapshot.sections) {
      if (s.body.trim() !== '' || hasContent.has(`${s.file}\u0000${s.key}`)) continue;
      emit(emptySeverity, {
        code: 'empty-section', file: s.file, line: s.lines.start,
        message: `Section "${s.title}" is empty: no text and no sub-sections`,
      });
    }
  }

  for (const w of options.parseWarnings ?? []) {
    out.push({ code: 'parse-warning', severity: 'warning', file: w.file, line: w.line, message: w.message });
  }

  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || compare(a.code, b.code) || compare(a.message, b.message)));
}

function nodeName(n: GraphNode): string {
  return n.requirementId ?? n.title;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
