// End-to-end tests drive a real VS Code from outside: the cached VS Code server (test/vscode-host/install-server.mjs)
// with this project as the extension under development, on a throwaway copy of a fixture workspace, shown by headless
// Debian Chromium through playwright-core. Webviews are frames of the workbench page; tests read and click them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { installServer } from '../vscode-host/install-server.mjs';
import { projectRoot } from '../vscode-host/paths.mjs';
import { CHROMIUM, CHROMIUM_FLAGS, loadPlaywright, sleep, VscodeServer, webviewFrame } from '../vscode-host/server.mjs';

export const E2E_ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts', 'e2e');

export type ColorTheme = 'Default Light Modern' | 'Default Dark Modern' | 'Default High Contrast';
/** Each theme's name in the Color Theme picker. */
const THEME_LABEL: Record<ColorTheme, string> = {
  'Default Light Modern': 'Light Modern',
  'Default Dark Modern': 'Dark Modern',
  'Default High Contrast': 'Dark High Contrast',
};
/** The workbench's class for each theme's kind (`.monaco-workbench.vs-dark` ...). */
const THEME_CLASS: Record<ColorTheme, string> = {
  'Default Light Modern': 'vs',
  'Default Dark Modern': 'vs-dark',
  'Default High Contrast': 'hc-black',
};

export interface WorkbenchOptions {
  /**
   * A fixture folder, relative to the project root; copied, so tests may edit, create and delete files in it.
   * Without one, VS Code opens a window with no folder.
   */
  fixture?: string;
  /** Workspace settings (.vscode/settings.json of the copy), merged over the fixture's own. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

export interface ActiveEditor {
  /** The active tab's label, e.g. `accounts.prd.md`. */
  fileName: string;
  /** 1-based, from the status bar's "Ln N, Col M". */
  line: number;
}

export class Workbench {
  private readonly browserConsole: string[] = [];

  private constructor(
    readonly page: Page,
    /** The throwaway copy of the fixture that VS Code has open (without a fixture: an empty folder, not open). */
    readonly workspace: string,
    private readonly folderOpen: boolean,
    private readonly browser: Browser,
    private readonly server: VscodeServer,
    private readonly tempDir: string,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.browserConsole.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => this.browserConsole.push(`[pageerror] ${error.stack ?? error.message}`));
  }

  static async open(options: WorkbenchOptions): Promise<Workbench> {
    installServer();
    for (const built of ['out/extension.js', 'out/webview/search.js', 'out/webview/graph.js']) {
      if (!fs.existsSync(path.join(projectRoot, built))) throw new Error(`${built} is missing: run node esbuild.mjs first`);
    }
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-e2e-'));
    const workspace = path.join(tempDir, options.fixture ? path.basename(options.fixture) : 'empty');
    if (options.fixture) fs.cpSync(path.join(projectRoot, options.fixture), workspace, { recursive: true });
    else fs.mkdirSync(workspace);
    writeWorkspaceSettings(workspace, {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.colorTheme': 'Default Light Modern',
      ...options.settings,
    });
    const server = new VscodeServer(tempDir, undefined, projectRoot);
    let browser: Browser | undefined;
    try {
      await server.start();
      browser = await loadPlaywright().chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      const page = await context.newPage();
      const workbench = new Workbench(page, workspace, options.fixture !== undefined, browser, server, tempDir);
      const payload = [['extensionDevelopmentPath', server.remoteUri(projectRoot)]];
      const folder = options.fixture ? `folder=${encodeURIComponent(workspace)}&` : '';
      await page.goto(`http://127.0.0.1:${server.port}/?${folder}payload=${encodeURIComponent(JSON.stringify(payload))}`);
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
      return workbench;
    } catch (error) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw new Error(`could not open VS Code on ${options.fixture ?? 'no folder'}: ${(error as Error).message}\n` +
        `last lines of the server log:\n${server.logTail(20)}`);
    }
  }

  /** Waits for the extension's status bar item "N requirements" and returns its text. */
  async waitForIndex(timeoutMs = 120_000): Promise<string> {
    const item = this.page.locator('.statusbar-item', { hasText: /\d[\d,]* requirements/ }).first();
    await item.waitFor({ timeout: timeoutMs });
    return (await item.innerText()).trim();
  }

  /** Runs a command by its palette label, e.g. `cvPRD: Show Graph`. */
  async runCommand(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.getByText(label, { exact: true }) }).first();
    // Something opening meanwhile (the welcome walkthrough of a window with no folder) can close the palette: open it again.
    for (let attempt = 1; ; attempt++) {
      await this.pressUntilShown('F1', input);
      await input.fill(`>${label}`);
      try {
        await row.waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await row.click();
  }

  /** Runs Clear Index and confirms its dialog. */
  async clearIndex(): Promise<void> {
    await this.runCommand('cvPRD: Clear Index');
    await this.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Clear Index' }).click();
  }

  /** Opens a workspace file through Quick Open and waits for its editor tab. */
  async openFile(relativePath: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.pressUntilShown('Control+P', input);
    await input.fill(relativePath);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: path.basename(relativePath) }).waitFor({ timeout: 15_000 });
  }

  /**
   * Moves the cursor to `line` of the open file `fileName` (its first tab, from the left) with Go to Line, and waits
   * for the status bar to show it. Clicks the tab rather than pressing Ctrl+1: see pressUntilShown().
   */
  async goToLine(fileName: string, line: number): Promise<void> {
    await this.page.locator(`.tabs-container .tab[aria-label^="${fileName}"]`).first().click();
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: 10_000 });
    const input = this.page.locator('.quick-input-widget input');
    await this.pressUntilShown('Control+G', input);
    await input.fill(`:${line}`);
    await input.press('Enter');
    await this.waitForActiveEditor(fileName, line);
  }

  /**
   * Presses `key` until `shown` is visible. A key pressed while a webview has focus reaches the workbench by message,
   * and under load such a message can be lost.
   */
  async pressUntilShown(key: string, shown: Locator, attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press(key);
      try {
        await shown.waitFor({ timeout: 5_000 });
        return;
      } catch (error) {
        if (attempt === attempts) throw error;
      }
    }
  }

  /**
   * The content frame of the webview whose document title is `title` (webviews are re-created when shown again, so
   * ask again after hiding one). Frame has locator(), evaluate(), waitForFunction().
   */
  async webview(title: string, timeoutMs = 30_000): Promise<Frame> {
    return webviewFrame(this.page, title, timeoutMs);
  }

  /**
   * Switches the colour theme through the workspace settings (with no folder open: with Preferences: Color Theme) and
   * waits for the workbench to show it.
   */
  async setColorTheme(theme: ColorTheme): Promise<void> {
    if (this.folderOpen) {
      this.editSettings({ 'workbench.colorTheme': theme });
    } else {
      await this.runCommand('Preferences: Color Theme');
      // The list shows a few themes at a time: narrow it to the one asked for.
      await this.page.locator('.quick-input-widget input').fill(THEME_LABEL[theme]);
      await this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.getByText(THEME_LABEL[theme], { exact: true }) }).first().click();
    }
    await this.page.locator(`.monaco-workbench.${THEME_CLASS[theme]}`).waitFor({ timeout: 15_000 });
  }

  /** Sets (or, with undefined, removes) workspace settings of the open copy. */
  editSettings(changes: Record<string, unknown>): void {
    writeWorkspaceSettings(this.workspace, changes);
  }

  /** Saves test-artifacts/e2e/<name>.png (of `target`, or the whole window) and returns its path. */
  async screenshot(name: string, target?: Locator): Promise<string> {
    fs.mkdirSync(E2E_ARTIFACTS_DIR, { recursive: true });
    const file = path.join(E2E_ARTIFACTS_DIR, `${name}.png`);
    await (target ?? this.page).screenshot({ path: file });
    return file;
  }

  async activeEditor(): Promise<ActiveEditor | undefined> {
    const tab = this.page.locator('.tabs-container .tab.active');
    const selection = this.page.locator('[id="status.editor.selection"]');
    if (await tab.count() === 0 || await selection.count() === 0) return undefined;
    const fileName = ((await tab.first().getAttribute('aria-label')) ?? '').split(',')[0].trim();
    const line = /Ln (\d+)/.exec(await selection.first().innerText());
    return line ? { fileName, line: Number(line[1]) } : undefined;
  }

  /** Polls until the active editor is `fileName` (and `line`, when given), or throws with what it saw last. */
  async waitForActiveEditor(fileName: string, line?: number, timeoutMs = 15_000): Promise<ActiveEditor> {
    const deadline = Date.now() + timeoutMs;
    let seen: ActiveEditor | undefined;
    while (Date.now() < deadline) {
      seen = await this.activeEditor();
      if (seen?.fileName === fileName && (line === undefined || seen.line === line)) return seen;
      await sleep(200);
    }
    throw new Error(`the active editor is ${JSON.stringify(seen)}, expected ${fileName}${line === undefined ? '' : ` at line ${line}`}`);
  }

  /** A screenshot, the server log and the browser's errors in test-artifacts/e2e/, for a failed test. */
  async saveFailureArtifacts(name: string): Promise<void> {
    const base = path.join(E2E_ARTIFACTS_DIR, `failed-${name.replace(/[^\w.-]+/g, '-').slice(0, 80)}`);
    fs.mkdirSync(E2E_ARTIFACTS_DIR, { recursive: true });
    await this.page.screenshot({ path: `${base}.png` }).catch(() => undefined);
    fs.copyFileSync(this.server.logFile, `${base}-server.log`);
    fs.writeFileSync(`${base}-browser-console.log`, this.browserConsole.join('\n') + '\n');
    console.log(`    artifacts of the failure: ${path.relative(projectRoot, base)}*`);
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** Merges `settings` over .vscode/settings.json of `workspace`; JSON.stringify drops a key set to undefined. */
function writeWorkspaceSettings(workspace: string, settings: Record<string, unknown>): void {
  const file = path.join(workspace, '.vscode', 'settings.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2) + '\n');
}

/**
 * Opens one workbench for the enclosing describe() (before), saves artifacts of each failed test (afterEach) and stops
 * it (after). Returns a getter for use inside the tests.
 */
export function useWorkbench(options: WorkbenchOptions): () => Workbench {
  let workbench: Workbench | undefined;
  before(async function () {
    this.timeout(240_000);
    workbench = await Workbench.open(options);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) await workbench.saveFailureArtifacts(this.currentTest.fullTitle());
  });
  after(async function () {
    this.timeout(30_000);
    await workbench?.stop();
  });
  return () => {
    if (!workbench) throw new Error('the workbench did not open (see the before hook)');
    return workbench;
  };
}
