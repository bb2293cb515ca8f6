// Driving the index through the extension's own commands, as a user would from the palette.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { IndexReport } from '../../../src/core/indexer';
import { extension, PRD_FILES, waitFor } from './workspace';

/** Activates the extension and runs Index Workspace; resolves once the fixture's four PRDs are in the index. */
export async function indexWorkspace(): Promise<IndexReport> {
  await extension().activate();
  const report = await vscode.commands.executeCommand<IndexReport | undefined>('cvprd.indexWorkspace');
  assert.ok(report, 'cvprd.indexWorkspace resolved to no report (no workspace, or the run failed: see the cvPRD log)');
  assert.deepEqual(report.errors, []);
  assert.equal(report.filesSeen, PRD_FILES.length);
  return report;
}

/** cvPRD's own workspace symbols (named "FR-001 Title"; the built-in markdown ones keep the heading's colon). */
export async function requirementSymbols(query: string): Promise<vscode.SymbolInformation[]> {
  const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', query)) ?? [];
  return symbols.filter((symbol) => /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+ [^:]/.test(symbol.name));
}

/** Waits until the index does (present) or does not define a requirement ID, as workspace symbols show it. */
export async function waitForRequirement(id: string, present: boolean, timeoutMs = 30_000): Promise<vscode.SymbolInformation[]> {
  return waitFor(`${id} to be ${present ? 'in' : 'gone from'} the index`, async () => {
    const found = (await requirementSymbols(id)).filter((symbol) => symbol.name.startsWith(`${id} `));
    return (found.length > 0) === present ? found : undefined;
  }, timeoutMs);
}
