import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BILLING, extension, fixtureUri, note, waitForDiagnostics } from './support/workspace';

describe('activation', () => {
  it('loads the project as the extension under development and activates it on the fixture workspace', async function () {
    const cvprd = extension();
    const activeBefore = cvprd.isActive;
    const started = performance.now();
    await cvprd.activate();
    // activate() itself is timed by the extension's log ("activated in N ms"), which the runner prints.
    note(this, activeBefore ? 'already active (workspaceContains)' : `activate() took ${(performance.now() - started).toFixed(0)} ms`);
    assert.ok(cvprd.isActive);
  });

  it('runs inside VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('indexes the workspace at start-up without being asked: the fixture\'s problems reach the Problems panel', async function () {
    this.timeout(120_000);
    const started = performance.now();
    await waitForDiagnostics(fixtureUri(BILLING), (all) => all.some((d) => d.code === 'duplicate-id'), 'the start-up index run', 110_000);
    note(this, `${(performance.now() - started).toFixed(0)} ms after the suite started`);
  });
});
