// The graph panel in a real VS Code (web workbench, headless Chromium) on a copy of test/fixtures/vscode-workspace,
// whose links are known: accounts FR-002 -> FR-001, FR-003 -> FR-002, billing FR-101 -> accounts FR-001, the cycle
// FR-201 -> FR-202 -> FR-203 -> FR-201, refinements FR-204 -> FR-203 and FR-302 -> FR-301, AC-001/AC-002 verifying
// FR-001/FR-003, and FR-103's unknown FR-999. The drawing is read from Cytoscape through the page's test hook.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { sleep } from '../vscode-host/server.mjs';
import { clickNode, GRAPH_PANEL_TITLE as PANEL_TITLE, node, readGraph, requirementNodeKey as key, showGraphBeside, waitForGraph } from './graph-hook';
import { useWorkbench } from './workbench';

const ACCOUNTS = 'prds/accounts.prd.md';
const FR = {
  '001': key(ACCOUNTS, 'FR-001'), '002': key(ACCOUNTS, 'FR-002'), '003': key(ACCOUNTS, 'FR-003'), '004': key(ACCOUNTS, 'FR-004'),
  '101': key('prds/billing-prd.md', 'FR-101'), '103': key('prds/billing-prd.md', 'FR-103'),
  '201': key('requirements/scheduling.md', 'FR-201'), '202': key('requirements/scheduling.md', 'FR-202'),
  '203': key('requirements/scheduling.md', 'FR-203'), '204': key('requirements/scheduling.md', 'FR-204'),
  '301': key('prds/notifications.prd.md', 'FR-301'), '302': key('prds/notifications.prd.md', 'FR-302'),
};

describe('Graph panel (real VS Code in headless Chromium)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench({ fixture: 'test/fixtures/vscode-workspace' });
  let panel: Frame;

  before(async function () {
    panel = await showGraphBeside(workbench(), ACCOUNTS, (graph) => graph.renders.count > 0);
  });

  it('draws every PRD and requirement with the fixture\'s links, the dependency cycle and the validation marks', async () => {
    const graph = await readGraph(panel);
    const ids = graph.nodes.map((node) => node.id);
    for (const file of [ACCOUNTS, 'prds/billing-prd.md', 'prds/notifications.prd.md', 'requirements/scheduling.md']) {
      assert.ok(ids.includes(`prd:${file}`), `PRD ${file} is drawn`);
    }
    for (const requirement of Object.values(FR).filter((id) => id !== FR['004'])) assert.ok(ids.includes(requirement), `${requirement} is drawn`);
    assert.ok(graph.nodes.every((node) => node.data.kind !== 'section'), 'sections are hidden by default');
    const links = graph.edges.map((edge) => `${edge.kind} ${edge.source} -> ${edge.target}`);
    for (const link of [
      `DEPENDS_ON ${FR['002']} -> ${FR['001']}`, `DEPENDS_ON ${FR['003']} -> ${FR['002']}`, `DEPENDS_ON ${FR['101']} -> ${FR['001']}`,
      `DEPENDS_ON ${FR['201']} -> ${FR['202']}`, `REFINES ${FR['204']} -> ${FR['203']}`, `REFINES ${FR['302']} -> ${FR['301']}`,
      `VERIFIES ${key(ACCOUNTS, 'AC-001')} -> ${FR['001']}`, `CONTAINS prd:${ACCOUNTS} -> ${FR['001']}`,
    ]) assert.ok(links.includes(link), `${link} is drawn`);
    for (const member of [FR['201'], FR['202'], FR['203']]) assert.match(node(graph, member).classes, /\bcycle\b/, `${member} is marked as part of the cycle`);
    const cycleEdges = graph.edges.filter((edge) => /\bcycle\b/.test(edge.classes)).map((edge) => `${edge.source} -> ${edge.target}`).sort();
    assert.deepEqual(cycleEdges, [`${FR['201']} -> ${FR['202']}`, `${FR['202']} -> ${FR['203']}`, `${FR['203']} -> ${FR['201']}`]);
    assert.match(node(graph, FR['103']).classes, /\bproblem-warning\b/, 'FR-103 names the unknown FR-999');
    assert.doesNotMatch(node(graph, FR['002']).classes, /problem|cycle/);
    assert.match(await panel.locator('.statusbar').innerText(), /18 of 18 nodes/);
    await workbench().screenshot('graph-light');
  });

  it('clicking a node shows its details: text, priority, and its links by type', async () => {
    await clickNode(workbench(), panel, FR['002']);
    const details = panel.locator('.details');
    await details.locator('h2', { hasText: 'FR-002 Sign in' }).waitFor({ timeout: 15_000 });
    const text = await details.innerText();
    assert.match(text, /high/, 'priority P1');
    assert.match(text, /prds\/accounts\.prd\.md:19/);
    assert.match(text, /signs in with email and password/);
    assert.match(text, /Outgoing \(1\)\s+depends on\s+FR-001 Sign up with email/i);
    assert.match(text, /Incoming \(1\)\s+depends on\s+FR-003 Password reset/i);
    assert.deepEqual((await readGraph(panel)).selected, [FR['002']]);
  });

  it('double-clicking a node opens its source at the requirement\'s line, beside the panel', async () => {
    await clickNode(workbench(), panel, FR['003'], 2);
    await workbench().waitForActiveEditor('accounts.prd.md', 24);
  });

  it('updates in place when a PRD changes on disk: the new requirement and link appear, the viewport and positions stay', async () => {
    await clickNode(workbench(), panel, FR['002']);
    await panel.locator('.details h2', { hasText: 'FR-002' }).waitFor();
    const before = await readGraph(panel);
    const file = path.join(workbench().workspace, ACCOUNTS);
    fs.appendFileSync(file, '\n### FR-004: Two-factor sign in\nA user can add a second factor to the sign in. Depends on FR-002.\n');
    // The page records a drawing on the next animation frame, after its nodes are in place: wait for that record too.
    const after = await waitForGraph(panel, (graph) => graph.nodes.some((n) => n.id === FR['004']) && graph.renders.count > before.renders.count,
      'FR-004 to appear', 60_000);
    assert.equal(after.renders.kind, 'update');
    assert.ok(after.edges.some((edge) => edge.kind === 'DEPENDS_ON' && edge.source === FR['004'] && edge.target === FR['002']));
    assert.deepEqual(after.viewport, before.viewport);
    assert.deepEqual(node(after, FR['001']).position, node(before, FR['001']).position, 'nodes already drawn keep their place');
    assert.deepEqual(after.selected, [FR['002']], 'the selection stays');
  });

  it('Show Requirement in Graph focuses on the requirement at the cursor (depth 1, both ways)', async () => {
    await workbench().goToLine('accounts.prd.md', 20);
    await workbench().runCommand('cvPRD: Show Requirement in Graph');
    panel = await workbench().webview(PANEL_TITLE);
    const graph = await waitForGraph(panel, (g) => g.query?.focus?.key === FR['002'] && g.nodes.some((n) => n.id === FR['002']), 'the focus on FR-002');
    const ids = graph.nodes.map((n) => n.id);
    for (const neighbour of [FR['001'], FR['003'], FR['004']]) assert.ok(ids.includes(neighbour), `${neighbour} is one link away`);
    assert.ok(!ids.includes(FR['201']), 'scheduling is not near FR-002');
    assert.match(node(graph, FR['002']).classes, /\bfocus\b/);
    assert.match(await panel.locator('.focus-chip').innerText(), /Focus: FR-002 Sign in/);
  });

  it('the search field highlights the requirements hybrid search finds', async () => {
    await panel.locator('input[type="search"]').fill('password reset link');
    const graph = await waitForGraph(panel, (g) => g.nodes.some((n) => /\bmatch\b/.test(n.classes)), 'a search match');
    assert.ok(/\bmatch\b/.test(node(graph, FR['003']).classes), 'FR-003 Password reset matches');
    await panel.locator('input[type="search"]').fill('');
  });

  it('follows the theme: screenshots in dark and high contrast', async () => {
    await workbench().runCommand('cvPRD: Show Graph');
    panel = await workbench().webview(PANEL_TITLE);
    await waitForGraph(panel, (g) => g.query?.focus === undefined && g.nodes.length > 10, 'the whole graph again');
    await panel.locator('.details').waitFor({ state: 'visible' });
    assert.deepEqual((await readGraph(panel)).selected, [FR['002']], 'a new drawing keeps the node whose details are open selected');
    await panel.locator('.details .close').click();
    for (const [theme, name, bodyClass] of [['Default Dark Modern', 'dark', 'vscode-dark'], ['Default High Contrast', 'hc', 'vscode-high-contrast']] as const) {
      await workbench().setColorTheme(theme);
      await panel.locator(`body.${bodyClass}`).waitFor();
      await sleep(500);
      await workbench().screenshot(`graph-${name}`);
    }
    await workbench().setColorTheme('Default Light Modern');
    await panel.locator('body.vscode-light').waitFor();
  });

  it('comes back after a reload of the window with its focus and drawing (panel serializer)', async () => {
    await clickNode(workbench(), panel, FR['003']);
    await panel.locator('.details h2', { hasText: 'FR-003' }).waitFor();
    await panel.locator('.details button', { hasText: 'Focus here' }).click();
    const focused = await waitForGraph(panel, (g) => g.query?.focus?.key === FR['003'] && g.renders.count > 0 && g.nodes.length < 10, 'the focus on FR-003');
    await workbench().runCommand('Developer: Reload Window');
    await workbench().page.waitForLoadState('load');
    await workbench().page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    panel = await workbench().webview(PANEL_TITLE, 60_000);
    const restored = await waitForGraph(panel, (g) => g.renders.count > 0, 'the restored drawing', 60_000);
    assert.equal(restored.query?.focus?.key, FR['003']);
    assert.deepEqual(restored.nodes.map((n) => n.id).sort(), focused.nodes.map((n) => n.id).sort());
    assert.deepEqual(node(restored, FR['003']).position, node(focused, FR['003']).position, 'the saved positions are used again');
  });
});
