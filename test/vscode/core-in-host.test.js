// The core engine inside a real VS Code extension host, on the samples/ workspace: the native modules
// (better-sqlite3, onnxruntime-node in the embedding worker) must load in the host's Node, as the extension will.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const tsx = require('tsx/cjs/api');

const projectRoot = path.resolve(__dirname, '..', '..');
const { PrdIndex } = tsx.require('../../src/core/prd-index.ts', __filename);
const { checkModelDir, defaultModelDir } = tsx.require('../../src/core/embed/model-dir.ts', __filename);

describe('cvPRD in a real VS Code extension host', () => {
  it('loads the project\'s manifest as the extension under development', () => {
    const extension = vscode.extensions.getExtension('cvprd.cvprd-vscode');
    assert.ok(extension, 'cvprd.cvprd-vscode is not among the loaded extensions');
    assert.equal(extension.extensionUri.fsPath, projectRoot);
  });

  it('has samples/ open, and VS Code\'s file search (ripgrep on the server) lists its markdown files', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.equal(folder?.uri.fsPath, path.join(projectRoot, 'samples'));
    const found = await vscode.workspace.findFiles('**/*.md');
    const relative = found.map((uri) => path.relative(folder.uri.fsPath, uri.fsPath)).sort();
    assert.deepEqual(relative, ['PRD.md', 'README.md', 'docs/NOTES.md', 'prds/notifications-prd.md',
      'prds/security.md', 'prds/sync-engine.prd.md', 'requirements/prd-mobile.md']);
  });

  describe('the core engine on the open workspace', function () {
    const modelDir = defaultModelDir(projectRoot);
    let tempDir;
    let index;

    before(function () {
      const problems = checkModelDir(modelDir);
      if (problems.length > 0) {
        this.test.parent.tests.forEach((test) => {
          test.skipReason = `model folder ${modelDir} unusable (${problems.join('; ')}); run node scripts/setup-model.mjs`;
        });
        this.skip();
      }
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-vscode-suite-'));
      index = PrdIndex.open({ dbPath: path.join(tempDir, 'index.db'), modelDir });
    });

    after(async () => {
      await index?.close();
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    });

    it('indexes the five PRDs with real embeddings and finds a requirement by meaning', async () => {
      const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
      const report = await index.index({ roots: [root] });
      assert.deepEqual([report.filesIndexed, report.filesFailed, report.errors], [5, 0, []]);
      assert.ok(report.chunksEmbedded > 0);
      const { hits } = await index.search('stay silent at night so I am not disturbed', { mode: 'semantic', k: 3 });
      assert.equal(hits[0]?.requirementId, 'FR-023', `top hits: ${hits.map((h) => h.requirementId ?? h.headingPath.join(' > ')).join(', ')}`);
    });

    it('reports the duplicated FR-022 where an editor would show it, pointing at the first definition', () => {
      const duplicate = index.validate().find((d) => d.code === 'duplicate-id');
      assert.deepEqual(duplicate && [duplicate.file, duplicate.line, duplicate.related?.map((r) => [r.file, r.line])],
        ['prds/notifications-prd.md', 35, [['prds/notifications-prd.md', 22]]]);
    });
  });
});
