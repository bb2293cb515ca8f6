import * as vscode from 'vscode';
import type { SearchHit } from '../../core/types';
import type { CommandDeps } from './command-deps';
import { acceptOpensLocation, hitItem, type LocationItem } from './location-picker';

const TYPING_DEBOUNCE_MS = 150;

/**
 * cvprd.search: a quick pick whose items are live hybrid results for what is typed. With a query argument the
 * picker opens with it and the command resolves to the hits shown for it (the picker stays open).
 */
export function searchPrds(deps: CommandDeps, query?: unknown): Promise<SearchHit[]> {
  return showSearchPicker(deps, typeof query === 'string' ? query : '');
}

/** cvprd.searchSelection: the search picker prefilled with the editor's selection (or the query argument). */
export function searchSelection(deps: CommandDeps, query?: unknown): Promise<SearchHit[]> {
  if (typeof query === 'string') return showSearchPicker(deps, query);
  const editor = vscode.window.activeTextEditor;
  const selected = editor ? editor.document.getText(editor.selection).replace(/\s+/g, ' ').trim() : '';
  if (!selected) {
    void vscode.window.showInformationMessage('Select the text to search for first.');
    return Promise.resolve([]);
  }
  return showSearchPicker(deps, selected);
}

function showSearchPicker(deps: CommandDeps, initialQuery: string): Promise<SearchHit[]> {
  const picker = vscode.window.createQuickPick<LocationItem>();
  const title = 'cvPRD: Search PRDs';
  picker.title = title;
  picker.placeholder = 'Describe what you are looking for, or type an ID such as FR-001';
  // Results are ranked by the index; VS Code's own filter would hide semantic matches that do not contain the words.
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  acceptOpensLocation(picker, deps.index, deps.log);

  let latestRequest = 0;
  let lastQuery: string | undefined;
  let typingTimer: NodeJS.Timeout | undefined;
  let resolveInitial: ((hits: SearchHit[]) => void) | undefined;
  const initialHits = new Promise<SearchHit[]>((resolve) => { resolveInitial = resolve; });
  const settleInitial = (hits: SearchHit[]): void => {
    resolveInitial?.(hits);
    resolveInitial = undefined;
  };

  const run = async (query: string): Promise<void> => {
    const trimmed = query.trim();
    if (trimmed === lastQuery) return;
    lastQuery = trimmed;
    const request = ++latestRequest;
    if (!trimmed) {
      picker.items = [];
      picker.busy = false;
      return;
    }
    picker.busy = true;
    try {
      const index = await deps.index.current();
      if (!index) {
        picker.title = `${title} (${deps.index.cleared ? 'the index was cleared: run Index Workspace' : 'no workspace folder is open'})`;
        settleInitial([]);
        return;
      }
      const result = await index.search(trimmed, { mode: deps.config.searchMode, k: deps.config.resultCount });
      if (request !== latestRequest) return;
      picker.items = result.hits.map((hit) => ({ ...hitItem(hit, index.requirementTitle(hit)), alwaysShow: true }));
      picker.title = result.warning ? `${title} (${result.warning})` : title;
      if (result.warning) deps.log.warn(`search "${trimmed}": ${result.warning}`);
      settleInitial(result.hits);
    } catch (error) {
      if (request === latestRequest) deps.index.showError(error, `searching for "${trimmed}"`);
      settleInitial([]);
    } finally {
      if (request === latestRequest) picker.busy = false;
    }
  };

  picker.onDidChangeValue((value) => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => void run(value), TYPING_DEBOUNCE_MS);
  });
  picker.onDidHide(() => {
    latestRequest++;
    clearTimeout(typingTimer);
    settleInitial([]);
    picker.dispose();
  });
  picker.value = initialQuery;
  picker.show();
  if (!initialQuery.trim()) settleInitial([]);
  else void run(initialQuery);
  return initialHits;
}
