// The graph panel's toolbar and filter pane in a real VS Code (web workbench, headless Chromium) on a copy of
// test/fixtures/vscode-workspace: exports through VS Code's save dialog (the web workbench's "simple file dialog", a
// quick input taking a path), following the editor's cursor, the node / link / priority filters, and keyboard access.
// Fixture facts used here: accounts FR-001 is P0 and FR-002 P1, AC-001 verifies FR-001 and so takes its P0, every other
// requirement has no priority; FR-002 -> FR-001
// and FR-003 -> FR-002 are DEPENDS_ON links, FR-204 -> FR-203 and FR-302 -> FR-301 REFINES links.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import cytoscape from 'cytoscape';
import type { Frame } from 'playwright-core';
import { sleep } from '../vscode-host/server.mjs';
import { readGraph, requirementNodeKey, showGraphBeside, waitForGraph, type HookState } from './graph-hook';
import { E2E_ARTIFACTS_DIR, useWorkbench, type Workbench } from './workbench';

const ACCOUNTS = 'prds/accounts.prd.md';
const AC_001 = requirementNodeKey(ACCOUNTS, 'AC-001');
const FR_001 = requirementNodeKey(ACCOUNTS, 'FR-001');
const FR_002 = requirementNodeKey(ACCOUNTS, 'FR-002');
const FR_003 = requirementNodeKey(ACCOUNTS, 'FR-003');
const WHOLE_GRAPH_NODES = 18;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Graph panel toolbar, filters and keyboard (real VS Code in headless Chromium)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench({ fixture: 'test/fixtures/vscode-workspace' });
  let panel: Frame;

  before(async function () {
    // The open PRD also gives Follow editor something to follow.
    panel = await showGraphBeside(workbench(), ACCOUNTS, (graph) => graph.renders.count > 0 && graph.nodes.length === WHOLE_GRAPH_NODES);
  });

  it('Export the view as PNG asks where to save (proposing requirements-graph.png) and writes a PNG of the drawing there', async () => {
    await panel.getByRole('button', { name: 'Export the view as PNG' }).click();
    const file = await saveThroughDialog(workbench(), 'requirements-graph.png', 'exported-view.png');
    const bytes = fs.readFileSync(file);
    assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE, 'the file starts with the PNG signature');
    assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    // The whole drawing at twice the resolution: far larger than an empty or a one-node image.
    assert.ok(width > 200 && height > 200, `a PNG of the graph, not an empty image (${width} x ${height})`);
    fs.mkdirSync(E2E_ARTIFACTS_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(E2E_ARTIFACTS_DIR, 'graph-export.png'));
    await notification(workbench(), 'Exported the graph view to exported-view.png').waitFor({ timeout: 10_000 });
    await workbench().runCommand('Notifications: Clear All Notifications');
  });

  it('Export the view as JSON writes Cytoscape elements that load in Cytoscape and hold exactly the drawn nodes and links', async () => {
    await panel.getByRole('button', { name: 'Export the view as JSON' }).click();
    const file = await saveThroughDialog(workbench(), 'requirements-graph.json', 'exported-view.json');
    const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { query: unknown; elements: cytoscape.ElementsDefinition };
    const drawn = await readGraph(panel);
    const loaded = cytoscape({ headless: true, elements: exported.elements, layout: { name: 'preset' } });
    assert.deepEqual(loaded.nodes().map((n) => n.id()).sort(), drawn.nodes.map((n) => n.id).sort(), 'the drawn nodes');
    assert.deepEqual(
      loaded.edges().map((e) => `${e.data('kind')} ${e.source().id()} -> ${e.target().id()}`).sort(),
      drawn.edges.map((e) => `${e.kind} ${e.source} -> ${e.target}`).sort(),
      'the drawn links',
    );
    assert.equal(loaded.getElementById(FR_001).data('priority'), 'critical', 'node data comes along');
    assert.deepEqual(loaded.getElementById(FR_002).position(), drawn.nodes.find((n) => n.id === FR_002)!.position, 'positions come along');
    assert.deepEqual(exported.query, drawn.query, 'the query that produced the view');
    await notification(workbench(), 'Exported the graph view to exported-view.json').waitFor({ timeout: 10_000 });
    await workbench().runCommand('Notifications: Clear All Notifications');
  });

  it('the filter pane\'s node, link and priority filters change what is drawn, and ticking them again brings it back', async () => {
    await panel.getByRole('button', { name: 'Filters and display' }).click();
    const pane = panel.getByRole('complementary', { name: 'Filters' });
    await pane.waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Filters and display' }).getAttribute('aria-pressed'), 'true');
    await assertDrawnBeside(panel, pane, await readGraph(panel));

    await setFilter(pane, 'PRDs', false);
    let graph = await waitForGraph(panel, (g) => g.query?.nodeKinds.join() === 'requirement', 'PRDs filtered out');
    assert.deepEqual(graph.nodes.filter((n) => n.data.kind !== 'requirement').map((n) => n.id), [], 'no PRD node is drawn');
    assert.ok(graph.nodes.some((n) => n.id === FR_003), 'the requirements stay');
    assert.ok(!graph.edges.some((e) => e.kind === 'CONTAINS'), 'no PRD-contains-requirement link either');

    await setFilter(pane, 'depends on', false);
    graph = await waitForGraph(panel, (g) => g.query?.edgeKinds.includes('DEPENDS_ON') === false, 'dependencies filtered out');
    assert.ok(!graph.edges.some((e) => e.kind === 'DEPENDS_ON'), 'no dependency link is drawn');
    assert.ok(graph.edges.some((e) => e.kind === 'REFINES'), 'refinements stay');

    await setFilter(pane, 'No priority', false);
    graph = await waitForGraph(panel, (g) => g.query?.priorities.includes('none') === false, 'requirements without priority filtered out');
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), [AC_001, FR_001, FR_002], 'only the P0 and P1 requirements');
    assert.match(await panel.locator('.statusbar').innerText(), /3 of 3 nodes/);
    await assertDrawnBeside(panel, pane, graph);
    await workbench().screenshot('graph-filters');

    await setFilter(pane, 'Critical (P0)', false);
    graph = await waitForGraph(panel, (g) => g.query?.priorities.includes('critical') === false, 'P0 filtered out');
    assert.deepEqual(graph.nodes.map((n) => n.id), [FR_002]);

    // Ticked in one go, before any drawing comes back: each tick counts.
    await pane.evaluate((paneElement, names) => {
      const labels = [...paneElement.querySelectorAll('label')];
      for (const name of names) labels.find((label) => label.textContent?.trim() === name)!.querySelector('input')!.click();
    }, ['Critical (P0)', 'No priority', 'depends on', 'PRDs']);
    graph = await waitForGraph(panel, (g) => g.nodes.length === WHOLE_GRAPH_NODES, 'the whole graph again');
    assert.ok(graph.query?.priorities.includes('critical') && graph.query.priorities.includes('none'), 'both priorities are ticked again');
    assert.ok(graph.query?.edgeKinds.includes('DEPENDS_ON') && graph.query.nodeKinds.includes('prd'), 'dependencies and PRDs are ticked again');
    assert.ok(graph.edges.some((e) => e.kind === 'DEPENDS_ON' && e.source === FR_002 && e.target === FR_001));
    await panel.getByRole('button', { name: 'Filters and display' }).click();
    await pane.waitFor({ state: 'hidden' });
  });

  it('Tab reaches every toolbar control, each with an accessible name, and the filters work from the keyboard', async () => {
    const keyboard = workbench().page.keyboard;
    await panel.getByRole('searchbox', { name: 'Search requirements' }).focus();
    const reached: string[] = [await focusedControl(panel)];
    while (reached.at(-1) !== 'button Filters and display' && reached.length < 20) {
      await keyboard.press('Tab');
      reached.push(await focusedControl(panel));
    }
    assert.deepEqual(reached, [
      'search Search requirements', 'select Layout', 'checkbox Follow editor', 'button Fit to the window', 'button Zoom in',
      'button Zoom out', 'button Export the view as PNG', 'button Export the view as JSON', 'button Legend', 'button Filters and display',
    ]);

    await keyboard.press('Enter');
    await panel.getByRole('complementary', { name: 'Filters' }).waitFor();
    await keyboard.press('Tab');
    assert.equal(await focusedControl(panel), 'checkbox PRDs', 'the filter pane comes next');
    await keyboard.press('Space');
    await waitForGraph(panel, (g) => g.query?.nodeKinds.join() === 'requirement' && g.nodes.every((n) => n.data.kind === 'requirement'), 'PRDs filtered out');
    // The pane is drawn again with the new graph: a keyboard user must not be thrown out of it.
    assert.equal(await focusedControl(panel), 'checkbox PRDs', 'the focus stays on the filter just toggled');
    await keyboard.press('Tab');
    assert.equal(await focusedControl(panel), 'checkbox Sections');
    await keyboard.press('Shift+Tab');
    await keyboard.press('Space');
    await waitForGraph(panel, (g) => g.nodes.length === WHOLE_GRAPH_NODES, 'the whole graph again');
    await panel.getByRole('button', { name: 'Filters and display' }).click();
  });

  it('Follow editor focuses on the requirement under the cursor as it moves, shows the PRD between requirements, and stops when unticked', async () => {
    const follow = panel.getByRole('checkbox', { name: 'Follow editor' });
    await follow.check();
    await waitForGraph(panel, (g) => g.query?.followEditor === true, 'Follow editor on');

    await workbench().goToLine(path.basename(ACCOUNTS), 15);
    let graph = await waitForGraph(panel, (g) => g.query?.focus?.key === FR_001 && g.nodes.some((n) => n.id === FR_001), 'the focus on FR-001');
    assert.ok(graph.nodes.some((n) => n.id === FR_002), 'FR-002, which depends on FR-001, is one link away');
    assert.ok(!graph.nodes.some((n) => n.id === FR_003), 'FR-003 is two links away');
    assert.match(await panel.locator('.focus-chip').innerText(), /Focus: FR-001 Sign up with email/);
    await workbench().page.locator('.tab', { hasText: 'Graph: FR-001' }).waitFor({ timeout: 5_000 });

    await workbench().goToLine(path.basename(ACCOUNTS), 25);
    graph = await waitForGraph(panel, (g) => g.query?.focus?.key === FR_003 && g.nodes.some((n) => n.id === FR_003), 'the focus on FR-003');
    assert.match(await panel.locator('.focus-chip').innerText(), /Focus: FR-003 Password reset/);

    await workbench().goToLine(path.basename(ACCOUNTS), 9);
    graph = await waitForGraph(panel, (g) => g.query?.file === ACCOUNTS && g.query.focus === undefined, 'the accounts PRD (the Overview has no requirement)');
    assert.ok(graph.nodes.some((n) => n.id === `prd:${ACCOUNTS}`));
    assert.match(await panel.locator('.statusbar').innerText(), /prds\/accounts\.prd\.md/);
    assert.ok(await panel.locator('.focus-chip').isHidden());

    await follow.uncheck();
    await waitForGraph(panel, (g) => g.query?.followEditor === false, 'Follow editor off');
    await workbench().goToLine(path.basename(ACCOUNTS), 19);
    // Following waits 250 ms for the cursor to rest; give it well over that to (wrongly) move the focus.
    await sleep(1_500);
    const after: HookState = await readGraph(panel);
    assert.equal(after.query?.focus, undefined, 'the cursor on FR-002 no longer moves the focus');
    assert.equal(after.query?.file, ACCOUNTS);
  });

  it('works from the keyboard: Enter in the search selects the best match, arrows move to the nearest node that way, Escape clears, Enter opens', async () => {
    const search = panel.getByRole('searchbox', { name: 'Search requirements' });
    await search.fill('password reset link');
    await waitForGraph(panel, (g) => g.nodes.some((n) => /\bmatch\b/.test(n.classes)), 'a search match');
    await search.press('Enter');
    await panel.locator('.details h2', { hasText: 'FR-003' }).waitFor();
    assert.deepEqual((await readGraph(panel)).selected, [FR_003], 'FR-003 Password reset, the best match, is selected');
    await search.fill('');

    const graphArea = panel.getByRole('application', { name: /^Requirements graph/ });
    await graphArea.focus();
    let graph = await readGraph(panel);
    const from = graph.nodes.find((n) => n.id === FR_003)!;
    // An arrow that has a node its way (within 45 degrees either side), and the nearest such node.
    const ahead = (key: string) => graph.nodes.filter((n) => n.id !== from.id).map((n) => {
      const [dx, dy] = [n.position.x - from.position.x, n.position.y - from.position.y];
      const along = key === 'ArrowRight' ? dx : key === 'ArrowLeft' ? -dx : key === 'ArrowDown' ? dy : -dy;
      const across = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(dy) : Math.abs(dx);
      return { id: n.id, along, across, distance: Math.hypot(dx, dy) };
    }).filter((n) => n.along > 0 && n.across <= n.along).sort((a, b) => a.distance - b.distance);
    const arrow = ['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].find((key) => ahead(key).length > 0)!;
    const expected = ahead(arrow)[0].id;
    await graphArea.press(arrow);
    graph = await waitForGraph(panel, (g) => g.selected[0] !== FR_003, `${arrow} to move the selection`);
    assert.deepEqual(graph.selected, [expected], `${arrow} selects the nearest node that way`);
    const target = graph.nodes.find((n) => n.id === expected)!;
    await panel.locator('.details h2', { hasText: target.label }).waitFor();
    await panel.getByRole('status').filter({ hasText: target.label }).waitFor({ state: 'attached' });

    await graphArea.press('Escape');
    await panel.locator('.details').waitFor({ state: 'hidden' });
    assert.deepEqual((await readGraph(panel)).selected, []);

    await graphArea.press(arrow);
    graph = await waitForGraph(panel, (g) => g.selected.length === 1, 'an arrow to select a node again');
    const chosen = graph.nodes.find((n) => n.id === graph.selected[0])!;
    await graphArea.press('Enter');
    await workbench().waitForActiveEditor(path.basename(String(chosen.data.file)), Number(chosen.data.line));
  });

  it('says when the filters leave nothing to draw, and Reset Filters draws the graph again', async () => {
    await panel.getByRole('button', { name: 'Filters and display' }).click();
    const pane = panel.getByRole('complementary', { name: 'Filters' });
    await setFilter(pane, 'PRDs', false);
    await setFilter(pane, 'Requirements', false);
    await panel.locator('.empty', { hasText: 'No nodes match the filters.' }).waitFor();
    assert.equal((await readGraph(panel)).nodes.length, 0);
    await panel.getByRole('button', { name: 'Reset Filters' }).click();
    const graph = await waitForGraph(panel, (g) => g.nodes.some((n) => n.id === FR_003) && g.nodes.some((n) => n.id === `prd:${ACCOUNTS}`), 'PRDs and requirements again');
    assert.deepEqual(graph.query?.nodeKinds, ['prd', 'requirement']);
    assert.ok(await panel.locator('.empty').isHidden());
    await panel.getByRole('button', { name: 'Filters and display' }).click();
  });

  it('after Clear Index says so with an Index Workspace button, which draws the graph again', async () => {
    await workbench().clearIndex();
    await panel.locator('.empty', { hasText: 'The index was cleared.' }).waitFor({ timeout: 30_000 });
    assert.equal((await readGraph(panel)).nodes.length, 0);
    await workbench().screenshot('graph-cleared');
    await panel.getByRole('button', { name: 'Index Workspace' }).click();
    await waitForGraph(panel, (g) => g.nodes.some((n) => n.id === FR_003), 'the graph drawn from the new index', 120_000);
    assert.ok(await panel.locator('.empty').isHidden());
  });
});

/**
 * Answers the save dialog the host opened: checks the file name it proposes in the workspace, types another path
 * there, presses Enter and waits for the file. Returns its path.
 */
async function saveThroughDialog(workbench: Workbench, proposedName: string, fileName: string): Promise<string> {
  const input = workbench.page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  // The dialog shows the folder first and completes the proposed path once it has listed the folder.
  const proposed = path.join(workbench.workspace, proposedName);
  const shownBy = Date.now() + 10_000;
  while (await input.inputValue() !== proposed && Date.now() < shownBy) await sleep(100);
  assert.equal(await input.inputValue(), proposed, 'the dialog proposes a file in the workspace');
  const file = path.join(workbench.workspace, fileName);
  await input.fill(file);
  await input.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(file) || fs.statSync(file).size === 0) {
    if (Date.now() > deadline) throw new Error(`${fileName} was not written to the workspace`);
    await sleep(200);
  }
  return file;
}

/** Every drawn node lies right of the filter pane, which floats over the left of the graph, and above the legend. */
async function assertDrawnBeside(panel: Frame, pane: ReturnType<Frame['getByRole']>, graph: HookState): Promise<void> {
  const paneBox = await pane.boundingBox();
  const legendBox = await panel.getByLabel('Legend', { exact: true }).and(panel.locator('.legend')).boundingBox();
  const graphBox = await panel.locator('.graph').boundingBox();
  assert.ok(paneBox && legendBox && graphBox);
  const covered = graph.nodes.filter((n) => graphBox.x + n.renderedPosition.x < paneBox.x + paneBox.width).map((n) => n.label);
  assert.deepEqual(covered, [], 'no node is hidden under the filter pane');
  const underLegend = graph.nodes.filter((n) => graphBox.y + n.renderedPosition.y > legendBox.y).map((n) => n.label);
  assert.deepEqual(underLegend, [], 'no node is hidden under the legend');
}

function notification(workbench: Workbench, text: string) {
  return workbench.page.locator('.notification-toast', { hasText: text });
}

/** Ticks or unticks a filter of the pane (drawn again with each graph, so found by its name each time). */
async function setFilter(pane: ReturnType<Frame['getByRole']>, name: string, checked: boolean): Promise<void> {
  const box = pane.getByRole('checkbox', { name, exact: true });
  await box.setChecked(checked);
}

/** The focused control as "<role> <accessible name>", from its aria-label or its label. */
async function focusedControl(panel: Frame): Promise<string> {
  const focused = panel.locator(':focus');
  if (await focused.count() === 0) return 'nothing';
  return focused.evaluate((active) => {
    const control = active as unknown as {
      tagName: string; type?: string; labels?: ArrayLike<{ textContent: string | null }> | null; getAttribute(name: string): string | null;
    };
    const role = control.tagName === 'INPUT' ? control.type : control.tagName.toLowerCase();
    const name = control.getAttribute('aria-label') ?? control.labels?.[0]?.textContent ?? '';
    return `${role} ${name.trim()}`;
  });
}
