// What every suite needs: the fixture workspace, the extension under test, and waiting for VS Code to catch up.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'cvprd.cvprd-vscode';

/** The fixture's PRDs (test/fixtures/vscode-workspace), by their index file keys; its README and docs/ are not PRDs. */
export const ACCOUNTS = 'prds/accounts.prd.md';
export const BILLING = 'prds/billing-prd.md';
export const NOTIFICATIONS = 'prds/notifications.prd.md';
export const SCHEDULING = 'requirements/scheduling.md';
export const PRD_FILES = [ACCOUNTS, BILLING, NOTIFICATIONS, SCHEDULING];

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

export function fixtureUri(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...relativePath.split('/')));
}

export function relativePath(uri: vscode.Uri): string {
  return path.relative(workspaceRoot(), uri.fsPath).split(path.sep).join('/');
}

export function requirementKey(file: string, id: string): string {
  return `req:${file}::${id}`;
}

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not among the loaded extensions`);
  return found;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until probe returns something other than undefined/false; fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(200);
  }
}

/**
 * Resolves with the diagnostics of uri once they satisfy accept, checking now and on every onDidChangeDiagnostics
 * for that file; rejects after timeoutMs with what was last seen.
 */
export function waitForDiagnostics(uri: vscode.Uri, accept: (diagnostics: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = vscode.languages.getDiagnostics(uri);
      if (!accept(current)) return false;
      finish();
      resolve(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${relativePath(uri)}; diagnostics now:\n  ${seen.join('\n  ') || '(none)'}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

/** Writes a workspace file on disk, as git or another editor would (not through VS Code). */
export function writeOnDisk(relative: string, text: string): void {
  const file = fixtureUri(relative).fsPath;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function readOnDisk(relative: string): string {
  return fs.readFileSync(fixtureUri(relative).fsPath, 'utf8');
}

export function removeOnDisk(relative: string): void {
  fs.rmSync(fixtureUri(relative).fsPath, { force: true });
}

/** The position offset characters into the first occurrence of text in a fixture file. */
export async function positionOf(relative: string, text: string, offset = 0): Promise<vscode.Position> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(relative));
  const index = document.getText().indexOf(text);
  assert.ok(index >= 0, `"${text}" not found in ${relative}`);
  return document.positionAt(index + offset);
}

/** Appends to the running test's title, so a measurement shows in the report without failing anything. */
export function note(context: Mocha.Context, text: string): void {
  if (context.test) context.test.title += ` [${text}]`;
}

/** Closes whatever quick pick or input box a command left open, so the next test starts from a plain editor. */
export async function closeQuickInput(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
}
