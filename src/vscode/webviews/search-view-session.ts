// The search view's message handling on the host: validation against webview/protocol.ts and what each request
// does. No vscode import: the host's effects come in as SearchViewPorts, so the unit tests run it in plain Node.
import type { PrdIndex } from '../../core/prd-index';
import { CHUNK_TYPES, PRIORITIES, STATUSES, type ChunkType, type Priority, type SearchFilters, type Status } from '../../core/types';
import {
  SEARCH_VIEW_ACTIONS, SEARCH_VIEW_MODES, type SearchViewAction, type SearchViewFilters, type SearchViewLines, type SearchViewRequest,
  type SearchViewStatus, type SearchViewUpdate,
} from '../../../webview/protocol';
import { previewMessage } from './message-preview';
import { searchViewItems } from './search-view-model';

/** A pasted page still makes a query; anything longer is not typed by a person. */
const MAX_QUERY_CHARS = 10_000;
const MAX_TEXT_CHARS = 2_000;
const MAX_FILTER_VALUES = 1_000;

export type ParsedRequest = { ok: true; request: SearchViewRequest } | { ok: false; reason: string };

/** Checks a message from the webview against the protocol. Extra properties are ignored; nothing else is trusted. */
export function parseSearchViewRequest(message: unknown): ParsedRequest {
  if (!isRecord(message)) return fail('not an object');
  const fields = message;
  switch (fields.type) {
    case 'ready':
      return { ok: true, request: { type: 'ready' } };
    case 'search': {
      const id = requestId(fields.id);
      if (id === undefined) return fail('search needs a positive integer id');
      if (typeof fields.query !== 'string' || fields.query.length > MAX_QUERY_CHARS) return fail(`search needs a query string of at most ${MAX_QUERY_CHARS} characters`);
      const mode = SEARCH_VIEW_MODES.find((known) => known === fields.mode);
      if (!mode) return fail(`unknown search mode ${JSON.stringify(fields.mode)}`);
      const filters = parseFilters(fields.filters);
      if (typeof filters === 'string') return fail(filters);
      return { ok: true, request: { type: 'search', id, query: fields.query, mode, filters } };
    }
    case 'findSimilar': {
      const id = requestId(fields.id);
      if (id === undefined) return fail('findSimilar needs a positive integer id');
      if (!isText(fields.chunkKey) || !isText(fields.label)) return fail('findSimilar needs a chunkKey and a label');
      return { ok: true, request: { type: 'findSimilar', id, chunkKey: fields.chunkKey, label: fields.label } };
    }
    case 'open': {
      const lines = parseLines(fields.lines);
      if (!isText(fields.file) || !lines) return fail('open needs a file and lines { start, end } (1-based, start <= end)');
      return { ok: true, request: { type: 'open', file: fields.file, lines } };
    }
    case 'copyId':
      if (!isText(fields.requirementId)) return fail('copyId needs a requirementId');
      return { ok: true, request: { type: 'copyId', requirementId: fields.requirementId } };
    case 'copyAiContext':
    case 'showInGraph':
      if (!isText(fields.requirementKey) || !fields.requirementKey.startsWith('req:')) return fail(`${fields.type} needs a requirementKey req:<file>::<ID>`);
      return { ok: true, request: { type: fields.type, requirementKey: fields.requirementKey } };
    case 'runAction': {
      const action = SEARCH_VIEW_ACTIONS.find((known) => known === fields.action);
      if (!action) return fail(`unknown action ${JSON.stringify(fields.action)}`);
      return { ok: true, request: { type: 'runAction', action } };
    }
    default:
      return fail(`unknown message type ${JSON.stringify(fields.type)}`);
  }
}

function fail(reason: string): ParsedRequest {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT_CHARS;
}

function requestId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function parseLines(value: unknown): SearchViewLines | undefined {
  if (!isRecord(value)) return undefined;
  const { start, end } = value;
  const line = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
  return line(start) && line(end) && start <= end ? { start, end } : undefined;
}

/** The filters, or what is wrong with them. */
function parseFilters(value: unknown): SearchViewFilters | string {
  if (!isRecord(value)) return 'search needs filters { types, priorities, statuses, files }';
  const list = (name: keyof SearchViewFilters, known?: readonly string[]): string[] | string => {
    const values = value[name];
    if (!Array.isArray(values) || values.length > MAX_FILTER_VALUES || !values.every(isText)) return `filters.${name} must be a list of strings`;
    const unknown = known && values.find((entry) => !known.includes(entry));
    return unknown ? `unknown ${name} filter value ${JSON.stringify(unknown)}` : values;
  };
  const types = list('types', CHUNK_TYPES);
  const priorities = list('priorities', PRIORITIES);
  const statuses = list('statuses', STATUSES);
  const files = list('files');
  for (const checked of [types, priorities, statuses, files]) if (typeof checked === 'string') return checked;
  return { types: types as string[], priorities: priorities as string[], statuses: statuses as string[], files: files as string[] };
}

/** The core's filters; empty lists mean "any" on both sides. */
export function coreFilters(filters: SearchViewFilters): SearchFilters {
  return {
    types: filters.types as ChunkType[],
    priorities: filters.priorities as Priority[],
    statuses: filters.statuses as Status[],
    files: filters.files,
  };
}

/** What the session needs from VS Code and the extension. */
export interface SearchViewPorts {
  post(update: SearchViewUpdate): void;
  log: { warn(message: string): void; error(message: string): void };
  /** The open index; undefined without a folder or after Clear Index. Rejects with a message a user can act on. */
  index(): Promise<PrdIndex | undefined>;
  status(): SearchViewStatus;
  /** How many hits a search returns (cvprd.search.resultCount). */
  resultCount(): number;
  open(file: string, lines: SearchViewLines): Promise<unknown>;
  copyText(text: string, what: string): Promise<unknown>;
  executeCommand(command: string, argument: string): Promise<unknown>;
  runAction(action: SearchViewAction): Promise<unknown>;
  /** A failure the user must see (an action failed); logged too. */
  showError(message: string): void;
}

export const SHOW_IN_GRAPH_COMMAND = 'cvprd.showRequirementInGraph';
export const COPY_AI_CONTEXT_COMMAND = 'cvprd.copyAiContext';

/**
 * One webview view's conversation with the host. Search and Find Similar requests carry increasing ids; a reply is
 * sent only for the newest one, so a slow answer never replaces a newer list (the webview also drops stale ids).
 */
export class SearchViewSession {
  private newestRequest = 0;

  constructor(private readonly ports: SearchViewPorts) {}

  /** Handles one message from the webview. Never throws: malformed and unknown messages are logged and ignored. */
  async handle(message: unknown): Promise<void> {
    const parsed = parseSearchViewRequest(message);
    if (!parsed.ok) {
      this.ports.log.warn(`search view: ignored a message (${parsed.reason}): ${previewMessage(message)}`);
      return;
    }
    const { request } = parsed;
    try {
      await this.dispatch(request);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.ports.log.error(`search view: ${request.type}: ${error instanceof Error && error.stack ? error.stack : text}`);
      if (request.type === 'search' || request.type === 'findSimilar') {
        if (request.id === this.newestRequest) this.ports.post({ type: 'searchFailed', id: request.id, message: text });
      } else {
        this.ports.showError(text);
      }
    }
  }

  /** Sends the index's state again (the host calls it when the state or the index changes). */
  postStatus(): void {
    this.ports.post({ type: 'status', status: this.ports.status() });
  }

  private async dispatch(request: SearchViewRequest): Promise<void> {
    switch (request.type) {
      case 'ready':
        // A new document in the same view (VS Code re-creates a hidden view's page when it is shown again): its ids
        // start over, so it is not compared with the old page's.
        this.newestRequest = 0;
        this.postStatus();
        return;
      case 'search': {
        if (!this.claim(request.id)) return;
        const index = await this.ports.index();
        if (!index) return this.answerWithoutIndex(request.id);
        const query = request.query.trim();
        const result = await index.search(query, { mode: request.mode, filters: coreFilters(request.filters), k: this.ports.resultCount() });
        if (request.id !== this.newestRequest) return;
        if (result.warning) this.ports.log.warn(`search view: "${query}": ${result.warning}`);
        this.ports.post({
          type: 'results', id: request.id, query, tookMs: result.tookMs, ...(result.warning ? { warning: result.warning } : {}),
          items: searchViewItems(result.hits, query, request.mode, (hit) => index.requirementTitle(hit)),
        });
        return;
      }
      case 'findSimilar': {
        if (!this.claim(request.id)) return;
        const index = await this.ports.index();
        if (!index) return this.answerWithoutIndex(request.id);
        const started = performance.now();
        const hits = await index.similarTo(request.chunkKey, this.ports.resultCount());
        if (request.id !== this.newestRequest) return;
        this.ports.post({
          type: 'results', id: request.id, query: '', similarTo: request.label, tookMs: performance.now() - started,
          items: searchViewItems(hits, '', 'similar', (hit) => index.requirementTitle(hit)),
        });
        return;
      }
      case 'open':
        await this.ports.open(request.file, request.lines);
        return;
      case 'copyId':
        await this.ports.copyText(request.requirementId, request.requirementId);
        return;
      case 'copyAiContext':
        await this.ports.executeCommand(COPY_AI_CONTEXT_COMMAND, request.requirementKey);
        return;
      case 'showInGraph':
        await this.ports.executeCommand(SHOW_IN_GRAPH_COMMAND, request.requirementKey);
        return;
      case 'runAction':
        await this.ports.runAction(request.action);
        return;
    }
  }

  /** Makes `id` the newest request; false (and logged) for an id older than one already seen. */
  private claim(id: number): boolean {
    if (id <= this.newestRequest) {
      this.ports.log.warn(`search view: ignored request ${id}, older than request ${this.newestRequest}`);
      return false;
    }
    this.newestRequest = id;
    return true;
  }

  private answerWithoutIndex(id: number): void {
    this.postStatus();
    this.ports.post({ type: 'results', id, query: '', items: [], tookMs: 0 });
  }
}

