#!/usr/bin/env node
// The extension at work in a real VS Code: the cached VS Code server with this project as the extension under
// development, on a throwaway copy of samples/. Headless Chromium waits for the index, opens the PRD Explorer, a PRD
// and the Problems panel, searches in the Search view and opens the Graph panel, saves test-artifacts/demo-*.png,
// and prints what it saw.
// Build first: node esbuild.mjs (out/extension.js) and node scripts/setup-model.mjs (the model).
// Usage: node scripts/demo-vscode.mjs [--serve]
//   --serve: no browser; prints the workbench URL and keeps the server running until Ctrl+C.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { installServer } from '../test/vscode-host/install-server.mjs';
import { projectRoot } from '../test/vscode-host/paths.mjs';
import { CHROMIUM, CHROMIUM_FLAGS, loadPlaywright, sleep, VscodeServer, webviewFrame } from '../test/vscode-host/server.mjs';

const SAMPLES = path.join(projectRoot, 'samples');
const ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts');
const INDEX_TIMEOUT_MS = 90_000;
const OPENED_PRD = 'prds/sync-engine.prd.md';
const SEARCH_QUERY = 'resolve conflicting offline edits';

function log(message) {
  console.log(`[demo] ${message}`);
}

function workbenchUrl(server, workspace) {
  const payload = [['extensionDevelopmentPath', server.remoteUri(projectRoot)]];
  return `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** The status bar's "N requirements" once the extension has indexed the workspace; undefined on timeout. */
async function waitForIndex(page, server) {
  const item = page.locator('.statusbar-item', { hasText: /\d[\d,]* requirements/ }).first();
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== undefined) throw new Error(`the VS Code server exited (${server.exitCode})`);
    if (await item.count() > 0) return (await item.innerText()).trim();
    await sleep(500);
  }
  return undefined;
}

async function rowLabels(rows) {
  return (await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('aria-label') ?? row.textContent)))
    .map((label) => label.trim());
}

async function showExplorer(page) {
  await page.locator('.activitybar [aria-label^="cvPRD"]').first().click();
  const rows = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'PRD Explorer' }) }).locator('.monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  const prds = await rowLabels(rows);
  const collapsed = rows.and(page.locator('[aria-expanded="false"]')).first();
  await collapsed.click();
  await page.locator('.monaco-list-row[aria-level="2"]').first().waitFor({ timeout: 10_000 });
  return { prds, expanded: await rowLabels(rows) };
}

async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relativePath) }).waitFor({ timeout: 15_000 });
}

async function showProblems(page) {
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ timeout: 15_000 });
  // Diagnostics arrive after the index; give the list a moment to fill.
  const rows = panel.locator('.monaco-list-row');
  for (let i = 0; i < 20 && await rows.count() === 0; i++) await sleep(500);
  const badge = page.locator('.panel .action-item', { hasText: 'Problems' }).locator('.badge-content');
  const count = (await badge.count()) > 0 ? (await badge.first().innerText()).trim() : '0';
  const statusItem = page.locator('[id="status.problems"]');
  const summary = (await statusItem.count()) > 0 ? (await statusItem.first().getAttribute('aria-label'))?.trim() : undefined;
  return { count, summary, rows: await rowLabels(rows) };
}

async function runCommand(page, label) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.getByText(label, { exact: true }) }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

async function showSearch(page) {
  await runCommand(page, 'cvPRD: Focus on Search View');
  const view = await webviewFrame(page, 'cvPRD Search');
  await view.locator('#query input').fill(SEARCH_QUERY);
  await view.locator(`#results[data-query="${SEARCH_QUERY}"]`).waitFor({ timeout: 30_000 });
  const rows = await view.locator('#results .result').evaluateAll((elements) => elements.slice(0, 5).map((row) => row.getAttribute('aria-label') ?? row.textContent));
  return { summary: (await view.locator('#summary').innerText()).trim(), rows: rows.map((row) => row.trim().replace(/\s+/g, ' ')) };
}

async function showGraph(page) {
  await runCommand(page, 'cvPRD: Show Graph');
  const panel = await webviewFrame(page, 'cvPRD Graph');
  await panel.waitForFunction(() => (window.__cvprdGraphTestHook?.()?.renders?.count ?? 0) > 0, undefined, { timeout: 60_000 });
  return (await panel.locator('.statusbar').innerText()).trim();
}

async function demo(browser, server, workspace) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  log(`opening the workbench on ${workspace}`);
  await page.goto(workbenchUrl(server, workspace));
  const status = await waitForIndex(page, server);
  if (!status) {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'demo-timeout.png') }).catch(() => undefined);
    console.error(`[demo] ERROR: the extension did not index the workspace within ${INDEX_TIMEOUT_MS / 1000} s ` +
      '(no "N requirements" in the status bar; see test-artifacts/demo-timeout.png). ' +
      `Last lines of the server log:\n${server.logTail(20)}`);
    return 1;
  }
  log(`indexed: status bar shows "${status}"`);
  const explorer = await showExplorer(page);
  log(`PRD Explorer: ${explorer.prds.length} PRDs`);
  explorer.prds.forEach((label) => console.log(`  ${label}`));
  log('after expanding the first PRD:');
  explorer.expanded.forEach((label) => console.log(`  ${label}`));
  await openFile(page, OPENED_PRD);
  log(`opened ${OPENED_PRD}`);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'demo-explorer.png') });
  const problems = await showProblems(page);
  log(`Problems: ${problems.count} (${problems.summary ?? 'no status bar summary'}); the panel's visible rows:`);
  problems.rows.forEach((label) => console.log(`  ${label}`));
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'demo-problems.png') });
  const search = await showSearch(page);
  log(`Search view, "${SEARCH_QUERY}": ${search.summary}; the first results:`);
  search.rows.forEach((label) => console.log(`  ${label}`));
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'demo-search.png') });
  log(`Graph panel: ${await showGraph(page)}`);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'demo-graph.png') });
  log('screenshots saved to test-artifacts/demo-explorer.png, demo-problems.png, demo-search.png and demo-graph.png');
  return 0;
}

async function main() {
  const { values } = parseArgs({ options: { serve: { type: 'boolean', default: false } } });
  if (!fs.existsSync(path.join(projectRoot, 'out', 'extension.js'))) {
    console.error('[demo] ERROR: out/extension.js is missing; run node esbuild.mjs first');
    return 1;
  }
  installServer();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-demo-'));
  const workspace = path.join(tempDir, 'samples');
  fs.cpSync(SAMPLES, workspace, { recursive: true });
  const server = new VscodeServer(tempDir, undefined, projectRoot);
  let browser;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(tempDir, { recursive: true, force: true });
  };
  const stopped = new Promise((resolve) => {
    const onSignal = (signal) => {
      log(`${signal}: stopping the server`);
      resolve(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const started = Date.now();
  try {
    await server.start();
    if (values.serve) {
      log(`open ${workbenchUrl(server, workspace)}`);
      log('(the workspace is a throwaway copy of samples/; Ctrl+C stops the server)');
      return await stopped;
    }
    browser = await loadPlaywright().chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, handleSIGINT: false, handleSIGTERM: false,
    });
    const exitCode = await Promise.race([demo(browser, server, workspace), stopped]);
    if (exitCode === 0) log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return exitCode;
  } catch (error) {
    console.error(`[demo] ERROR: ${error.message}\nLast lines of the server log:\n${server.logTail(20)}`);
    return 1;
  } finally {
    await stop();
  }
}

process.exit(await main());
