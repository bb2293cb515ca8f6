// The VSIX as a user installs it (code --install-extension): loaded from the server's extensions folder, it must
// activate, load its own native modules and bundled model, and index the fixture workspace.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'cvprd.cvprd-vscode';
const projectRoot = path.resolve(__dirname, '..', '..', '..');

function installed() {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension;
}

describe('the packaged VSIX installed into VS Code', function () {
  this.timeout(120_000);

  it('is loaded from the extensions folder, not from the project', () => {
    const extension = installed();
    const { version } = extension.packageJSON;
    assert.equal(path.basename(extension.extensionPath), `${EXTENSION_ID}-${version}`);
    assert.ok(!extension.extensionPath.startsWith(projectRoot + path.sep), extension.extensionPath);
  });

  it('activates on the fixture workspace', async function () {
    const extension = installed();
    const activeBefore = extension.isActive;
    const started = performance.now();
    await extension.activate();
    this.test.title += activeBefore ? ' [already active (workspaceContains)]' : ` [activate() took ${(performance.now() - started).toFixed(0)} ms]`;
    assert.ok(extension.isActive);
  });

  it('indexes the fixture with its own better-sqlite3, onnxruntime-node and bundled model', async () => {
    const extension = installed();
    const report = await vscode.commands.executeCommand('cvprd.indexWorkspace');
    assert.ok(report, 'Index Workspace resolved to no report: see the cvPRD log in the server log folder');
    assert.deepEqual([report.filesSeen, report.filesFailed, report.errors], [4, 0, []]);
    const status = await vscode.commands.executeCommand('cvprd.showIndexStatus');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(status.modelDir, path.join(extension.extensionPath, '.cache', 'models', 'all-MiniLM-L6-v2'));
    assert.equal(status.stats.prds, 4);
    assert.equal(status.stats.requirements, 15);
    assert.ok(status.stats.embeddings > 0, 'nothing was embedded');
  });

  it('finds a requirement by meaning', async () => {
    const hits = await vscode.commands.executeCommand('cvprd.search', 'reset link for a forgotten password');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(hits[0]?.requirementId, 'FR-003');
  });

  it('carries the webview apps and opens the graph panel', async () => {
    const extension = installed();
    for (const file of ['search.js', 'search.css', 'graph.js', 'graph.css', 'codicons/codicon.css', 'codicons/codicon.ttf']) {
      assert.ok(fs.existsSync(path.join(extension.extensionPath, 'out', 'webview', file)), `out/webview/${file} is not in the VSIX`);
    }
    await vscode.commands.executeCommand('cvprd.showGraph');
    const deadline = Date.now() + 30_000;
    const graphTab = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('cvprd.graph'));
    while (!graphTab()) {
      assert.ok(Date.now() < deadline, 'no cvPRD Graph tab 30 s after Show Graph');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(graphTab().label, 'cvPRD Graph');
  });

  it('reports the fixture\'s duplicate ID in the Problems panel', async () => {
    const folder = vscode.workspace.workspaceFolders[0].uri;
    const billing = vscode.Uri.joinPath(folder, 'prds', 'billing-prd.md');
    const deadline = Date.now() + 30_000;
    while (!vscode.languages.getDiagnostics(billing).some((d) => d.code === 'duplicate-id')) {
      assert.ok(Date.now() < deadline, 'no duplicate-id diagnostic on prds/billing-prd.md after 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});
