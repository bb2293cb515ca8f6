const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

describe('VS Code test host', () => {
  it('runs inside VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('loads the extension under development, whose contributed command activates it and returns a value', async () => {
    const extension = vscode.extensions.getExtension('cvprd.cvprd-host-fixture');
    assert.ok(extension, 'the fixture extension is not loaded');
    assert.equal(await vscode.commands.executeCommand('cvprdHostFixture.hello', 'cvPRD'), 'hello cvPRD');
    assert.ok(extension.isActive);
    assert.ok((await vscode.commands.getCommands(true)).includes('cvprdHostFixture.hello'));
  });

  it('opens a workspace file in an editor', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const uri = vscode.Uri.file(path.join(folder.uri.fsPath, 'notes.md'));
    const editor = await vscode.window.showTextDocument(uri);
    assert.equal(vscode.window.activeTextEditor, editor);
    assert.equal(editor.document.languageId, 'markdown');
    assert.match(editor.document.lineAt(0).text, /^# Fixture notes/);
  });
});
