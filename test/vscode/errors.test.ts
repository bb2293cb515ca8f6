// Errors a user can act on: a missing model folder points at its setting; an unreadable database asks for a rebuild,
// which moves the old file aside instead of deleting it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexReport } from '../../src/core/indexer';
import type { IndexStatus } from '../../src/vscode/index-service';
import { indexWorkspace } from './support/index-commands';
import { closeQuickInput } from './support/workspace';

async function indexStatus(): Promise<IndexStatus> {
  const status = await vscode.commands.executeCommand<IndexStatus>('cvprd.showIndexStatus');
  await closeQuickInput();
  return status;
}

describe('errors with actions', function () {
  this.timeout(120_000);

  before(async () => {
    await indexWorkspace();
  });

  it('a model folder that does not exist: the index reports an error whose action opens cvprd.modelPath', async () => {
    const missing = path.join(os.tmpdir(), 'cvprd-no-such-model');
    const settings = () => vscode.workspace.getConfiguration('cvprd');
    await settings().update('modelPath', missing, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await vscode.commands.executeCommand('cvprd.rebuildIndex'), undefined);
      const { state, modelDir } = await indexStatus();
      assert.equal(modelDir, missing);
      assert.deepEqual(state.kind === 'error' && [state.action, state.setting], ['Open Settings', 'cvprd.modelPath']);
      assert.ok(state.kind === 'error' && state.message.includes(missing), `the message does not name the folder: ${JSON.stringify(state)}`);
    } finally {
      await settings().update('modelPath', undefined, vscode.ConfigurationTarget.Global);
    }
    const report = await vscode.commands.executeCommand<IndexReport>('cvprd.rebuildIndex');
    assert.deepEqual([report?.filesIndexed, report?.filesFailed], [4, 0]);
  });

  it('an unreadable database: the error\'s action is Rebuild Index, which moves the file aside and indexes again', async () => {
    const { dbPath } = await indexStatus();
    assert.ok(dbPath);
    assert.equal(await vscode.commands.executeCommand('cvprd.clearIndex', { confirm: false }), true);
    fs.writeFileSync(dbPath, 'this is not an SQLite database\n'.repeat(200));
    assert.equal(await vscode.commands.executeCommand('cvprd.indexWorkspace'), undefined);
    const { state } = await indexStatus();
    assert.deepEqual(state.kind === 'error' && state.action, 'Rebuild Index');

    const report = await vscode.commands.executeCommand<IndexReport>('cvprd.rebuildIndex');
    assert.deepEqual([report?.filesIndexed, report?.filesFailed], [4, 0]);
    const movedAside = fs.readdirSync(path.dirname(dbPath)).filter((name) => name.startsWith(`${path.basename(dbPath)}.corrupt-`));
    assert.equal(movedAside.length, 1, `files beside the index: ${fs.readdirSync(path.dirname(dbPath)).join(', ')}`);
    assert.match(fs.readFileSync(path.join(path.dirname(dbPath), movedAside[0]), 'utf8'), /^this is not an SQLite database/);
  });
});
