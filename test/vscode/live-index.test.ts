// The index follows the workspace: files created, edited and deleted on disk (git checkout, another editor), saves
// from the editor, and files outside the include patterns, which stay out.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { indexWorkspace, requirementSymbols, waitForRequirement } from './support/index-commands';
import {
  ACCOUNTS, fixtureUri, NOTIFICATIONS, positionOf, readOnDisk, relativePath, removeOnDisk, waitFor, writeOnDisk,
} from './support/workspace';

const NEW_PRD = 'prds/calendar-sync.prd.md';
const NEW_PRD_TEXT = `# Calendar Sync

## Requirements

### FR-601: Two-way sync
Events booked in the planner appear in the user's external calendar within a minute. Depends on FR-001.
`;

async function referencesToSignUp(): Promise<string[]> {
  const locations = await vscode.commands.executeCommand<vscode.Location[]>(
    'vscode.executeReferenceProvider', fixtureUri(ACCOUNTS), await positionOf(ACCOUNTS, '### FR-001', 5));
  return [...new Set(locations.map((location) => relativePath(location.uri)))].sort();
}

describe('live index', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  after(async () => {
    removeOnDisk(NEW_PRD);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('indexes a PRD created on disk, and resolves its reference into another PRD', async () => {
    writeOnDisk(NEW_PRD, NEW_PRD_TEXT);
    const [symbol] = await waitForRequirement('FR-601', true);
    assert.deepEqual([symbol.name, symbol.containerName, relativePath(symbol.location.uri)], ['FR-601 Two-way sync', 'Calendar Sync', NEW_PRD]);
    assert.ok((await referencesToSignUp()).includes(NEW_PRD), 'the new PRD\'s "Depends on FR-001" is not among FR-001\'s references');
  });

  it('re-indexes it when it is edited on disk', async () => {
    writeOnDisk(NEW_PRD, NEW_PRD_TEXT.replace('FR-601: Two-way sync', 'FR-601: Two-way calendar sync'));
    await waitFor('the new title in the index', async () => (await requirementSymbols('FR-601')).some((symbol) => symbol.name === 'FR-601 Two-way calendar sync'));
  });

  it('drops it when it is deleted on disk, with the references it made', async () => {
    removeOnDisk(NEW_PRD);
    await waitForRequirement('FR-601', false);
    assert.ok(!(await referencesToSignUp()).includes(NEW_PRD));
  });

  it('follows a change saved in the editor', async () => {
    const original = readOnDisk(NOTIFICATIONS);
    try {
      const document = await vscode.workspace.openTextDocument(fixtureUri(NOTIFICATIONS));
      await vscode.window.showTextDocument(document);
      const start = document.positionAt(document.getText().indexOf('Quiet hours'));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(start, start.translate(0, 'Quiet hours'.length)), 'Do not disturb');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await document.save());
      await waitFor('the saved title in the index', async () => (await requirementSymbols('FR-302')).some((symbol) => symbol.name === 'FR-302 Do not disturb'));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      writeOnDisk(NOTIFICATIONS, original);
    }
    await waitFor('the original title back', async () => (await requirementSymbols('FR-302')).some((symbol) => symbol.name === 'FR-302 Quiet hours'));
  });

  it('leaves markdown outside the include patterns alone', async () => {
    try {
      writeOnDisk('docs/ideas.md', '# Ideas\n\n### FR-701: Not a PRD\nA note that only looks like a requirement.\n');
      // A PRD written after it: once that one is indexed, the run has seen the note too.
      writeOnDisk('prds/control.prd.md', '# Control\n\n### FR-702: Control requirement\nIndexed as usual.\n');
      await waitForRequirement('FR-702', true);
      assert.deepEqual((await requirementSymbols('FR-701')).filter((symbol) => symbol.name.startsWith('FR-701 ')), []);
    } finally {
      removeOnDisk('docs/ideas.md');
      removeOnDisk('prds/control.prd.md');
    }
    await waitForRequirement('FR-702', false);
  });
});
