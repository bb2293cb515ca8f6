// Checks what the graph webview sends before the host acts on it: a webview is untrusted input.
import { MAX_FOCUS_DEPTH, MIN_FOCUS_DEPTH } from '../../core/graph/graph-view';
import {
  GRAPH_EDGE_KINDS, GRAPH_FOCUS_DIRECTIONS, GRAPH_MAX_NODE_CAP, GRAPH_NODE_KINDS, GRAPH_PANEL_ACTIONS, GRAPH_PRIORITIES,
  type FocusDirection, type GraphPanelAction, type GraphPanelRequest, type GraphQuery,
} from '../../../webview/protocol';

const MAX_TEXT = 1_000;
/** A PNG of a large graph at twice the resolution is a few MB; anything far beyond is not from our webview. */
const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

type Fields = Record<string, unknown>;

/** The message, or a sentence saying what is wrong with it (for the log). */
export function parseGraphRequest(value: unknown): GraphPanelRequest | string {
  if (!isObject(value) || typeof value.type !== 'string') return 'not an object with a string "type"';
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'query': {
      if (!isRequestId(value.id)) return 'query needs a numeric id';
      const query = parseGraphQuery(value.query);
      return typeof query === 'string' ? query : { type: 'query', id: value.id, query };
    }
    case 'search':
      if (!isRequestId(value.id) || !isText(value.text)) return 'search needs a numeric id and a text of at most 1,000 characters';
      return { type: 'search', id: value.id, text: value.text };
    case 'details':
      if (!isRequestId(value.id) || !isText(value.key)) return 'details needs a numeric id and a node key';
      return { type: 'details', id: value.id, key: value.key };
    case 'open':
      if (!isText(value.key)) return 'open needs a node key';
      return { type: 'open', key: value.key };
    case 'export':
      if (value.format !== 'png' && value.format !== 'json') return 'export format must be png or json';
      if (typeof value.data !== 'string' || value.data.length > MAX_EXPORT_CHARS) return 'export data must be a string of at most 64 MB';
      if (value.format === 'png' && !value.data.startsWith('data:image/png;base64,')) return 'a png export must be a data:image/png;base64 URL';
      return { type: 'export', format: value.format, data: value.data };
    case 'runAction':
      if (!GRAPH_PANEL_ACTIONS.includes(value.action as GraphPanelAction)) return `runAction needs one of the actions ${GRAPH_PANEL_ACTIONS.join(', ')}`;
      return { type: 'runAction', action: value.action as GraphPanelAction };
    default:
      return `unknown message type "${value.type}"`;
  }
}

/** A complete, valid query, or what is wrong with it. Also reads a restored panel's saved state. */
export function parseGraphQuery(value: unknown): GraphQuery | string {
  if (!isObject(value)) return 'query must be an object';
  const nodeKinds = subsetOf(value.nodeKinds, GRAPH_NODE_KINDS);
  const edgeKinds = subsetOf(value.edgeKinds, GRAPH_EDGE_KINDS);
  const priorities = subsetOf(value.priorities, GRAPH_PRIORITIES);
  if (!nodeKinds || !edgeKinds || !priorities) return 'query nodeKinds, edgeKinds and priorities must list known values';
  if (!Array.isArray(value.prds) || !value.prds.every(isText)) return 'query prds must be a list of file keys';
  const maxNodes = value.maxNodes;
  if (typeof maxNodes !== 'number' || !Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > GRAPH_MAX_NODE_CAP) {
    return `query maxNodes must be a whole number from 1 to ${GRAPH_MAX_NODE_CAP}`;
  }
  if (typeof value.followEditor !== 'boolean') return 'query followEditor must be true or false';
  if (value.file !== undefined && !isText(value.file)) return 'query file must be a file key';
  const query: GraphQuery = { nodeKinds, edgeKinds, priorities, prds: value.prds as string[], maxNodes, followEditor: value.followEditor };
  if (value.file !== undefined) query.file = value.file as string;
  if (value.focus !== undefined) {
    const focus = value.focus;
    if (!isObject(focus) || !isText(focus.key) || typeof focus.depth !== 'number' || !Number.isInteger(focus.depth)
      || focus.depth < MIN_FOCUS_DEPTH || focus.depth > MAX_FOCUS_DEPTH || !GRAPH_FOCUS_DIRECTIONS.includes(focus.direction as never)) {
      return 'query focus needs a node key, a depth of 1-3 and a direction (upstream, downstream, both)';
    }
    query.focus = { key: focus.key, depth: focus.depth, direction: focus.direction as FocusDirection };
  }
  return query;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

function subsetOf<T>(value: unknown, allowed: readonly T[]): T[] | undefined {
  if (!Array.isArray(value) || !value.every((item) => allowed.includes(item as T))) return undefined;
  return [...new Set(value as T[])];
}
