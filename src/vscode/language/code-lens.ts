import * as vscode from 'vscode';
import type { Config } from '../config';
import type { WorkspaceIndex } from '../workspace-index';
import { findIdLine } from './id-locations';
import { peekView } from './index-view';
import { dependencyCounts, plural } from './requirement-presentation';

/**
 * "2 dependencies | 5 dependents" above each requirement heading; the first runs cvprd.showDependencies, the second
 * cvprd.showImpact, both with the requirement's node key. Nothing while cvprd.codeLens.enabled is off.
 */
export class RequirementCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly index: WorkspaceIndex, private readonly config: Config) {}

  /** The lenses are recomputed (the index changed, or the setting). */
  refresh(): void {
    this.changeEmitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config.codeLensEnabled) return [];
    const fileKey = this.index.keyOf(document.uri);
    const view = fileKey !== undefined ? peekView(this.index) : undefined;
    if (!view || fileKey === undefined) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const entry of view.model.requirementsIn(fileKey)) {
      const { requirement } = entry;
      if (requirement.source !== 'heading' || !entry.firstInFile) continue;
      const line = findIdLine(document, requirement.id, requirement.lines.start - 1);
      if (line === undefined) continue;
      const range = document.lineAt(line).range;
      const counts = dependencyCounts(view.graph, entry.key);
      lenses.push(
        new vscode.CodeLens(range, { title: plural(counts.dependencies, 'dependency', 'dependencies'), command: 'cvprd.showDependencies', arguments: [entry.key], tooltip: `What ${requirement.id} depends on` }),
        new vscode.CodeLens(range, { title: plural(counts.dependents, 'dependent'), command: 'cvprd.showImpact', arguments: [entry.key], tooltip: `What depends on ${requirement.id} (impact)` }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
