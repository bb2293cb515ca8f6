// The Problems panel: validation on the right lines, with related information, following edits made on disk.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { indexWorkspace } from './support/index-commands';
import {
  ACCOUNTS, BILLING, fixtureUri, NOTIFICATIONS, readOnDisk, relativePath, removeOnDisk, SCHEDULING,
  waitForDiagnostics, writeOnDisk,
} from './support/workspace';


/** "error 15 duplicate-id": severity, 1-based line and code of the cvPRD diagnostics that are not info. */
function problems(diagnostics: vscode.Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.source === 'cvPRD' && d.severity !== vscode.DiagnosticSeverity.Information)
    .map((d) => `${d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning'} ${d.range.start.line + 1} ${String(d.code)}`)
    .sort();
}

function hasProblem(code: string, messagePart: string) {
  return (diagnostics: vscode.Diagnostic[]) => diagnostics.some((d) => d.code === code && d.message.includes(messagePart));
}

describe('diagnostics', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  it('shows the duplicate FR-101 as an error on its line, related to the first definition', async () => {
    const diagnostics = await waitForDiagnostics(fixtureUri(BILLING), hasProblem('duplicate-id', 'FR-101'), 'the duplicate FR-101');
    assert.deepEqual(problems(diagnostics), ['error 15 duplicate-id', 'warning 19 unknown-reference']);
    const duplicate = diagnostics.find((d) => d.code === 'duplicate-id')!;
    assert.deepEqual(duplicate.relatedInformation?.map((r) => [relativePath(r.location.uri), r.location.range.start.line + 1]), [[BILLING, 9]]);
    const unknown = diagnostics.find((d) => d.code === 'unknown-reference')!;
    assert.match(unknown.message, /FR-999/);
  });

  it('shows each member of the dependency cycle as an error naming the whole cycle', async () => {
    const scheduling = fixtureUri(SCHEDULING);
    const diagnostics = await waitForDiagnostics(scheduling, hasProblem('dependency-cycle', 'FR-201'), 'the cycle');
    assert.deepEqual(problems(diagnostics), ['error 12 dependency-cycle', 'error 15 dependency-cycle', 'error 9 dependency-cycle']);
    const first = diagnostics.find((d) => d.code === 'dependency-cycle' && d.range.start.line === 8)!;
    assert.equal(first.message, 'Dependency cycle: FR-201 → FR-202 → FR-203 → FR-201');
    assert.deepEqual(first.relatedInformation?.map((r) => r.location.range.start.line + 1), [12, 15]);
  });

  it('shows unverified requirements as information, and nothing for the verified ones', async () => {
    const accounts = fixtureUri(ACCOUNTS);
    const diagnostics = await waitForDiagnostics(accounts, (all) => all.length > 0, 'the accounts PRD diagnostics');
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.range.start.line + 1, d.code]), [[vscode.DiagnosticSeverity.Information, 19, 'unverified-requirement']]);
  });

  describe('after a file changes on disk', () => {
    let original: string;
    before(() => { original = readOnDisk(NOTIFICATIONS); });
    after(() => writeOnDisk(NOTIFICATIONS, original));

    it('a new unknown reference appears, and disappears when the edit is undone', async () => {
      const uri = fixtureUri(NOTIFICATIONS);
      writeOnDisk(NOTIFICATIONS, original.replace('the user was last active on.', 'the user was last active on. Depends on FR-404.'));
      const withProblem = await waitForDiagnostics(uri, hasProblem('unknown-reference', 'FR-404'), 'the unknown FR-404');
      assert.deepEqual(problems(withProblem), ['warning 10 unknown-reference']);
      writeOnDisk(NOTIFICATIONS, original);
      await waitForDiagnostics(uri, (all) => !hasProblem('unknown-reference', 'FR-404')(all), 'the FR-404 warning to go');
    });

    it('fixing the duplicate ID clears its error; bringing it back restores it', async () => {
      const uri = fixtureUri(BILLING);
      const billing = readOnDisk(BILLING);
      try {
        writeOnDisk(BILLING, billing.replace('### FR-101: Refunds', '### FR-104: Refunds'));
        const fixed = await waitForDiagnostics(uri, (all) => !hasProblem('duplicate-id', 'FR-101')(all), 'the duplicate error to go');
        assert.deepEqual(problems(fixed), ['warning 19 unknown-reference']);
      } finally {
        writeOnDisk(BILLING, billing);
      }
      await waitForDiagnostics(uri, hasProblem('duplicate-id', 'FR-101'), 'the duplicate error to return');
    });

    it('a PRD deleted on disk loses its diagnostics; restored, it gets them back', async () => {
      const uri = fixtureUri(SCHEDULING);
      const scheduling = readOnDisk(SCHEDULING);
      try {
        removeOnDisk(SCHEDULING);
        await waitForDiagnostics(uri, (all) => all.length === 0, 'the deleted PRD\'s diagnostics to go');
      } finally {
        writeOnDisk(SCHEDULING, scheduling);
      }
      await waitForDiagnostics(uri, hasProblem('dependency-cycle', 'FR-201'), 'the cycle to return');
    });
  });
});
