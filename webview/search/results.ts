// One result row of the search view, and the actions a row offers (inline icons and the context menu).
import type { SearchViewItem } from '../protocol';
import { element, highlighted } from '../dom';

export type ResultAction = 'open' | 'showInGraph' | 'findSimilar' | 'copyId' | 'copyAiContext';

interface ActionSpec {
  action: ResultAction;
  label: string;
  icon: string;
  /** Only for hits that are requirements (they have an ID and a graph node). */
  requirementOnly: boolean;
}

const ACTIONS: ActionSpec[] = [
  { action: 'showInGraph', label: 'Show in Graph', icon: 'type-hierarchy', requirementOnly: true },
  { action: 'findSimilar', label: 'Find Similar', icon: 'search-fuzzy', requirementOnly: false },
  { action: 'copyId', label: 'Copy ID', icon: 'copy', requirementOnly: true },
  { action: 'copyAiContext', label: 'Copy AI Context', icon: 'sparkle', requirementOnly: true },
];

/** The actions of a row, in menu order (Open first). */
export function actionsFor(item: SearchViewItem): { action: ResultAction; label: string }[] {
  return [{ action: 'open', label: 'Open' }, ...rowActions(item)];
}

/** The actions besides Open that the item offers. */
function rowActions(item: SearchViewItem): ActionSpec[] {
  return ACTIONS.filter((spec) => !spec.requirementOnly || item.requirementKey);
}

export function resultRow(item: SearchViewItem, index: number, active: boolean): HTMLLIElement {
  const percent = Math.round(item.scoreFraction * 100);
  const facts = [item.typeLabel, item.priority && `${item.priority} priority`, item.status && `status ${item.status.replace(/_/g, ' ')}`];
  const label = `${item.requirementId ? `${item.requirementId} ` : ''}${item.title}; ${facts.filter(Boolean).join(', ')}; ` +
    `in ${item.prdTitle}, line ${item.lines.start}; relevance ${percent}%. ${item.snippet}`;
  const fill = element('div', { class: 'score-fill' });
  fill.style.width = `${Math.max(percent, 2)}%`;
  const row = element('li', {
    class: 'result', role: 'option', id: `result-${index}`, 'data-index': String(index), tabindex: active ? '0' : '-1',
    'aria-selected': String(active), 'aria-label': label,
  },
  element('div', { class: 'result-head' },
    item.requirementId ? element('span', { class: 'id-badge' }, item.requirementId) : undefined,
    element('span', { class: 'result-title', title: item.title }, item.title),
    // Mouse shortcuts for the context menu's entries; keyboard and screen-reader users reach them with Shift+F10.
    element('span', { class: 'actions', 'aria-hidden': 'true' },
      ...rowActions(item).map(({ action, label: actionLabel, icon }) =>
        element('span', { class: `action codicon codicon-${icon}`, 'data-action': action, title: actionLabel })))),
  item.headingPath && item.headingPath !== item.title
    ? element('div', { class: 'heading-path', title: item.headingPath }, item.headingPath)
    : undefined,
  element('div', { class: 'result-meta' },
    element('span', { class: 'badge badge-type' }, item.typeLabel),
    item.priority ? element('span', { class: `badge badge-priority priority-${item.priority}` }, item.priority) : undefined,
    item.status ? element('span', { class: 'badge badge-status' }, item.status.replace(/_/g, ' ')) : undefined,
    element('span', { class: 'prd-name', title: `${item.file}:${item.lines.start}` }, item.prdTitle)),
  element('div', { class: 'snippet' }, highlighted(item.snippet, item.highlights)),
  element('div', { class: 'score', title: `Relevance ${percent}% of the best hit (${item.scoreLabel})` }, fill));
  return row;
}
