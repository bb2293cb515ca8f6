// The AI context package: one requirement with what it depends on, what verifies it and what is related,
// as cited Markdown cut to a token budget.
import { type RequirementGraph, requirementKey, sectionKey } from './graph/requirement-graph';
import type { GraphNode, IndexSnapshot, LineRange, StoredChunk } from './types';

export interface AiContextOptions {
  /** Upper bound on countTokens(result). Default 2000. The requirement itself is always included whole. */
  tokenBudget?: number;
  /** Semantic neighbours of a chunk, best first. Without it the snapshot's RELATED_TO pairs are used. */
  related?: (chunkKey: string, k: number) => Promise<{ chunk: StoredChunk; score: number }[]>;
  /** Default: about four characters per token, the usual estimate for English text. */
  countTokens?: (text: string) => number;
  /** How many related chunks to consider. Default 5. */
  relatedCount?: number;
}

type BlockKind = 'dependency' | 'verifier' | 'related';

interface Block {
  kind: BlockKind;
  text: string;
  depth?: number;
}

const SECTION_TITLES: Record<BlockKind, string> = {
  dependency: '## Dependencies (transitive, nearest first)',
  verifier: '## Verified by',
  related: '## Related',
};

export function citation(file: string, lines: LineRange): string {
  return lines.end > lines.start ? `${file}:${lines.start}-${lines.end}` : `${file}:${lines.start}`;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export async function buildAiContext(
  graph: RequirementGraph, snapshot: IndexSnapshot, requirementKey: string, options: AiContextOptions = {},
): Promise<string> {
  const node = graph.node(requirementKey);
  if (!node || node.kind !== 'requirement') throw new Error(`No requirement ${requirementKey} in the index`);
  const budget = options.tokenBudget ?? 2000;
  const countTokens = options.countTokens ?? estimateTokens;
  const k = options.relatedCount ?? 5;

  const requirementText = new Map(snapshot.requirements.map((r) => [`${r.file}\u0000${r.id}`, r.text]));
  const sectionText = new Map(snapshot.sections.map((s) => [sectionKey(s.file, s.key), s.body]));
  const bodyOf = (n: GraphNode) => (n.requirementId !== undefined
    ? requirementText.get(`${n.file}\u0000${n.requirementId}`)
    : sectionText.get(n.key)) ?? '';

  const head = [
    `# Context for ${node.requirementId}: ${node.title}`, '',
    '## Requirement', '',
    `- ID: ${node.requirementId}`,
    `- Title: ${node.title}`,
    `- Type: ${node.type ?? 'unknown'}`,
    `- Priority: ${node.priority ?? 'unset'}`,
    `- Status: ${node.status ?? 'unset'}`,
    `- Source: \`${citation(node.file, node.lines)}\``, '',
    bodyOf(node).trim(),
  ].join('\n');

  const describe = (n: GraphNode, suffix = '') =>
    `### ${n.requirementId !== undefined ? `${n.requirementId}: ${n.title}` : n.title}${suffix}\n\`${citation(n.file, n.lines)}\`\n\n${bodyOf(n).trim()}`;

  const dependencies = graph.dependencies(requirementKey, { transitive: true });
  const verifiers = graph.verifiers(requirementKey);
  const shown = new Set([node.key, ...dependencies.map((d) => d.node.key), ...verifiers.map((v) => v.key)]);
  const related = (await relatedChunks(snapshot, node, options.related, k)).filter((r) => !shown.has(ownerKey(r.chunk)));

  // In order of importance; the least important are the first left out.
  const blocks: Block[] = [
    ...dependencies.filter((d) => d.depth === 1).map((d) => ({ kind: 'dependency' as const, depth: 1, text: describe(d.node, ' (direct)') })),
    ...verifiers.map((v) => ({ kind: 'verifier' as const, text: describe(v) })),
    ...dependencies.filter((d) => d.depth > 1).map((d) => ({ kind: 'dependency' as const, depth: d.depth, text: describe(d.node, ` (depth ${d.depth})`) })),
    ...related.map((r) => ({
      kind: 'related' as const,
      text: `### ${r.chunk.headingPath.join(' > ') || r.chunk.file} (similarity ${r.score.toFixed(2)})\n\`${citation(r.chunk.file, r.chunk.lines)}\`\n\n${r.chunk.text.trim()}`,
    })),
  ];

  const render = (included: Set<Block>) => {
    const parts = [head];
    for (const kind of ['dependency', 'verifier', 'related'] as const) {
      const chosen = blocks.filter((b) => b.kind === kind && included.has(b));
      if (chosen.length) parts.push(SECTION_TITLES[kind], ...chosen.map((b) => b.text));
    }
    const note = omissionNote(blocks.filter((b) => !included.has(b)), budget);
    if (note) parts.push(note);
    return parts.join('\n\n') + '\n';
  };

  // Greedy in order of importance: a block that does not fit is left out, smaller later ones may still fit.
  const included = new Set<Block>();
  for (const block of blocks) {
    included.add(block);
    if (countTokens(render(included)) > budget) included.delete(block);
  }
  return render(included);
}

function omissionNote(omitted: Block[], budget: number): string | undefined {
  if (omitted.length === 0) return undefined;
  const count = (kind: BlockKind, one: string, many: string) => {
    const n = omitted.filter((b) => b.kind === kind).length;
    return n === 0 ? [] : [`${n} ${n === 1 ? one : many}`];
  };
  const depths = omitted.filter((b) => b.kind === 'dependency').map((b) => b.depth!);
  const depthNote = depths.length ? ` (depth ${Math.min(...depths)}${Math.max(...depths) > Math.min(...depths) ? `–${Math.max(...depths)}` : ''})` : '';
  const items = [
    ...count('dependency', `dependency${depthNote}`, `dependencies${depthNote}`),
    ...count('verifier', 'verifying item', 'verifying items'),
    ...count('related', 'related chunk', 'related chunks'),
  ];
  return `> Left out to fit the ${budget}-token budget: ${items.join(', ')}.`;
}

function ownerKey(chunk: StoredChunk): string {
  return chunk.kind === 'requirement' && chunk.requirementId !== undefined
    ? requirementKey(chunk.file, chunk.requirementId) : sectionKey(chunk.file, chunk.sectionKey);
}

async function relatedChunks(
  snapshot: IndexSnapshot, node: GraphNode,
  related: AiContextOptions['related'], k: number,
): Promise<{ chunk: StoredChunk; score: number }[]> {
  const own = snapshot.chunks.filter((c) => ownerKey(c) === node.key).sort((a, b) => a.part - b.part);
  const ownKeys = new Set(own.map((c) => c.key));
  let candidates: { chunk: StoredChunk; score: number }[];
  if (related) {
    candidates = own.length ? await related(own[0].key, k + own.length) : [];
  } else {
    const byKey = new Map(snapshot.chunks.map((c) => [c.key, c]));
    candidates = snapshot.related.flatMap((p) => {
      const other = ownKeys.has(p.fromChunk) ? p.toChunk : ownKeys.has(p.toChunk) ? p.fromChunk : undefined;
      const chunk = other !== undefined ? byKey.get(other) : undefined;
      return chunk ? [{ chunk, score: p.score }] : [];
    });
  }
  const best = new Map<string, { chunk: StoredChunk; score: number }>();
  for (const c of candidates) {
    if (ownKeys.has(c.chunk.key) || ownerKey(c.chunk) === node.key) continue;
    const previous = best.get(c.chunk.key);
    if (!previous || previous.score < c.score) best.set(c.chunk.key, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, k);
}
