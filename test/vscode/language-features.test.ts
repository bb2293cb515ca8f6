// Editor features on requirement IDs, through the same commands VS Code's own UI uses to ask the providers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { indexWorkspace, requirementSymbols } from './support/index-commands';
import {
  ACCOUNTS, BILLING, fixtureUri, positionOf, relativePath, requirementKey, SCHEDULING,
} from './support/workspace';


/** "prds/accounts.prd.md:15:5" (1-based line and column) */
function place(uri: vscode.Uri, position: vscode.Position): string {
  return `${relativePath(uri)}:${position.line + 1}:${position.character + 1}`;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

describe('language features', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hover on a reference to FR-001 in another PRD: title, type and priority, excerpt, dependency counts, location', async () => {
    const uri = fixtureUri(BILLING);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, await positionOf(BILLING, 'FR-001', 2));
    const text = hoverText(hovers);
    for (const expected of ['FR-001 Sign up with email', 'requirement · critical', 'A visitor creates an account', '0 dependencies · 2 dependents', `${ACCOUNTS}:15`]) {
      assert.ok(text.includes(expected), `"${expected}" missing from the hover:\n${text}`);
    }
    const ours = hovers.find((hover) => hoverText([hover]).includes('FR-001 Sign up with email'))!;
    assert.deepEqual(ours.range && [place(uri, ours.range.start), place(uri, ours.range.end)], [`${BILLING}:10:98`, `${BILLING}:10:104`]);
  });

  it('no hover on an ID that no PRD defines (FR-999)', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', fixtureUri(BILLING), await positionOf(BILLING, 'FR-999', 2));
    assert.equal(hoverText(hovers).includes('FR-999'), false);
  });

  it('go to definition from billing to the FR-001 heading in the accounts PRD', async () => {
    const links = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider', fixtureUri(BILLING), await positionOf(BILLING, 'FR-001', 3));
    const targets = links.map((link) => ('targetUri' in link ? place(link.targetUri, (link.targetSelectionRange ?? link.targetRange).start) : place(link.uri, link.range.start)));
    assert.deepEqual(targets, [`${ACCOUNTS}:15:5`]);
  });

  it('find all references to FR-001: the definition, its dependents and its verifier, across PRDs, at their columns', async () => {
    const locations = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider', fixtureUri(ACCOUNTS), await positionOf(ACCOUNTS, '### FR-001', 5));
    // The built-in markdown features add the heading itself (a reference to the heading, from column 1): only IDs count here.
    const idMentions: string[] = [];
    for (const location of locations) {
      const document = await vscode.workspace.openTextDocument(location.uri);
      if (document.getText(location.range) === 'FR-001') idMentions.push(place(location.uri, location.range.start));
    }
    assert.deepEqual(idMentions.sort(), [
      `${ACCOUNTS}:15:5`, `${ACCOUNTS}:21:12`, `${ACCOUNTS}:29:80`, `${BILLING}:10:98`,
    ].sort());
  });

  it('completes known IDs from a typed prefix, the IDs of this PRD first', async () => {
    const complete = async (offset: number) => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', fixtureUri(SCHEDULING), await positionOf(SCHEDULING, 'FR-202.', offset));
      return list.items.filter((item) => item.kind === vscode.CompletionItemKind.Reference && /^[A-Z]+-\d+$/.test(label(item)));
    };
    const afterFr2 = await complete(4);
    assert.deepEqual(afterFr2.map(label).sort(), ['FR-201', 'FR-202', 'FR-203', 'FR-204']);
    assert.equal(afterFr2.find((item) => label(item) === 'FR-203')?.detail, 'Book the meeting');
    const afterFr = (await complete(3)).sort((a, b) => (a.sortText ?? label(a)).localeCompare(b.sortText ?? label(b)));
    assert.deepEqual(afterFr.map(label), [
      'FR-201', 'FR-202', 'FR-203', 'FR-204', 'FR-001', 'FR-002', 'FR-003', 'FR-101', 'FR-102', 'FR-103', 'FR-301', 'FR-302',
    ]);
  });

  it('CodeLens above each requirement heading: dependency and dependent counts running Show Dependencies / Show Impact', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fixtureUri(ACCOUNTS), 100);
    const ours = lenses.filter((lens) => lens.command?.command.startsWith('cvprd.'));
    assert.deepEqual(ours.map((lens) => [lens.range.start.line + 1, lens.command!.title, lens.command!.command, lens.command!.arguments?.[0]]), [
      [15, '0 dependencies', 'cvprd.showDependencies', requirementKey(ACCOUNTS, 'FR-001')],
      [15, '2 dependents', 'cvprd.showImpact', requirementKey(ACCOUNTS, 'FR-001')],
      [19, '1 dependency', 'cvprd.showDependencies', requirementKey(ACCOUNTS, 'FR-002')],
      [19, '1 dependent', 'cvprd.showImpact', requirementKey(ACCOUNTS, 'FR-002')],
      [24, '1 dependency', 'cvprd.showDependencies', requirementKey(ACCOUNTS, 'FR-003')],
      [24, '0 dependents', 'cvprd.showImpact', requirementKey(ACCOUNTS, 'FR-003')],
    ]);
  });

  it('document symbols: the PRD\'s outline, requirements inside their sections, each selecting its ID', async () => {
    const roots = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', fixtureUri(ACCOUNTS));
    // The built-in markdown outline ("# Accounts") comes too; cvPRD's root is the PRD's title heading.
    const ours = roots.find((symbol) => symbol.name === 'Accounts');
    assert.ok(ours, `no cvPRD outline among ${roots.map((symbol) => symbol.name).join(', ')}`);
    const outline = (symbol: vscode.DocumentSymbol): string[] => [symbol.name, ...symbol.children.flatMap((child) => outline(child).map((line) => `  ${line}`))];
    assert.deepEqual(outline(ours), [
      'Accounts',
      '  Overview',
      '  Functional Requirements',
      '    FR-001 Sign up with email',
      '    FR-002 Sign in',
      '    FR-003 Password reset',
      '  Acceptance Criteria',
      '    AC-001 A new account can sign in within one minute of sign-up.',
      '    AC-002 A reset link stops working after thirty minutes.',
    ]);
    const signUp = ours.children[1].children[0];
    assert.deepEqual([signUp.detail, signUp.kind, place(fixtureUri(ACCOUNTS), signUp.selectionRange.start), signUp.selectionRange.end.character],
      ['requirement · critical', vscode.SymbolKind.Interface, `${ACCOUNTS}:15:5`, 10]);
  });

  it('workspace symbols: "FR-10" finds the billing requirements (both FR-101 definitions), in the Billing PRD', async () => {
    const symbols = await requirementSymbols('FR-10');
    assert.deepEqual(symbols.map((symbol) => `${symbol.name} | ${symbol.containerName} | ${relativePath(symbol.location.uri)}:${symbol.location.range.start.line + 1}`).sort(), [
      `FR-101 Monthly invoice | Billing | ${BILLING}:9`,
      `FR-101 Refunds | Billing | ${BILLING}:15`,
      `FR-102 Card payments | Billing | ${BILLING}:12`,
      `FR-103 Tax receipts | Billing | ${BILLING}:18`,
    ]);
  });
});
