// The search view's browser app (issue 4): a query field with mode and filters, a live result list, and the index's
// states. Talks to src/vscode/webviews/search-view.ts through the messages of ../protocol.ts.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeContextMenu } from '@vscode-elements/elements/dist/vscode-context-menu/vscode-context-menu.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import './search.css';
import {
  SEARCH_VIEW_MODES, type SearchViewAction, type SearchViewFilters, type SearchViewItem, type SearchViewMode, type SearchViewRequest,
  type SearchViewStatus, type SearchViewUpdate,
} from '../protocol';
import { element } from '../dom';
import { actionsFor, resultRow, type ResultAction } from './results';

declare function acquireVsCodeApi(): { postMessage(message: SearchViewRequest): void; getState(): unknown; setState(state: SavedState): void };

/** What survives hiding and showing the view. */
interface SavedState {
  query: string;
  mode: SearchViewMode;
  filters: SearchViewFilters;
  filtersOpen: boolean;
  scrollTop: number;
  lastRequestId: number;
  /** Set while the list shows Find Similar results for this chunk. */
  similar?: { chunkKey: string; label: string };
}

const TYPING_DEBOUNCE_MS = 150;
const FILTER_NAMES = ['types', 'priorities', 'statuses', 'files'] as const;
type FilterName = (typeof FILTER_NAMES)[number];
const FILTER_LABELS: Record<FilterName, string> = { types: 'Type', priorities: 'Priority', statuses: 'Status', files: 'PRD' };
const MODE_LABELS: Record<SearchViewMode, string> = { hybrid: 'Hybrid', semantic: 'Semantic', keyword: 'Keyword' };

const vscode = acquireVsCodeApi();
const saved = restoreState(vscode.getState());
let status: SearchViewStatus | undefined;
let items: SearchViewItem[] = [];
let activeIndex = -1;
/** Ids go on from the saved state: replies to requests of this view's previous document must not match new ones. */
let newestRequest = saved.lastRequestId;
let searching = false;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
/** The scroll position to restore once the first list after a restore is shown. */
let pendingScrollTop: number | undefined = saved.scrollTop > 0 ? saved.scrollTop : undefined;
let menuFor: SearchViewItem | undefined;
type ResultsUpdate = Extract<SearchViewUpdate, { type: 'results' }>;
/** The reply the list shows, for its summary line. */
let lastResults: ResultsUpdate | undefined;

// ---- the page ----

const queryField = element('vscode-textfield', { id: 'query', type: 'search', placeholder: 'Search requirements', label: 'Search PRDs' }) as VscodeTextfield;
queryField.append(element('vscode-icon', { slot: 'content-before', name: 'search', title: 'Search' }));
const modeSelect = element('vscode-single-select', { id: 'mode', label: 'Search mode', title: 'Search mode' }) as VscodeSingleSelect;
for (const mode of SEARCH_VIEW_MODES) modeSelect.append(element('vscode-option', { value: mode }, MODE_LABELS[mode]));
const filtersToggle = element('vscode-button', { id: 'filters-toggle', secondary: true, icon: 'filter', 'aria-controls': 'filters' });
const filterSelects = Object.fromEntries(FILTER_NAMES.map((name) => [name, element('vscode-multi-select', { id: `filter-${name}`, label: `Filter by ${FILTER_LABELS[name]}` }) as VscodeMultiSelect])) as Record<FilterName, VscodeMultiSelect>;
const clearFiltersButton = element('vscode-button', { id: 'clear-filters', secondary: true, icon: 'clear-all' }, 'Clear filters');
const filtersPanel = element('div', { id: 'filters', class: 'filters', role: 'group', 'aria-label': 'Filters' },
  ...FILTER_NAMES.map((name) => element('div', { class: 'filter' }, element('vscode-label', { for: `filter-${name}` }, FILTER_LABELS[name]), filterSelects[name])),
  element('div', { class: 'filter-actions' }, clearFiltersButton));
const searchBar = element('div', { class: 'search-bar', role: 'search' },
  queryField,
  element('div', { class: 'options' }, modeSelect, filtersToggle),
  filtersPanel);
const busyBar = element('vscode-progress-bar', { class: 'busy', 'aria-label': 'Searching' }) as VscodeProgressBar;
const notice = element('div', { id: 'notice', class: 'notice' });
const summary = element('div', { id: 'summary', class: 'summary', role: 'status', 'aria-live': 'polite' });
const resultList = element('ul', { id: 'results', class: 'results', role: 'listbox', 'aria-label': 'Search results' });
const scroller = element('div', { class: 'scroller' }, resultList);
const menu = element('vscode-context-menu', { id: 'result-menu' }) as VscodeContextMenu;
document.body.append(element('main', { class: 'app' }, searchBar, busyBar, notice, summary, scroller), menu);

queryField.value = saved.query;
modeSelect.value = saved.mode;
renderFiltersToggle();
renderStatus();
renderResults();

// ---- messages ----

window.addEventListener('message', (event: MessageEvent<SearchViewUpdate>) => {
  const update = event.data;
  switch (update.type) {
    case 'status': {
      const wasReady = status?.kind === 'ready';
      status = update.status;
      if (status.kind === 'ready') setFilterOptions(status.options);
      renderStatus();
      focusFieldIfPageFocused();
      if (status.kind === 'ready' && !wasReady) repeatSearch();
      break;
    }
    case 'indexChanged':
      repeatSearch();
      break;
    case 'results':
      if (update.id !== newestRequest) return;
      searching = false;
      items = update.items;
      lastResults = update;
      activeIndex = items.length === 0 ? -1 : Math.min(Math.max(activeIndex, 0), items.length - 1);
      renderResults(true);
      break;
    case 'searchFailed':
      if (update.id !== newestRequest) return;
      clearResults();
      renderResults();
      summary.replaceChildren(element('span', { class: 'error-text' }, `Search failed: ${update.message}`));
      break;
  }
});

// Listening from here on: the host answers `ready` with the index's state.
send({ type: 'ready' });

function send(request: SearchViewRequest): void {
  vscode.postMessage(request);
}

/** A new request id; replies with older ids are dropped. */
function nextRequestId(): number {
  saved.lastRequestId = ++newestRequest;
  save();
  return newestRequest;
}

function save(): void {
  vscode.setState(saved);
}

/**
 * Sends the query now (typing waits TYPING_DEBOUNCE_MS); an empty query clears the list. A new question starts at the
 * top of the list; `keepPlace` (the same question again) keeps the scroll position.
 */
function search(keepPlace = false): void {
  clearTimeout(typingTimer);
  if (!keepPlace) pendingScrollTop = 0;
  saved.similar = undefined;
  save();
  const query = saved.query.trim();
  nextRequestId();
  if (!query || !canSearch()) {
    clearResults();
    renderResults();
    return;
  }
  searching = true;
  renderBusy();
  send({ type: 'search', id: newestRequest, query, mode: saved.mode, filters: saved.filters });
}

function clearResults(): void {
  searching = false;
  items = [];
  lastResults = undefined;
  activeIndex = -1;
}

function findSimilar(item: SearchViewItem): void {
  saved.similar = { chunkKey: item.chunkKey, label: item.requirementId ?? item.title };
  save();
  activeIndex = 0;
  pendingScrollTop = 0;
  requestSimilar();
}

function requestSimilar(): void {
  if (!saved.similar) return;
  searching = true;
  renderBusy();
  send({ type: 'findSimilar', id: nextRequestId(), chunkKey: saved.similar.chunkKey, label: saved.similar.label });
}

/** After the index changed or became ready: the same question again, keeping the place in the list. */
function repeatSearch(): void {
  if (!canSearch() || (!saved.similar && !saved.query.trim())) return;
  pendingScrollTop ??= scroller.scrollTop;
  if (saved.similar) requestSimilar();
  else search(true);
}

/** Searching needs an index: while one is built, or after an error, the previous one still answers. */
function canSearch(): boolean {
  return status?.kind === 'ready' || status?.kind === 'indexing' || status?.kind === 'error';
}

// ---- input ----

queryField.addEventListener('input', () => {
  saved.query = queryField.value;
  save();
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => search(), TYPING_DEBOUNCE_MS);
});

queryField.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    search();
  } else if (event.key === 'Escape' && queryField.value) {
    event.preventDefault();
    clearQuery();
  } else if (event.key === 'ArrowDown' && items.length > 0) {
    event.preventDefault();
    setActive(Math.max(activeIndex, 0), true);
  }
});

modeSelect.addEventListener('change', () => {
  const mode = SEARCH_VIEW_MODES.find((known) => known === modeSelect.value);
  if (!mode || mode === saved.mode) return;
  saved.mode = mode;
  search();
});

for (const name of FILTER_NAMES) {
  filterSelects[name].addEventListener('change', () => {
    saved.filters = { ...saved.filters, [name]: [...filterSelects[name].value] };
    renderFiltersToggle();
    search();
  });
}

filtersToggle.addEventListener('click', () => {
  saved.filtersOpen = !saved.filtersOpen;
  save();
  renderFiltersToggle();
});

clearFiltersButton.addEventListener('click', () => {
  saved.filters = emptyFilters();
  for (const name of FILTER_NAMES) filterSelects[name].value = [];
  renderFiltersToggle();
  search();
});

function clearQuery(): void {
  queryField.value = '';
  saved.query = '';
  search();
  queryField.focus();
}

resultList.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const row = target.closest<HTMLElement>('.result');
  if (!row) return;
  const index = Number(row.dataset.index);
  setActive(index, true);
  const action = target.closest<HTMLElement>('[data-action]')?.dataset.action as ResultAction | undefined;
  act(action ?? 'open', items[index]);
});

resultList.addEventListener('contextmenu', (event) => {
  const row = (event.target as HTMLElement).closest<HTMLElement>('.result');
  if (!row) return;
  event.preventDefault();
  const index = Number(row.dataset.index);
  setActive(index, true);
  openMenu(items[index], event.clientX, event.clientY);
});

resultList.addEventListener('keydown', (event: KeyboardEvent) => {
  if (items.length === 0) return;
  const move = (index: number): void => {
    event.preventDefault();
    setActive(Math.min(Math.max(index, 0), items.length - 1), true);
  };
  switch (event.key) {
    case 'ArrowDown':
      return move(activeIndex + 1);
    case 'ArrowUp':
      if (activeIndex <= 0) {
        event.preventDefault();
        queryField.focus();
        return;
      }
      return move(activeIndex - 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(items.length - 1);
    case 'Enter':
      event.preventDefault();
      act('open', items[activeIndex]);
      return;
    case 'Escape':
      event.preventDefault();
      clearQuery();
      return;
    case 'ContextMenu':
    case 'F10':
      if (event.key === 'F10' && !event.shiftKey) return;
      event.preventDefault();
      openMenuAtRow();
      return;
  }
});

// "Focus on Search View" focuses the page (maybe before the field is shown): the caret goes to the search field,
// unless something inside the page has focus already.
window.addEventListener('focus', focusFieldIfPageFocused);

function focusFieldIfPageFocused(): void {
  if (document.hasFocus() && document.activeElement === document.body && !searchBar.hidden) queryField.focus();
}

let scrollSaveQueued = false;
scroller.addEventListener('scroll', () => {
  if (pendingScrollTop !== undefined || scrollSaveQueued) return;
  scrollSaveQueued = true;
  requestAnimationFrame(() => {
    scrollSaveQueued = false;
    saved.scrollTop = scroller.scrollTop;
    save();
  });
});

menu.addEventListener('vsc-context-menu-select', (event) => {
  const item = menuFor;
  menuFor = undefined;
  if (item) act(event.detail.value as ResultAction, item);
  focusActiveRow();
});

menu.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key !== 'Escape') return;
  menuFor = undefined;
  focusActiveRow();
});

function openMenu(item: SearchViewItem, x: number, y: number): void {
  menuFor = item;
  menu.data = actionsFor(item).map(({ action, label }) => ({ label, value: action, keybinding: action === 'open' ? 'Enter' : '' }));
  // Kept inside the view: the menu is about 160 px wide and 140 px high.
  menu.style.left = `${Math.max(0, Math.min(x, window.innerWidth - 170))}px`;
  menu.style.top = `${Math.max(0, Math.min(y, window.innerHeight - 150))}px`;
  menu.show = true;
  requestAnimationFrame(() => menu.focus());
}

function openMenuAtRow(): void {
  const row = resultList.querySelector<HTMLElement>(`#result-${activeIndex}`);
  if (!row || !items[activeIndex]) return;
  const box = row.getBoundingClientRect();
  openMenu(items[activeIndex], box.left + 16, box.top + 24);
}

function act(action: ResultAction, item: SearchViewItem | undefined): void {
  if (!item) return;
  switch (action) {
    case 'open':
      return send({ type: 'open', file: item.file, lines: item.lines });
    case 'findSimilar':
      return findSimilar(item);
    case 'copyId':
      if (item.requirementId) send({ type: 'copyId', requirementId: item.requirementId });
      return;
    case 'copyAiContext':
    case 'showInGraph':
      if (item.requirementKey) send({ type: action, requirementKey: item.requirementKey });
      return;
  }
}

function runAction(action: SearchViewAction): void {
  send({ type: 'runAction', action });
}

// ---- rendering ----

function setActive(index: number, focus: boolean): void {
  activeIndex = index;
  resultList.querySelectorAll<HTMLElement>('.result').forEach((row) => {
    const isActive = Number(row.dataset.index) === index;
    row.tabIndex = isActive ? 0 : -1;
    row.setAttribute('aria-selected', String(isActive));
  });
  if (focus) focusActiveRow();
}

function focusActiveRow(): void {
  const row = resultList.querySelector<HTMLElement>(`#result-${activeIndex}`);
  row?.focus();
  row?.scrollIntoView({ block: 'nearest' });
}

function renderBusy(): void {
  busyBar.classList.toggle('visible', searching);
}

/** `fresh`: a reply just arrived (the moment to restore a saved scroll position). */
function renderResults(fresh = false): void {
  renderBusy();
  const hadFocus = resultList.contains(document.activeElement);
  resultList.replaceChildren(...items.map((item, index) => resultRow(item, index, index === activeIndex)));
  summary.replaceChildren(...summaryContent(lastResults));
  // Which question the list answers (read by the end-to-end tests).
  if (lastResults) resultList.dataset.query = lastResults.similarTo ? `similar:${lastResults.similarTo}` : lastResults.query;
  else delete resultList.dataset.query;
  if (hadFocus) focusActiveRow();
  if (fresh && pendingScrollTop !== undefined) {
    scroller.scrollTop = pendingScrollTop;
    pendingScrollTop = undefined;
  }
}

function summaryContent(results: ResultsUpdate | undefined): (Node | string)[] {
  if (!results) {
    if (status?.kind !== 'ready' || saved.query.trim()) return [];
    return [`Search ${count(status.requirements, 'requirement')} in ${count(status.prds, 'PRD')} by meaning or by words, or type an ID such as FR-001.`];
  }
  const took = `${Math.max(1, Math.round(results.tookMs))} ms`;
  const parts: (Node | string)[] = [];
  if (results.similarTo) {
    const back = element('vscode-button', { secondary: true, icon: 'arrow-left', class: 'back' }, 'Back');
    back.addEventListener('click', () => search());
    parts.push(element('span', {}, `${count(results.items.length, 'result')} similar to ${results.similarTo} · ${took}`), back);
  } else if (results.items.length === 0) {
    parts.push(element('span', {}, `No results for “${results.query}”. `),
      element('span', { class: 'hint' }, activeFilterCount() > 0 ? 'Try fewer filters.' : saved.mode === 'keyword' ? 'Try the hybrid or semantic mode.' : 'Try other words.'));
  } else {
    parts.push(element('span', {}, `${count(results.items.length, 'result')} · ${took}`));
  }
  if (results.warning) parts.push(element('div', { class: 'warning-text' }, results.warning));
  return parts;
}

function renderStatus(): void {
  const kind = status?.kind;
  // Without an index there is nothing to search: only the explanation and its buttons.
  searchBar.hidden = kind === 'noFolder' || kind === 'noPrds' || kind === 'notIndexed' || kind === undefined;
  if (!canSearch()) {
    nextRequestId();
    clearResults();
  }
  notice.replaceChildren(...noticeContent());
  notice.hidden = notice.childElementCount === 0;
  renderResults();
}

function noticeContent(): Node[] {
  const button = (label: string, action: SearchViewAction, icon: string, secondary = false): HTMLElement => {
    const node = element('vscode-button', { icon, secondary }, label);
    node.addEventListener('click', () => runAction(action));
    return node;
  };
  const paragraph = (text: string): HTMLElement => element('p', {}, text);
  switch (status?.kind) {
    case undefined:
      return [element('p', { class: 'muted' }, 'Loading…')];
    case 'noFolder':
      return [paragraph('Open a folder that holds PRD files to search them.'), element('div', { class: 'buttons' }, button('Open Folder', 'openFolder', 'folder-opened'))];
    case 'noPrds':
      return [
        paragraph('No PRD files were found in this workspace. cvPRD indexes the Markdown and Word files matching:'),
        element('ul', { class: 'patterns' }, ...status.include.map((pattern) => element('li', {}, element('code', {}, pattern)))),
        element('div', { class: 'buttons' }, button('Change Settings', 'openSettings', 'settings-gear'), button('Index Workspace', 'indexWorkspace', 'refresh', true)),
      ];
    case 'notIndexed':
      return [paragraph('The workspace’s PRDs are not indexed yet.'), element('div', { class: 'buttons' }, button('Index Workspace', 'indexWorkspace', 'refresh'))];
    case 'indexing': {
      const progress = element('vscode-progress-bar', { 'aria-label': 'Indexing progress' }) as VscodeProgressBar;
      if (status.total > 0) {
        progress.max = status.total;
        progress.value = status.done;
      }
      const text = status.total > 0 ? `Indexing PRD files: ${status.done} of ${status.total}` : 'Finding PRD files…';
      return [element('div', { class: 'banner', role: 'status' }, element('vscode-icon', { name: 'sync', spin: true }), element('span', {}, text)), progress];
    }
    case 'error':
      return [
        element('div', { class: 'banner error', role: 'alert' }, element('vscode-icon', { name: 'error' }), element('span', {}, status.message)),
        element('div', { class: 'buttons' }, button(status.actionLabel, status.action, status.action === 'openSettings' ? 'settings-gear' : status.action === 'rebuildIndex' ? 'refresh' : 'output')),
      ];
    case 'ready':
      return [];
  }
}

function renderFiltersToggle(): void {
  const active = activeFilterCount();
  filtersToggle.textContent = active > 0 ? `Filters (${active})` : 'Filters';
  filtersToggle.setAttribute('aria-expanded', String(saved.filtersOpen));
  filtersPanel.hidden = !saved.filtersOpen;
}

function setFilterOptions(options: Extract<SearchViewStatus, { kind: 'ready' }>['options']): void {
  for (const name of FILTER_NAMES) {
    const known = new Set(options[name].map((option) => option.value));
    // A PRD that left the index leaves the filter too.
    saved.filters[name] = saved.filters[name].filter((value) => known.has(value));
    filterSelects[name].options = options[name].map((option) => ({ ...option, description: '', disabled: false, selected: saved.filters[name].includes(option.value) }));
  }
  renderFiltersToggle();
  save();
}

function activeFilterCount(): number {
  return FILTER_NAMES.reduce((sum, name) => sum + saved.filters[name].length, 0);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function emptyFilters(): SearchViewFilters {
  return { types: [], priorities: [], statuses: [], files: [] };
}

/** The saved state, or defaults for whatever is missing or of the wrong shape (it may come from an older version). */
function restoreState(value: unknown): SavedState {
  const state = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof SavedState, unknown>>;
  const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : []);
  const filters = (typeof state.filters === 'object' && state.filters !== null ? state.filters : {}) as Record<string, unknown>;
  const similar = state.similar as SavedState['similar'] | undefined;
  return {
    query: typeof state.query === 'string' ? state.query : '',
    mode: SEARCH_VIEW_MODES.find((mode) => mode === state.mode) ?? 'hybrid',
    filters: { types: strings(filters.types), priorities: strings(filters.priorities), statuses: strings(filters.statuses), files: strings(filters.files) },
    filtersOpen: state.filtersOpen === true,
    scrollTop: typeof state.scrollTop === 'number' ? state.scrollTop : 0,
    lastRequestId: typeof state.lastRequestId === 'number' && Number.isSafeInteger(state.lastRequestId) && state.lastRequestId > 0 ? state.lastRequestId : 0,
    ...(similar && typeof similar.chunkKey === 'string' && typeof similar.label === 'string' ? { similar } : {}),
  };
}
