// The graph panel's commands inside a real extension host: what each one shows, given the argument forms the menus,
// the Search view and the editor pass. The drawing itself is tested in the browser (test/e2e/graph-panel.e2e.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GraphQuery } from '../../webview/protocol';
import { indexWorkspace } from './support/index-commands';
import { ACCOUNTS, fixtureUri, positionOf, requirementKey, waitFor } from './support/workspace';

const GRAPH_TAB = (tab: vscode.Tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('cvprd.graph');

function graphTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter(GRAPH_TAB);
}

/** The tab model reaches the extension host a moment after the panel changes. */
function waitForGraphTab(label: string): Promise<vscode.Tab[]> {
  return waitFor(`one graph tab labelled "${label}" (tabs: ${graphTabs().map((tab) => tab.label).join(', ')})`,
    () => (graphTabs().length === 1 && graphTabs()[0].label === label ? graphTabs() : undefined));
}

describe('graph panel commands', function () {
  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Graph opens one panel on the whole workspace; running it again reuses the panel', async () => {
    const query = await vscode.commands.executeCommand<GraphQuery>('cvprd.showGraph');
    assert.ok(query, 'the command resolves to the query shown');
    assert.equal(query.file, undefined);
    assert.equal(query.focus, undefined);
    assert.deepEqual(query.nodeKinds, ['prd', 'requirement']);
    await waitForGraphTab('cvPRD Graph');
    await vscode.commands.executeCommand('cvprd.showGraph');
    await waitForGraphTab('cvPRD Graph');
  });

  it('Show Requirement in Graph focuses on a node key (the Search view and the explorer pass one)', async () => {
    const key = requirementKey(ACCOUNTS, 'FR-003');
    const query = await vscode.commands.executeCommand<GraphQuery>('cvprd.showRequirementInGraph', key);
    assert.deepEqual(query?.focus, { key, depth: 1, direction: 'both' });
    await waitForGraphTab('Graph: FR-003');
  });

  it('Show Requirement in Graph without an argument takes the requirement at the cursor', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri(ACCOUNTS), { viewColumn: vscode.ViewColumn.One });
    const position = await positionOf(ACCOUNTS, 'stays signed in');
    editor.selection = new vscode.Selection(position, position);
    const query = await vscode.commands.executeCommand<GraphQuery>('cvprd.showRequirementInGraph');
    assert.equal(query?.focus?.key, requirementKey(ACCOUNTS, 'FR-002'));
  });

  it('Show Requirement in Graph with an unknown key shows nothing new', async () => {
    const query = await vscode.commands.executeCommand<GraphQuery>('cvprd.showRequirementInGraph', requirementKey(ACCOUNTS, 'FR-999'));
    assert.equal(query, undefined);
  });

  it('Show Graph for Current File takes a file URI or the active editor\'s PRD', async () => {
    const byUri = await vscode.commands.executeCommand<GraphQuery>('cvprd.showGraphForFile', fixtureUri('requirements/scheduling.md'));
    assert.equal(byUri?.file, 'requirements/scheduling.md');
    assert.equal(byUri?.focus, undefined);
    await vscode.window.showTextDocument(fixtureUri(ACCOUNTS), { viewColumn: vscode.ViewColumn.One });
    const byEditor = await vscode.commands.executeCommand<GraphQuery>('cvprd.showGraphForFile');
    assert.equal(byEditor?.file, ACCOUNTS);
    await waitForGraphTab('Graph: accounts.prd.md');
    const notAPrd = await vscode.commands.executeCommand<GraphQuery>('cvprd.showGraphForFile', fixtureUri('docs/notes.md'));
    assert.equal(notAPrd, undefined, 'a file that is not an indexed PRD');
  });
});
