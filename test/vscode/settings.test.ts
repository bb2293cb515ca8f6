// Settings changes apply live: CodeLens, validation severities, include patterns and files.exclude.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { indexWorkspace, waitForRequirement } from './support/index-commands';
import { ACCOUNTS, fixtureUri, waitFor, waitForDiagnostics } from './support/workspace';

/** Sets a user setting for the duration of body, and always removes it again. */
async function withSetting(section: string, key: string, value: unknown, body: () => Promise<void>): Promise<void> {
  const configuration = () => vscode.workspace.getConfiguration(section);
  await configuration().update(key, value, vscode.ConfigurationTarget.Global);
  try {
    await body();
  } finally {
    await configuration().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

async function cvprdLensCount(): Promise<number> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fixtureUri(ACCOUNTS));
  return lenses.filter((lens) => lens.command?.command.startsWith('cvprd.')).length;
}

describe('settings', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  it('cvprd.codeLens.enabled off removes the CodeLens; on brings it back', async () => {
    assert.equal(await cvprdLensCount(), 6);
    await withSetting('cvprd', 'codeLens.enabled', false, async () => {
      await waitFor('no cvPRD CodeLens', async () => (await cvprdLensCount()) === 0);
    });
    await waitFor('the CodeLens back', async () => (await cvprdLensCount()) === 6);
  });

  it('cvprd.validation.unverifiedRequirements changes the severity of unverified requirements, or hides them', async () => {
    const accounts = fixtureUri(ACCOUNTS);
    const unverified = (all: vscode.Diagnostic[]) => all.filter((d) => d.code === 'unverified-requirement');
    await withSetting('cvprd', 'validation.unverifiedRequirements', 'warning', async () => {
      await waitForDiagnostics(accounts, (all) => unverified(all).length === 1 && unverified(all)[0].severity === vscode.DiagnosticSeverity.Warning, 'a warning for FR-002');
    });
    await withSetting('cvprd', 'validation.unverifiedRequirements', 'off', async () => {
      await waitForDiagnostics(accounts, (all) => unverified(all).length === 0, 'no unverified diagnostics');
    });
    await waitForDiagnostics(accounts, (all) => unverified(all).length === 1 && unverified(all)[0].severity === vscode.DiagnosticSeverity.Information, 'the info back');
  });

  it('cvprd.include narrowed to *.prd.md drops the other PRDs from the index; restored, they come back', async () => {
    await withSetting('cvprd', 'include', ['**/*.prd.md'], async () => {
      await waitForRequirement('FR-201', false);
      await waitForRequirement('FR-102', false);
      await waitForRequirement('FR-301', true);
    });
    await waitForRequirement('FR-201', true);
    await waitForRequirement('FR-102', true);
  });

  it('files.exclude hides a folder from the index too', async () => {
    await withSetting('files', 'exclude', { '**/requirements': true }, async () => {
      await waitForRequirement('FR-201', false);
      await waitForRequirement('FR-001', true);
    });
    await waitForRequirement('FR-201', true);
  });
});
