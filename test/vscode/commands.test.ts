// Every command of the manifest, driven with the argument forms the explorer's menus and CodeLens use, on the fixture.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReachedNode } from '../../src/core/graph/requirement-graph';
import type { IndexReport } from '../../src/core/indexer';
import type { Diagnostic, SearchHit } from '../../src/core/types';
import type { IndexStatus } from '../../src/vscode/index-service';
import { indexWorkspace, waitForRequirement } from './support/index-commands';
import {
  ACCOUNTS, BILLING, closeQuickInput, extension, fixtureUri, note, NOTIFICATIONS, positionOf, PRD_FILES,
  relativePath, requirementKey, SCHEDULING, waitFor, workspaceRoot,
} from './support/workspace';


/** "FR-002@1": a reached requirement and its distance, in a form assert.deepEqual can show. */
function reachedIds(reached: ReachedNode[] | undefined): string[] {
  assert.ok(reached, 'the command resolved to nothing');
  return reached.map(({ node, depth }) => `${node.requirementId}@${depth}`).sort();
}

async function openAt(relative: string, text: string, offset = 0): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(fixtureUri(relative));
  const position = await positionOf(relative, text, offset);
  editor.selection = new vscode.Selection(position, position);
  return editor;
}

describe('commands', function () {
  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  afterEach(closeQuickInput);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every command the manifest contributes', async () => {
    const contributed = (extension().packageJSON.contributes.commands as { command: string }[]).map((entry) => entry.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((command) => !registered.has(command)), []);
  });

  it('Index Workspace indexes the four PRDs of the fixture and nothing else', async function () {
    const started = performance.now();
    const report = await vscode.commands.executeCommand<IndexReport>('cvprd.indexWorkspace');
    note(this, `${(performance.now() - started).toFixed(0)} ms`);
    assert.deepEqual({ seen: report.filesSeen, failed: report.filesFailed, indexedOrUnchanged: report.filesIndexed + report.filesUnchanged },
      { seen: 4, failed: 0, indexedOrUnchanged: 4 });
  });

  it('Show Index Status reports the counts, a database outside the workspace and the bundled model', async () => {
    const status = await vscode.commands.executeCommand<IndexStatus>('cvprd.showIndexStatus');
    assert.equal(status.state.kind, 'idle');
    assert.deepEqual({ prds: status.stats?.prds, requirements: status.stats?.requirements }, { prds: 4, requirements: 15 });
    assert.ok(status.dbPath, 'no database path');
    assert.ok(!path.resolve(status.dbPath).startsWith(workspaceRoot() + path.sep), `the index is inside the workspace: ${status.dbPath}`);
    assert.equal(status.modelDir, path.join(extension().extensionPath, '.cache', 'models', 'all-MiniLM-L6-v2'));
  });

  it('Validate PRDs reports the duplicate ID, the unknown reference and the cycle, and 10 unverified requirements as info', async () => {
    const diagnostics = await vscode.commands.executeCommand<Diagnostic[]>('cvprd.validate');
    const problems = diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.file}:${d.line} ${d.code}`).sort();
    assert.deepEqual(problems, [
      `error ${BILLING}:15 duplicate-id`,
      `error ${SCHEDULING}:12 dependency-cycle`,
      `error ${SCHEDULING}:15 dependency-cycle`,
      `error ${SCHEDULING}:9 dependency-cycle`,
      `warning ${BILLING}:19 unknown-reference`,
    ].sort());
    const unverified = diagnostics.filter((d) => d.severity === 'info');
    assert.deepEqual([...new Set(unverified.map((d) => d.code))], ['unverified-requirement']);
    assert.equal(unverified.length, 10);
  });

  describe('on one requirement', () => {
    it('Show Dependencies with a node key: FR-003 needs FR-002, which needs FR-001', async () => {
      const reached = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showDependencies', requirementKey(ACCOUNTS, 'FR-003'));
      assert.deepEqual(reachedIds(reached), ['FR-001@2', 'FR-002@1']);
    });

    it('Show Dependencies with a tree item (its node key) and with a plain ID', async () => {
      const fromItem = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showDependencies', { node: { key: requirementKey(BILLING, 'FR-102') } });
      assert.deepEqual(reachedIds(fromItem), ['FR-001@2', 'FR-101@1']);
      await closeQuickInput();
      const fromId = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showDependencies', 'FR-002');
      assert.deepEqual(reachedIds(fromId), ['FR-001@1']);
    });

    it('Show Dependencies without an argument uses the requirement at the cursor', async () => {
      await openAt(ACCOUNTS, 'stays signed in for fourteen days');
      const reached = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showDependencies');
      assert.deepEqual(reachedIds(reached), ['FR-001@1']);
    });

    it('Show Impact: what depends on FR-001, across PRDs, nearest first', async () => {
      const reached = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showImpact', requirementKey(ACCOUNTS, 'FR-001'));
      assert.deepEqual(reachedIds(reached), ['FR-002@1', 'FR-003@2', 'FR-101@1', 'FR-102@2']);
      assert.deepEqual(reached.map(({ depth }) => depth), [...reached.map(({ depth }) => depth)].sort());
    });

    it('Show Impact inside the dependency cycle ends (FR-201 <- FR-203 <- FR-202, and FR-204 refines FR-203)', async () => {
      const reached = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showImpact', requirementKey(SCHEDULING, 'FR-201'));
      assert.deepEqual(reachedIds(reached), ['FR-202@2', 'FR-203@1', 'FR-204@2']);
    });

    it('Find Similar lists other chunks by meaning, never the requirement itself', async function () {
      const hits = await vscode.commands.executeCommand<SearchHit[]>('cvprd.findSimilar', requirementKey(NOTIFICATIONS, 'FR-301'));
      assert.ok(hits.length > 0, 'no similar chunks');
      assert.ok(hits.every((hit) => !(hit.file === NOTIFICATIONS && hit.requirementId === 'FR-301')), 'FR-301 is similar to itself');
      assert.ok(hits.every((hit) => PRD_FILES.includes(hit.file)));
      note(this, `top: ${hits.slice(0, 3).map((hit) => hit.requirementId ?? hit.headingPath.join(' > ')).join(', ')}`);
    });

    it('Copy AI Context puts the requirement, its dependency and its verifier on the clipboard', async () => {
      const text = await vscode.commands.executeCommand<string>('cvprd.copyAiContext', requirementKey(ACCOUNTS, 'FR-003'));
      for (const expected of ['FR-003', 'Password reset', 'FR-002', 'AC-002']) assert.ok(text.includes(expected), `"${expected}" missing from:\n${text}`);
      assert.equal(await vscode.env.clipboard.readText(), text);
    });
  });

  describe('search', () => {
    it('Search PRDs with a query shows live results, best first; accepting one opens the PRD at its line', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const hits = await vscode.commands.executeCommand<SearchHit[]>('cvprd.search', 'reset link for a forgotten password');
      assert.deepEqual(hits[0] && [hits[0].requirementId, hits[0].file, hits[0].lines.start], ['FR-003', ACCOUNTS, 24]);
      // The items reach the workbench's picker a moment after the command resolves: press Enter until one is there.
      const editor = await waitFor('the search result to open', async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const active = vscode.window.activeTextEditor;
        return active && relativePath(active.document.uri) === ACCOUNTS ? active : undefined;
      });
      assert.equal(editor.selection.start.line, 23);
    });

    it('Search Selection searches for the selected text', async () => {
      const editor = await vscode.window.showTextDocument(fixtureUri(BILLING));
      const start = await positionOf(BILLING, 'tax receipt in');
      editor.selection = new vscode.Selection(start, start.translate(0, 'tax receipt'.length));
      const hits = await vscode.commands.executeCommand<SearchHit[]>('cvprd.searchSelection');
      assert.equal(hits[0]?.requirementId, 'FR-103');
    });
  });

  describe('exports and files', () => {
    let exportDir: string;
    before(() => { exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-export-')); });
    after(() => fs.rmSync(exportDir, { recursive: true, force: true }));

    it('Export Graph writes JSON (Cytoscape elements) with every requirement of the fixture', async () => {
      const target = path.join(exportDir, 'graph.json');
      const written = await vscode.commands.executeCommand<vscode.Uri[]>('cvprd.exportGraph', { format: 'json', target });
      assert.deepEqual(written.map((uri) => uri.fsPath), [target]);
      const { elements } = JSON.parse(fs.readFileSync(target, 'utf8')) as { elements: { nodes: { data: { id: string; kind: string } }[] } };
      const requirements = elements.nodes.filter((node) => node.data.kind === 'requirement').map((node) => node.data.id);
      assert.equal(requirements.length, 14);
      assert.ok(requirements.includes(requirementKey(BILLING, 'FR-101')));
    });

    it('Export Graph writes GraphML, CSV (nodes and edges) and the Markdown traceability matrix', async () => {
      const graphml = await vscode.commands.executeCommand<vscode.Uri[]>('cvprd.exportGraph', { format: 'graphml', target: path.join(exportDir, 'graph.graphml') });
      assert.match(fs.readFileSync(graphml[0].fsPath, 'utf8'), /<graphml[\s>]/);
      const csv = await vscode.commands.executeCommand<vscode.Uri[]>('cvprd.exportGraph', { format: 'csv', target: path.join(exportDir, 'graph.csv') });
      assert.deepEqual(csv.map((uri) => path.basename(uri.fsPath)), ['graph.csv', 'graph.edges.csv']);
      assert.match(fs.readFileSync(csv[1].fsPath, 'utf8'), /DEPENDS_ON/);
      const matrix = await vscode.commands.executeCommand<vscode.Uri[]>('cvprd.exportGraph', { format: 'markdown', target: path.join(exportDir, 'matrix.md') });
      const text = fs.readFileSync(matrix[0].fsPath, 'utf8');
      assert.ok(text.includes('FR-001') && text.includes('AC-001'), text);
    });

    it('New PRD from Template creates the file with the chosen ID prefix, opens it, and the index picks it up', async () => {
      const target = fixtureUri('prds/search.prd.md');
      try {
        const result = await vscode.commands.executeCommand<{ uri: vscode.Uri; prefix: string; idsRecognised: boolean }>(
          'cvprd.newPrd', { template: 'minimal', title: 'Search', prefix: 'req', target });
        assert.deepEqual({ file: relativePath(result.uri), prefix: result.prefix, recognised: result.idsRecognised },
          { file: 'prds/search.prd.md', prefix: 'REQ', recognised: true });
        assert.equal(relativePath(vscode.window.activeTextEditor!.document.uri), 'prds/search.prd.md');
        assert.match(fs.readFileSync(target.fsPath, 'utf8'), /^### REQ-001: /m);
        const [symbol] = await waitForRequirement('REQ-001', true);
        assert.equal(relativePath(symbol.location.uri), 'prds/search.prd.md');
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        fs.rmSync(target.fsPath, { force: true });
      }
      await waitForRequirement('REQ-001', false);
    });

    it('New PRD from Template leaves an existing file alone (the error is shown, the command resolves to nothing)', async () => {
      const before = fs.readFileSync(fixtureUri(ACCOUNTS).fsPath, 'utf8');
      const result = await vscode.commands.executeCommand('cvprd.newPrd', { template: 'minimal', title: 'Accounts', prefix: 'ACC', target: fixtureUri(ACCOUNTS) });
      assert.equal(result, undefined);
      assert.equal(fs.readFileSync(fixtureUri(ACCOUNTS).fsPath, 'utf8'), before);
    });
  });

  describe('the rest of the palette', () => {
    it('Show Log, Refresh PRD Explorer and Open in Editor run', async () => {
      await vscode.commands.executeCommand('cvprd.showLog');
      await vscode.commands.executeCommand('cvprd.explorer.refresh');
      await vscode.commands.executeCommand('cvprd.openLocation', SCHEDULING, 12, 13);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor && relativePath(editor.document.uri), SCHEDULING);
      assert.deepEqual([editor!.selection.start.line, editor!.selection.end.line], [11, 12]);
    });

    it('Clear Index (confirmed by argument) empties the index; Rebuild Index builds it again from scratch', async function () {
      this.timeout(120_000);
      assert.equal(await vscode.commands.executeCommand<boolean>('cvprd.clearIndex', { confirm: false }), true);
      const cleared = await vscode.commands.executeCommand<IndexStatus>('cvprd.showIndexStatus');
      assert.equal(cleared.stats, undefined);
      await closeQuickInput();
      const started = performance.now();
      const report = await vscode.commands.executeCommand<IndexReport>('cvprd.rebuildIndex');
      note(this, `rebuild ${(performance.now() - started).toFixed(0)} ms`);
      assert.deepEqual({ indexed: report.filesIndexed, failed: report.filesFailed }, { indexed: 4, failed: 0 });
    });
  });
});
