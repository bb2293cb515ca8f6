// The domain model shared by every part of the core. Plain data only: no I/O, no classes.

export const CHUNK_TYPES = [
  'overview', 'objective', 'requirement', 'feature', 'user_story', 'acceptance_criteria', 'constraint',
  'non_functional', 'stakeholder', 'metric', 'dependency', 'risk', 'assumption', 'out_of_scope', 'other',
] as const;
export type ChunkType = (typeof CHUNK_TYPES)[number];

/** P0 = critical (must ship), P1 = high, P2 = medium, P3 = low. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Normalised status of a PRD or requirement. `[x]` -> done, `[ ]` -> open. */
export const STATUSES = ['draft', 'proposed', 'approved', 'open', 'in_progress', 'blocked', 'done', 'deprecated'] as const;
export type Status = (typeof STATUSES)[number];

export const EDGE_KINDS = [
  'CONTAINS', 'DEPENDS_ON', 'REFINES', 'IMPLEMENTS', 'VERIFIES', 'CONFLICTS_WITH', 'REFERENCES', 'LINKS_TO', 'RELATED_TO',
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** 1-based, inclusive line numbers of the source file. */
export interface LineRange {
  start: number;
  end: number;
}

export interface ParseWarning {
  file: string;
  line: number;
  message: string;
}

export interface PrdMetadata {
  title: string;
  status?: Status;
  owner?: string;
  version?: string;
  priority?: Priority;
  tags: string[];
  /** The raw YAML front matter (empty object when there is none or it is invalid). */
  frontMatter: Record<string, unknown>;
}

export interface Section {
  /** Stable identity within the file: the heading path joined with ' > ' (plus ' #n' when a path repeats). */
  key: string;
  title: string;
  level: number;
  /** Titles of the ancestors and of this section, outermost first. */
  headingPath: string[];
  parentKey?: string;
  /** From the heading line to the line before the next heading of the same or a higher level. */
  lines: LineRange;
  /** Markdown text of the section's own body (without sub-sections and without its heading line). */
  body: string;
  type: ChunkType;
  priority?: Priority;
}

export type RequirementSource = 'heading' | 'list' | 'table' | 'paragraph';

export interface Requirement {
  /** The ID as written, e.g. FR-001 or OT-P0-001. Not unique across PRDs: identity is (file, id). */
  id: string;
  title: string;
  text: string;
  type: ChunkType;
  priority?: Priority;
  status?: Status;
  tags: string[];
  headingPath: string[];
  sectionKey: string;
  lines: LineRange;
  source: RequirementSource;
}

/** An explicit mention of a requirement ID inside another requirement or section. */
export interface Reference {
  /** The requirement ID the mention is inside of, or undefined when it is in a section body. */
  fromId?: string;
  fromSectionKey: string;
  toId: string;
  kind: Exclude<EdgeKind, 'CONTAINS' | 'LINKS_TO' | 'RELATED_TO'>;
  line: number;
}

/** A markdown link or [[wiki link]] to another file; target is resolved relative to the linking file. */
export interface FileLink {
  target: string;
  line: number;
  fromSectionKey: string;
}

export interface Chunk {
  /** Stable identity: `${file}::req:${id}` or `${file}::sec:${sectionKey}`, plus `::${part}` for parts after the first. */
  key: string;
  kind: 'requirement' | 'section';
  part: number;
  /** The text shown to users and indexed for keyword search. */
  text: string;
  /** The text given to the embedding model: PRD title and heading path, then the text. */
  embedText: string;
  type: ChunkType;
  priority?: Priority;
  status?: Status;
  tags: string[];
  requirementId?: string;
  sectionKey: string;
  headingPath: string[];
  lines: LineRange;
}

export interface ParsedPrd {
  /** Path as given to the parser (the indexer passes a path relative to its root, with '/' separators). */
  file: string;
  meta: PrdMetadata;
  sections: Section[];
  requirements: Requirement[];
  references: Reference[];
  fileLinks: FileLink[];
  chunks: Chunk[];
  warnings: ParseWarning[];
}

export interface ParseOptions {
  /** Regular expression sources for requirement IDs; each must match the whole ID. */
  idPatterns: string[];
  /** Counts word pieces of a text; the chunker keeps each chunk's embedText within maxTokens. */
  countTokens: (text: string) => number;
  maxTokens: number;
  /** Paragraphs repeated at the start of the next part when a long text is split. */
  overlapParagraphs: number;
}

export interface SearchFilters {
  files?: string[];
  types?: ChunkType[];
  priorities?: Priority[];
  statuses?: Status[];
  tags?: string[];
}

export type SearchMode = 'hybrid' | 'semantic' | 'keyword';

export interface SearchHit {
  chunkKey: string;
  file: string;
  prdTitle: string;
  lines: LineRange;
  headingPath: string[];
  requirementId?: string;
  type: ChunkType;
  priority?: Priority;
  status?: Status;
  snippet: string;
  score: number;
  /** Why it is in the list: a direct match, or a DEPENDS_ON neighbour added by graph expansion. */
  via: 'match' | 'expansion';
}

export interface Diagnostic {
  code: 'duplicate-id' | 'duplicate-id-across-prds' | 'unknown-reference' | 'ambiguous-reference' | 'dependency-cycle'
    | 'unverified-requirement' | 'empty-section' | 'parse-warning';
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  message: string;
  /** Other places the message is about, e.g. the first definition of a duplicate ID. */
  related?: { file: string; line: number; message: string }[];
}

// ---- What the store hands to the graph, validation and context builders ----

export interface StoredPrd { file: string; meta: PrdMetadata }
export interface StoredSection extends Section { file: string }
export interface StoredRequirement extends Requirement { file: string }
export interface StoredReference extends Reference { file: string }
export interface StoredFileLink extends FileLink { file: string }
export interface StoredChunk {
  key: string;
  file: string;
  kind: Chunk['kind'];
  part: number;
  text: string;
  type: ChunkType;
  priority?: Priority;
  status?: Status;
  requirementId?: string;
  sectionKey: string;
  headingPath: string[];
  lines: LineRange;
}
/** A semantic RELATED_TO pair between chunks of different PRDs (stored once per direction found). */
export interface RelatedPair { fromChunk: string; toChunk: string; score: number }

/** Everything the index knows, as plain rows. The graph is built from this; it is the source of truth's view. */
export interface IndexSnapshot {
  prds: StoredPrd[];
  sections: StoredSection[];
  requirements: StoredRequirement[];
  references: StoredReference[];
  fileLinks: StoredFileLink[];
  chunks: StoredChunk[];
  related: RelatedPair[];
  /** What the parser warned about, per file, as stored with the file. */
  parseWarnings?: ParseWarning[];
}

// ---- Interfaces every backend meets (embedded now; Qdrant / FalkorDB later) ----

export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  /** L2-normalised vectors, one per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface VectorRecord {
  key: string;
  vector: Float32Array;
  file: string;
  type: ChunkType;
  priority?: Priority;
  status?: Status;
  tags: string[];
}

export interface VectorHit { key: string; score: number }

export interface VectorIndex {
  upsert(records: VectorRecord[]): Promise<void>;
  deleteByFile(file: string): Promise<void>;
  search(vector: Float32Array, k: number, filters?: SearchFilters): Promise<VectorHit[]>;
}

export const NODE_KINDS = ['prd', 'section', 'requirement'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export interface GraphNode {
  /** `prd:${file}`, `sec:${file}::${sectionKey}` or `req:${file}::${requirementId}`. */
  key: string;
  kind: NodeKind;
  file: string;
  label: string;
  title: string;
  requirementId?: string;
  type?: ChunkType;
  priority?: Priority;
  status?: Status;
  lines: LineRange;
  headingPath: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The file whose content produced the edge (deleteBySource removes by it). */
  file: string;
  line?: number;
  /** Cosine similarity, for RELATED_TO. */
  score?: number;
}

export type Direction = 'out' | 'in' | 'both';

export interface Subgraph { nodes: GraphNode[]; edges: GraphEdge[] }

export interface ReachedNode {
  node: GraphNode;
  /** Number of edges from the starting node (the fewest). */
  depth: number;
}

export interface GraphCounts { nodes: number; edges: number }

export interface GraphStore {
  upsert(nodes: GraphNode[], edges: GraphEdge[]): Promise<void>;
  deleteBySource(file: string): Promise<void>;
  neighbors(key: string, options: { depth: number; direction: Direction; kinds?: EdgeKind[] }): Promise<Subgraph>;
  /** Shortest path (fewest edges) from one node to another along the given kinds; [] when none. */
  paths(from: string, to: string, options: { kinds?: EdgeKind[]; maxDepth?: number; direction?: Direction }): Promise<GraphNode[][]>;
  /** What `key` depends on (outgoing DEPENDS_ON), nearest first; transitive unless told otherwise. */
  dependencies(key: string, options?: { transitive?: boolean }): Promise<ReachedNode[]>;
  /** Impact: what depends on `key` (incoming DEPENDS_ON, and REFINES unless throughRefines is false), nearest first. */
  dependents(key: string, options?: { transitive?: boolean; throughRefines?: boolean }): Promise<ReachedNode[]>;
  /** Cycles along the kinds (default DEPENDS_ON) as node keys, each rotated to its smallest key, sorted. */
  cycles(kinds?: EdgeKind[]): Promise<string[][]>;
  /** Removes every node and edge. */
  clear(): Promise<void>;
  counts(): Promise<GraphCounts>;
  close(): Promise<void>;
}
