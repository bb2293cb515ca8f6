import * as vscode from 'vscode';
import type { LineRange, SearchHit } from '../../core/types';
import type { WorkspaceIndex } from '../workspace-index';
import { openLocation } from './open-location';

/** A quick pick row that opens a place in a PRD when accepted. */
export interface LocationItem extends vscode.QuickPickItem {
  file: string;
  lines: LineRange;
}

/** Shows a list of places; Enter opens the chosen one. Returns at once: tests and callers do not wait for a choice. */
export function showLocationPicker(index: WorkspaceIndex, log: vscode.LogOutputChannel, options: { title: string; placeholder: string; items: LocationItem[] }): void {
  const picker = vscode.window.createQuickPick<LocationItem>();
  picker.title = options.title;
  picker.placeholder = options.placeholder;
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.items = options.items;
  acceptOpensLocation(picker, index, log);
  picker.onDidHide(() => picker.dispose());
  picker.show();
}

export function acceptOpensLocation(picker: vscode.QuickPick<LocationItem>, index: WorkspaceIndex, log: vscode.LogOutputChannel): void {
  picker.onDidAccept(() => {
    const item = picker.selectedItems[0];
    if (!item) return;
    picker.hide();
    openLocation(index, item.file, item.lines).then(undefined, (error: Error) => {
      log.error(`opening ${item.file}:${item.lines.start}: ${error.message}`);
      void vscode.window.showErrorMessage(`cvPRD: ${error.message}`);
    });
  });
}

/** label "FR-001 Title" (or the heading), description "type · priority", detail "file:line — snippet". */
export function hitItem(hit: SearchHit, requirementTitle: string | undefined): LocationItem {
  const heading = hit.headingPath[hit.headingPath.length - 1] ?? hit.prdTitle;
  const label = hit.requirementId ? `${hit.requirementId} ${requirementTitle ?? heading}` : heading;
  const facets = [humanType(hit.type), hit.priority, hit.via === 'expansion' ? 'linked by a dependency' : undefined];
  return {
    label,
    description: facets.filter(Boolean).join(' · '),
    detail: `${hit.file}:${hit.lines.start} — ${hit.snippet.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim()}`,
    file: hit.file,
    lines: hit.lines,
  };
}

export function humanType(type: string | undefined): string | undefined {
  return type?.replace(/_/g, ' ');
}
