// Messages between the extension host and the webviews: discriminated unions on `type`, shared by both sides.
// No vscode or Node imports here. Each webview sends `ready` first; requests carry an id so stale replies are dropped.
// The host validates every incoming message (see src/vscode/webviews/) before it acts on one.

// ---- Search view (webview/search) ----

export type SearchViewMode = 'hybrid' | 'semantic' | 'keyword';
export const SEARCH_VIEW_MODES: readonly SearchViewMode[] = ['hybrid', 'semantic', 'keyword'];

/** Multi-select filters; an empty list means "any". Values are the core's (type `user_story`, priority `high`, ...). */
export interface SearchViewFilters {
  types: string[];
  priorities: string[];
  statuses: string[];
  /** PRD file keys. */
  files: string[];
}

/** What the buttons of the view's states do. */
export type SearchViewAction = 'indexWorkspace' | 'rebuildIndex' | 'openSettings' | 'showLog' | 'openFolder';
export const SEARCH_VIEW_ACTIONS: readonly SearchViewAction[] = ['indexWorkspace', 'rebuildIndex', 'openSettings', 'showLog', 'openFolder'];

export interface SearchViewLines {
  start: number;
  end: number;
}

/** Webview -> host. */
export type SearchViewRequest =
  | { type: 'ready' }
  | { type: 'search'; id: number; query: string; mode: SearchViewMode; filters: SearchViewFilters }
  | { type: 'findSimilar'; id: number; chunkKey: string; label: string }
  | { type: 'open'; file: string; lines: SearchViewLines }
  | { type: 'copyId'; requirementId: string }
  /** The requirement's graph node key, `req:<file>::<ID>`. */
  | { type: 'copyAiContext'; requirementKey: string }
  | { type: 'showInGraph'; requirementKey: string }
  | { type: 'runAction'; action: SearchViewAction };

export interface SearchViewOption {
  value: string;
  label: string;
}

/** The index's state as the view shows it. */
export type SearchViewStatus =
  | { kind: 'noFolder' }
  /** Indexed, and discovery found no PRD files: `include` lists what it looks for. */
  | { kind: 'noPrds'; include: string[] }
  | { kind: 'notIndexed' }
  /** total is 0 while files are still being found. */
  | { kind: 'indexing'; done: number; total: number }
  | { kind: 'error'; message: string; action: SearchViewAction; actionLabel: string }
  | { kind: 'ready'; prds: number; requirements: number; options: { types: SearchViewOption[]; priorities: SearchViewOption[]; statuses: SearchViewOption[]; files: SearchViewOption[] } };

/** One result row, ready to show. Character ranges index into `snippet`. */
export interface SearchViewItem {
  chunkKey: string;
  file: string;
  lines: SearchViewLines;
  prdTitle: string;
  requirementId?: string;
  /** `req:<file>::<ID>` when the hit is a requirement. */
  requirementKey?: string;
  /** The requirement's title, else the last heading, else the PRD title. */
  title: string;
  /** Heading path below the PRD title, joined with ' › '. */
  headingPath: string;
  type: string;
  typeLabel: string;
  priority?: string;
  status?: string;
  snippet: string;
  highlights: [start: number, end: number][];
  /** 0..1, relative to the best hit of the list (scores compare only within one search). */
  scoreFraction: number;
  /** e.g. "cosine 0.612". */
  scoreLabel: string;
}

/** Host -> webview. */
export type SearchViewUpdate =
  | { type: 'status'; status: SearchViewStatus }
  /** The index changed: the view repeats its search. */
  | { type: 'indexChanged' }
  | { type: 'results'; id: number; query: string; items: SearchViewItem[]; tookMs: number; warning?: string; similarTo?: string }
  | { type: 'searchFailed'; id: number; message: string };

// ---- Graph panel (webview/graph) ----
// The element definitions come from the core's graphView() (type-only imports: nothing of src/ is bundled here).

import type { FocusDirection, GraphView, PriorityFilter } from '../src/core/graph/graph-view';
import type { EdgeKind, NodeKind } from '../src/core/types';

export type { FocusDirection, GraphView, GraphViewNodeData, GraphViewProblem, PriorityFilter } from '../src/core/graph/graph-view';
export type { EdgeKind, NodeKind } from '../src/core/types';

export const GRAPH_NODE_KINDS: readonly NodeKind[] = ['prd', 'section', 'requirement'];
export const GRAPH_EDGE_KINDS: readonly EdgeKind[] = [
  'CONTAINS', 'DEPENDS_ON', 'REFINES', 'IMPLEMENTS', 'VERIFIES', 'CONFLICTS_WITH', 'REFERENCES', 'LINKS_TO', 'RELATED_TO',
];
export const GRAPH_PRIORITIES: readonly PriorityFilter[] = ['critical', 'high', 'medium', 'low', 'none'];
export const GRAPH_FOCUS_DIRECTIONS: readonly FocusDirection[] = ['upstream', 'downstream', 'both'];
/** The whole-workspace view starts with this many nodes; "Show more" adds as many again. */
export const GRAPH_NODE_CAP_STEP = 1000;
export const GRAPH_MAX_NODE_CAP = 100_000;

/** What the panel shows: the host renders it with graphView(); the webview keeps it in its state for restores. */
export interface GraphQuery {
  /** Only this PRD and what it links to (Show Graph for Current File); absent: the whole workspace. */
  file?: string;
  focus?: { key: string; depth: number; direction: FocusDirection };
  nodeKinds: NodeKind[];
  edgeKinds: EdgeKind[];
  priorities: PriorityFilter[];
  /** PRD file keys; empty: every PRD. */
  prds: string[];
  maxNodes: number;
  /** Focus follows the requirement under the cursor (or shows the active PRD when the cursor is on none). */
  followEditor: boolean;
}

export const DEFAULT_GRAPH_QUERY: GraphQuery = {
  nodeKinds: ['prd', 'requirement'],
  edgeKinds: [...GRAPH_EDGE_KINDS],
  priorities: [...GRAPH_PRIORITIES],
  prds: [],
  maxNodes: GRAPH_NODE_CAP_STEP,
  followEditor: false,
};

/** `query` focused on the node `key` instead of scoped to a file; depth and direction stay as they were (or the defaults). */
export function focusOn(query: GraphQuery, key: string): GraphQuery {
  return { ...query, file: undefined, focus: { key, depth: query.focus?.depth ?? 1, direction: query.focus?.direction ?? 'both' } };
}

export interface GraphNodeLink {
  direction: 'out' | 'in';
  kind: EdgeKind;
  key: string;
  label: string;
  title: string;
  file: string;
  score?: number;
}

/** What the details pane shows for a clicked node. */
export interface GraphNodeDetails {
  key: string;
  kind: NodeKind;
  label: string;
  title: string;
  file: string;
  line: number;
  type?: string;
  priority?: string;
  status?: string;
  text: string;
  links: GraphNodeLink[];
}

/** Webview -> host. */
export type GraphPanelRequest =
  | { type: 'ready' }
  /** A change of the query from the page; the drawing it brings names `id` in `answers`. */
  | { type: 'query'; id: number; query: GraphQuery }
  /** Hybrid search; the reply names the matching node keys. */
  | { type: 'search'; id: number; text: string }
  | { type: 'details'; id: number; key: string }
  /** Double-click: the node's source at its line. */
  | { type: 'open'; key: string }
  /** png: a `data:image/png;base64,` URL from cy.png(); json: the text to save. */
  | { type: 'export'; format: 'png' | 'json'; data: string }
  | { type: 'runAction'; action: GraphPanelAction };

/** Host -> webview. */
export type GraphPanelUpdate =
  /**
   * update: the index changed under the same query, so the view keeps its viewport, positions and selection.
   * answers: the id of the page's query message that this drawing answers.
   */
  | {
    type: 'graph'; query: GraphQuery; view: GraphView; prds: { file: string; title: string }[]; update: boolean; focusLabel?: string;
    answers?: number;
  }
  | { type: 'searchResults'; id: number; keys: string[]; message?: string }
  | { type: 'details'; id: number; details?: GraphNodeDetails }
  /** Nothing to draw, why, and the action that changes it (a button). */
  | { type: 'empty'; message: string; action?: GraphPanelAction };

/** What the empty panel's button asks the host to do. */
export type GraphPanelAction = 'indexWorkspace' | 'openFolder';
export const GRAPH_PANEL_ACTIONS: readonly GraphPanelAction[] = ['indexWorkspace', 'openFolder'];
