// The Search view in a real VS Code (web workbench, headless Chromium) on a copy of test/fixtures/vscode-workspace:
// searching, opening, filters, keyboard, kept state, live refresh, and every index state, with screenshots of each
// state in the light, dark and high contrast themes (test-artifacts/e2e/search-*.png, never committed).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { sleep } from '../vscode-host/server.mjs';
import { useWorkbench, type ColorTheme, type Workbench } from './workbench';

const VIEW_TITLE = 'cvPRD Search';
const THEMES: [ColorTheme, string, string][] = [
  ['Default Light Modern', 'light', 'vscode-light'],
  ['Default Dark Modern', 'dark', 'vscode-dark'],
  ['Default High Contrast', 'hc', 'vscode-high-contrast'],
];

describe('Search view (real VS Code in headless Chromium)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench({ fixture: 'test/fixtures/vscode-workspace' });
  let view: Frame;

  before(async function () {
    await workbench().waitForIndex();
    view = await showSearchView(workbench());
  });

  it('says how much it can search before a query is typed, with the caret in the search field', async () => {
    await view.locator('#summary', { hasText: '15 requirements in 4 PRDs' }).waitFor();
    await view.locator('#query:focus').waitFor({ timeout: 10_000 });
    await screenshotsInEveryTheme(workbench(), view, 'search-ready');
  });

  it('lists the requirement asked about first, with its badges and highlighted words; Enter opens it at its line', async () => {
    await searchFor(view, 'reset a forgotten password');
    const first = view.locator('#results .result').first();
    assert.equal(await first.locator('.id-badge').innerText(), 'FR-003');
    assert.equal(await first.locator('.result-title').innerText(), 'Password reset');
    assert.equal(await first.locator('.prd-name').innerText(), 'Accounts');
    assert.equal(await first.locator('.badge-type').innerText(), 'Requirement');
    assert.ok((await first.locator('.snippet mark').allInnerTexts()).includes('password'), 'the query word is highlighted');
    assert.match(await view.locator('#summary').innerText(), /\d+ results? · \d+ ms/);
    await screenshotsInEveryTheme(workbench(), view, 'search-results');

    await view.locator('#query input').focus();
    await workbench().page.keyboard.press('ArrowDown');
    await workbench().page.keyboard.press('Enter');
    // FR-003 spans lines 24-25 and is selected; the cursor, which the status bar shows, is at the end of the selection.
    await workbench().waitForActiveEditor('accounts.prd.md', 25);
    assert.match(await workbench().page.locator('[id="status.editor.selection"]').innerText(), /Ln 25, Col \d+ \(\d+ selected\)/);
  });

  it('moves through the results with Up and Down, and Escape clears the query', async () => {
    await searchFor(view, 'meeting');
    const keyboard = workbench().page.keyboard;
    await view.locator('#query input').focus();
    await keyboard.press('ArrowDown');
    await keyboard.press('ArrowDown');
    assert.equal(await focusedRowIndex(view), 1);
    assert.equal(await view.locator('#result-1').getAttribute('aria-selected'), 'true');
    await keyboard.press('ArrowUp');
    assert.equal(await focusedRowIndex(view), 0);
    await keyboard.press('Escape');
    await view.locator('#results .result').first().waitFor({ state: 'detached' });
    assert.equal(await view.locator('#query input').inputValue(), '');
    assert.equal(await view.locator('#query:focus').count(), 1, 'focus is back in the search field');
  });

  it('offers a result\'s actions in a context menu and inline: Copy ID, Find Similar (by keyboard), Show in Graph', async () => {
    await searchFor(view, 'reset a forgotten password');
    const first = view.locator('#result-0');
    const menu = view.locator('#result-menu');
    await first.click({ button: 'right' });
    await menu.locator('vscode-context-menu-item').first().waitFor();
    assert.deepEqual(await menu.locator('vscode-context-menu-item').evaluateAll((items) => items.map((item) => item.getAttribute('label'))),
      ['Open', 'Show in Graph', 'Find Similar', 'Copy ID', 'Copy AI Context']);
    await screenshotsInEveryTheme(workbench(), view, 'search-menu');
    await menu.locator('vscode-context-menu-item[label="Copy ID"]').click();
    await waitUntil(async () => (await workbench().page.evaluate('navigator.clipboard.readText()')) === 'FR-003', 'FR-003 is on the clipboard');
    await first.click({ button: 'right' });
    await menu.locator('vscode-context-menu-item[label="Copy AI Context"]').click();
    await waitUntil(async () => String(await workbench().page.evaluate('navigator.clipboard.readText()')).startsWith('# Context for FR-003'),
      'the AI context of FR-003 is on the clipboard');

    const keyboard = workbench().page.keyboard;
    await first.focus();
    await keyboard.press('Shift+F10');
    await menu.locator('vscode-context-menu-item').first().waitFor();
    for (let i = 0; i < 3; i++) await keyboard.press('ArrowDown');
    await keyboard.press('Enter');
    await view.locator('#results[data-query="similar:FR-003"] .result').first().waitFor();
    assert.match(await view.locator('#summary').innerText(), /\d+ results? similar to FR-003/);
    assert.ok(!(await resultKeys(view)).includes('FR-003'), 'the requirement itself is not among its neighbours');
    await view.locator('#summary vscode-button', { hasText: 'Back' }).click();
    await view.locator('#results[data-query="reset a forgotten password"] .result').first().waitFor();

    await view.locator('#result-0').hover();
    await screenshotsInEveryTheme(workbench(), view, 'search-hover');
    await view.locator('#result-0 [data-action="showInGraph"]').click();
    await workbench().webview('cvPRD Graph');
  });

  it('narrows the list with the type filter, and widens it again when the filter is cleared', async () => {
    await searchFor(view, 'sign in');
    const unfiltered = await resultKeys(view);
    assert.ok(unfiltered.some((key) => !key.includes('AC-')), 'requirements of every type match at first');

    await view.locator('#filters-toggle').click();
    await view.locator('#filter-types').click();
    await view.locator('#filter-types').getByRole('option', { name: 'Acceptance criteria' }).click();
    await workbench().page.keyboard.press('Escape');
    await waitForEveryType(view, 'Acceptance criteria');
    const filtered = await resultKeys(view);
    assert.notDeepEqual(filtered, unfiltered);
    assert.ok(filtered.every((key) => key.startsWith('AC-')), `only acceptance criteria: ${filtered.join(', ')}`);
    assert.equal(await view.locator('#filters-toggle').innerText(), 'Filters (1)');
    await screenshotsInEveryTheme(workbench(), view, 'search-filters');

    await view.locator('#clear-filters').click();
    await waitUntil(async () => (await view.locator('#results .result').count()) === unfiltered.length, 'the unfiltered list is back');
    assert.deepEqual(await resultKeys(view), unfiltered);
    await view.locator('#filters-toggle').click();
  });

  it('says so when nothing matches', async () => {
    await searchFor(view, 'zeppelin xylophone', 'keyword');
    assert.match(await view.locator('#summary').innerText(), /No results for “zeppelin xylophone”/);
    assert.equal(await view.locator('#results .result').count(), 0);
    await screenshotsInEveryTheme(workbench(), view, 'search-no-results');
    await setMode(view, 'hybrid');
  });

  it('keeps the query, the filters and the scroll position when the view is hidden and shown again', async () => {
    await searchFor(view, 'the');
    await view.locator('#filters-toggle').click();
    await view.locator('#filter-types').click();
    await view.locator('#filter-types').getByRole('option', { name: 'Requirement', exact: true }).click();
    await workbench().page.keyboard.press('Escape');
    await view.locator('#filters-toggle').click();
    await waitForEveryType(view, 'Requirement');
    const scrolled = await view.locator('.scroller').evaluate((scroller) => {
      scroller.scrollTop = 120;
      return scroller.scrollTop;
    });
    assert.ok(scrolled > 0, 'the list is long enough to scroll');
    // The view saves its scroll position on the next animation frame.
    await view.waitForTimeout(300);
    const rowsBefore = await resultKeys(view);

    const hidden = view;
    await workbench().runCommand('View: Show Explorer');
    await waitUntil(async () => hidden.isDetached(), 'the hidden view is gone');
    view = await showSearchView(workbench());
    assert.notEqual(view, hidden, 'the webview was created anew');
    await view.locator('#results[data-query="the"] .result').first().waitFor();
    assert.equal(await view.locator('#query input').inputValue(), 'the');
    assert.equal(await view.locator('#filters-toggle').innerText(), 'Filters (1)');
    assert.deepEqual(await resultKeys(view), rowsBefore);
    assert.equal(await view.locator('.scroller').evaluate((scroller) => scroller.scrollTop), scrolled);
  });

  it('refreshes the results when a PRD changes on disk', async () => {
    await clearFilters(view);
    await searchFor(view, 'spreadsheet export', 'keyword');
    assert.equal(await view.locator('#results .result').count(), 0);
    fs.writeFileSync(path.join(workbench().workspace, 'prds', 'exports.prd.md'),
      '# Exports\n\n## Requirements\n\n### FR-401: Spreadsheet export\nOwners export every invoice as a spreadsheet.\n');
    await view.locator('#results .result .id-badge', { hasText: 'FR-401' }).waitFor({ timeout: 60_000 });
    await setMode(view, 'hybrid');
  });

  it('offers Index Workspace after Clear Index, shows progress while indexing, then searches again', async () => {
    await workbench().clearIndex();
    await view.locator('#notice', { hasText: 'not indexed yet' }).waitFor();
    assert.equal(await view.locator('#query').isHidden(), true, 'no search field without an index');
    await screenshotsInEveryTheme(workbench(), view, 'search-not-indexed');

    await view.locator('#notice vscode-button', { hasText: 'Index Workspace' }).click();
    await view.locator('#notice', { hasText: /Finding PRD files|Indexing PRD files/ }).waitFor({ timeout: 30_000 });
    await workbench().screenshot('search-indexing-light', workbench().page.locator('.part.sidebar'));
    await view.locator('#summary', { hasText: /requirements in 5 PRDs/ }).or(view.locator('#results .result').first()).waitFor({ timeout: 120_000 });
  });

  it('explains where it looks for PRDs when none is found, with a button to the settings', async () => {
    workbench().editSettings({ 'cvprd.include': ['no-such-folder/**/*.md'] });
    await view.locator('#notice', { hasText: 'No PRD files were found' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await view.locator('#notice .patterns li').allInnerTexts(), ['no-such-folder/**/*.md']);
    await view.locator('#notice vscode-button', { hasText: 'Change Settings' }).waitFor();
    await screenshotsInEveryTheme(workbench(), view, 'search-no-prds');
    workbench().editSettings({ 'cvprd.include': undefined });
    await view.locator('#query').waitFor({ timeout: 60_000 });
  });

  it('shows an index error with the action that fixes it', async () => {
    workbench().editSettings({ 'cvprd.idPatterns': ['FR-(\\d+'] });
    // The extension asks for a rebuild once it sees the changed setting; the rebuild then fails on the pattern.
    const prompt = workbench().page.locator('.notifications-toasts .notification-toast', { hasText: 'take effect once the index is rebuilt' });
    await prompt.getByRole('button', { name: 'Rebuild Index' }).click({ timeout: 30_000 });
    await view.locator('#notice .banner.error').waitFor({ timeout: 30_000 });
    assert.match(await view.locator('#notice .banner.error').innerText(), /FR-\(\\d\+/);
    await view.locator('#notice vscode-button', { hasText: 'Open Settings' }).waitFor();
    await screenshotsInEveryTheme(workbench(), view, 'search-error');
    workbench().editSettings({ 'cvprd.idPatterns': undefined });
  });
});

describe('Search view with no folder open (real VS Code in headless Chromium)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench({});

  it('asks for a folder in the Search view, the PRD Explorer and a command that needs one, each with Open Folder, which opens the folder dialog', async () => {
    // No folder, no index to wait for: wait for the extension's contributions instead.
    await workbench().page.locator('.activitybar .action-item a[aria-label^="cvPRD"]').waitFor({ timeout: 60_000 });
    const view = await showSearchView(workbench());
    await view.locator('#notice', { hasText: 'Open a folder that holds PRD files to search them.' }).waitFor({ timeout: 30_000 });
    assert.ok(await view.locator('#query').isHidden(), 'no search field without anything to search');
    await screenshotsInEveryTheme(workbench(), view, 'search-no-folder');
    const page = workbench().page;
    // The web workbench's folder dialog is a quick input titled "Open Folder" that takes a path.
    const folderDialog = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Open Folder' });
    await view.locator('#notice vscode-button', { hasText: 'Open Folder' }).click();
    await folderDialog.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await folderDialog.waitFor({ state: 'hidden' });

    // The PRD Explorer below says the same, not "No PRD files found yet".
    const explorerWelcome = page.locator('.welcome-view-content', { hasText: 'Open a folder that holds PRD files to see them here.' });
    await explorerWelcome.getByRole('button', { name: 'Open Folder' }).click({ timeout: 15_000 });
    await folderDialog.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    assert.equal(await page.getByText('No PRD files found yet').count(), 0);

    // A command that needs a folder says so, with the same button.
    await workbench().runCommand('cvPRD: Show Graph');
    const toast = page.locator('.notification-toast', { hasText: 'open a folder first' });
    await toast.getByRole('button', { name: 'Open Folder' }).click({ timeout: 15_000 });
    await folderDialog.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
  });
});

async function showSearchView(workbench: Workbench): Promise<Frame> {
  await workbench.runCommand('cvPRD: Focus on Search View');
  const frame = await workbench.webview(VIEW_TITLE);
  await frame.locator('main.app').waitFor();
  return frame;
}

/** Types the query (and picks the mode) and waits for the list that answers it. */
async function searchFor(view: Frame, query: string, mode: 'hybrid' | 'semantic' | 'keyword' = 'hybrid'): Promise<void> {
  await setMode(view, mode);
  await view.locator('#query input').fill(query);
  await view.locator(`#results[data-query="${query}"]`).waitFor({ timeout: 30_000 });
}

async function setMode(view: Frame, mode: string): Promise<void> {
  await view.locator('#mode').evaluate((select, value) => {
    const element = select as unknown as { value: string; dispatchEvent(event: Event): boolean };
    if (element.value === value) return;
    element.value = value;
    element.dispatchEvent(new Event('change'));
  }, mode);
}

async function clearFilters(view: Frame): Promise<void> {
  await view.locator('vscode-multi-select').evaluateAll((selects) => {
    for (const select of selects as unknown as { value: string[]; dispatchEvent(event: Event): boolean }[]) {
      select.value = [];
      select.dispatchEvent(new Event('change'));
    }
  });
}

/** Waits until the list has rows and every row's type badge reads `label`. */
async function waitForEveryType(view: Frame, label: string): Promise<void> {
  await waitUntil(async () => {
    const types = await view.locator('#results .badge-type').allInnerTexts();
    return types.length > 0 && types.every((type) => type === label);
  }, `every result is of type ${label}`);
}

/** Polls `condition` (the page's CSP forbids Playwright's string predicates inside the webview). */
async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

/** The ID (or title) of each row, in order. */
async function resultKeys(view: Frame): Promise<string[]> {
  return view.locator('#results .result').evaluateAll((rows) => rows.map((row) => row.querySelector('.id-badge')?.textContent ?? row.querySelector('.result-title')?.textContent ?? ''));
}

async function focusedRowIndex(view: Frame): Promise<number | undefined> {
  const focused = view.locator('#results .result:focus');
  return (await focused.count()) === 1 ? Number(await focused.getAttribute('data-index')) : undefined;
}

/** The sidebar (300 px wide) in each theme, back to light at the end. */
async function screenshotsInEveryTheme(workbench: Workbench, view: Frame, name: string): Promise<void> {
  const sidebar = workbench.page.locator('.part.sidebar');
  for (const [theme, suffix, bodyClass] of THEMES) {
    await workbench.setColorTheme(theme);
    await view.locator(`body.${bodyClass}`).waitFor();
    await workbench.screenshot(`${name}-${suffix}`, sidebar);
  }
  await workbench.setColorTheme('Default Light Modern');
  await view.locator('body.vscode-light').waitFor();
}
