// The PRD Explorer's tree for the fixture: PRDs -> sections -> requirements, with their descriptions and commands.
// The extension exports its workspace index (CvprdExtensionApi), not the registered tree provider, so the suite builds
// the explorer's provider over that live index: the same class and the same index the view shows.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CvprdExtensionApi } from '../../src/vscode/extension';
import { PrdExplorerProvider, type ExplorerElement } from '../../src/vscode/features/prd-explorer';
import { indexWorkspace, waitForRequirement } from './support/index-commands';
import {
  ACCOUNTS, BILLING, extension, NOTIFICATIONS, removeOnDisk, SCHEDULING, writeOnDisk,
} from './support/workspace';

interface ShownItem {
  label: string;
  description?: string;
  children?: ShownItem[];
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

/** The tree as a user sees it once everything is expanded: labels, descriptions and children. */
async function shownTree(provider: PrdExplorerProvider, element?: ExplorerElement): Promise<ShownItem[]> {
  const shown: ShownItem[] = [];
  for (const child of await provider.getChildren(element)) {
    const item = provider.getTreeItem(child);
    const entry: ShownItem = { label: labelOf(item) };
    if (typeof item.description === 'string') entry.description = item.description;
    if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) entry.children = await shownTree(provider, child);
    shown.push(entry);
  }
  return shown;
}

const silentLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel;

describe('PRD Explorer', function () {
  this.timeout(60_000);
  let provider: PrdExplorerProvider;

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
    const api = extension().exports as CvprdExtensionApi;
    provider = new PrdExplorerProvider(api.index, silentLog);
  });

  after(() => provider.dispose());

  it('shows the four PRDs by title, their sections holding requirements, and the requirements with priority and status', async () => {
    assert.deepEqual(await shownTree(provider), [
      { label: 'Accounts', description: `${ACCOUNTS} · 5 requirements`, children: [
        { label: 'Functional Requirements', description: '3 requirements', children: [
          { label: 'FR-001 Sign up with email', description: 'critical' },
          { label: 'FR-002 Sign in', description: 'high' },
          { label: 'FR-003 Password reset' },
        ] },
        { label: 'Acceptance Criteria', description: '2 requirements', children: [
          { label: 'AC-001 A new account can sign in within one minute of sign-up.', description: 'critical · open' },
          { label: 'AC-002 A reset link stops working after thirty minutes.', description: 'done' },
        ] },
      ] },
      { label: 'Billing', description: `${BILLING} · 4 requirements`, children: [
        { label: 'Requirements', description: '4 requirements', children: [
          { label: 'FR-101 Monthly invoice' },
          { label: 'FR-102 Card payments' },
          { label: 'FR-101 Refunds' },
          { label: 'FR-103 Tax receipts' },
        ] },
      ] },
      { label: 'Notifications', description: `${NOTIFICATIONS} · 2 requirements`, children: [
        { label: 'Requirements', description: '2 requirements', children: [
          { label: 'FR-301 Meeting reminders' },
          { label: 'FR-302 Quiet hours' },
        ] },
      ] },
      { label: 'Scheduling', description: `${SCHEDULING} · 4 requirements`, children: [
        { label: 'Requirements', description: '4 requirements', children: [
          { label: 'FR-201 Find a free slot' },
          { label: 'FR-202 Read calendars' },
          { label: 'FR-203 Book the meeting' },
          { label: 'FR-204 Weekly rituals' },
        ] },
      ] },
    ]);
  });

  it('gives requirement items the context value of the menus, a unique id, and a click that opens their lines', async () => {
    const [accounts] = await provider.getChildren();
    const [functional] = await provider.getChildren(accounts);
    const [signUp] = await provider.getChildren(functional);
    const item = provider.getTreeItem(signUp);
    assert.equal(item.contextValue, 'requirement');
    assert.deepEqual(item.command && [item.command.command, ...(item.command.arguments ?? [])], ['cvprd.openLocation', ACCOUNTS, 15, 17]);
    const billing = (await provider.getChildren())[1];
    const [requirements] = await provider.getChildren(billing);
    const ids = (await provider.getChildren(requirements)).map((child) => provider.getTreeItem(child).id);
    assert.equal(new Set(ids).size, ids.length, `tree item ids repeat (the duplicated FR-101): ${ids.join(', ')}`);
  });

  it('a requirement from the tree is a valid argument of the context-menu commands', async () => {
    const [accounts] = await provider.getChildren();
    const [functional] = await provider.getChildren(accounts);
    const signIn = (await provider.getChildren(functional))[1];
    const reached = await vscode.commands.executeCommand<{ node: { requirementId: string } }[]>('cvprd.showDependencies', signIn);
    assert.deepEqual(reached?.map(({ node }) => node.requirementId), ['FR-001']);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('follows the index: onDidChange (which refreshes the view) fires for a new PRD, which then shows, and for its deletion', async () => {
    const api = extension().exports as CvprdExtensionApi;
    let changes = 0;
    const subscription = api.index.onDidChange(() => changes++);
    try {
      writeOnDisk('prds/zeta.prd.md', '# Zeta\n\n## Requirements\n\n### FR-501: Archive old meetings\nMeetings older than a year move to the archive.\n');
      await waitForRequirement('FR-501', true);
      assert.ok(changes > 0, 'the index did not fire onDidChange');
      assert.deepEqual((await shownTree(provider)).map((prd) => prd.label), ['Accounts', 'Billing', 'Notifications', 'Scheduling', 'Zeta']);
      changes = 0;
    } finally {
      removeOnDisk('prds/zeta.prd.md');
    }
    try {
      await waitForRequirement('FR-501', false);
      assert.ok(changes > 0, 'the index did not fire onDidChange for the deletion');
      assert.equal((await shownTree(provider)).length, 4);
    } finally {
      subscription.dispose();
    }
  });
});
