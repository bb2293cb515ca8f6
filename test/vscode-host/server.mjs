// The VS Code server (from the cache install-server.mjs fills) and the headless Chromium that shows its web
// workbench: shared by run.mjs (tests in the extension host), the e2e suites (test/e2e) and scripts/demo-vscode.mjs
// (the extension on samples/).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { RESULTS_ENV } from './mocha-in-host.cjs';
import { vscodeDir } from './paths.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
// Machine settings of the server: no prompts or gallery look-ups in a headless, offline run.
const MACHINE_SETTINGS = {
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
};

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** False when no process of the group is left. */
function signalGroup(group, signal) {
  try {
    process.kill(group, signal);
    return true;
  } catch {
    return false;
  }
}

/** resultsFile: where mocha-in-host.cjs writes test results; undefined when no tests run. */
export class VscodeServer {
  constructor(tempDir, resultsFile, cwd) {
    this.tempDir = tempDir;
    this.cwd = cwd;
    this.resultsFile = resultsFile;
    this.logFile = path.join(tempDir, 'server.log');
    this.exitCode = undefined;
  }

  get dataDirArgs() {
    return ['--server-data-dir', path.join(this.tempDir, 'server-data'), '--user-data-dir', path.join(this.tempDir, 'user-data')];
  }

  /**
   * Installs a VSIX and waits for it. (`--install-extension` with `--start-server` installs while the workbench is
   * already starting, and tests can start before the extension is there.)
   */
  installExtension(vsix) {
    const result = spawnSync(process.execPath, [path.join(vscodeDir, 'out', 'server-main.js'), '--install-extension', vsix,
      '--accept-server-license-terms', ...this.dataDirArgs], { cwd: this.cwd, encoding: 'utf8' });
    if (result.status !== 0 || !/successfully installed/.test(result.stdout)) {
      throw new Error(`installing ${vsix} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
  }

  async start() {
    const userDataDir = path.join(this.tempDir, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(MACHINE_SETTINGS, null, 2));
    const logStream = fs.openSync(this.logFile, 'a');
    // Detached: the server forks extension hosts and watchers, and the whole group must go at the end.
    this.process = spawn(process.execPath, [
      path.join(vscodeDir, 'out', 'server-main.js'),
      // Port 0: the server picks a free port and logs it, so parallel runs never race for one.
      '--host', '127.0.0.1', '--port', '0',
      '--without-connection-token', '--accept-server-license-terms', '--disable-telemetry',
      '--disable-workspace-trust',
      ...this.dataDirArgs,
    ], {
      // The extension host inherits this: bare specifiers in execArgv (e.g. a worker's --require) resolve from it.
      cwd: this.cwd,
      detached: true,
      stdio: ['ignore', logStream, logStream],
      env: this.resultsFile ? { ...process.env, [RESULTS_ENV]: this.resultsFile } : process.env,
    });
    fs.closeSync(logStream);
    this.process.on('exit', (code, signal) => { this.exitCode = code ?? signal; });
    await this.waitUntilListening(60_000);
  }

  async waitUntilListening(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) throw new Error(`the VS Code server exited (${this.exitCode}) before listening`);
      const listening = /Extension host agent listening on (\d+)/.exec(fs.readFileSync(this.logFile, 'utf8'));
      if (listening) {
        this.port = Number(listening[1]);
        return;
      }
      await sleep(250);
    }
    throw new Error(`the VS Code server did not start listening within ${timeoutMs / 1000} s`);
  }

  remoteUri(fsPath) {
    return `vscode-remote://127.0.0.1:${this.port}${fsPath.split('/').map(encodeURIComponent).join('/')}`;
  }

  async stop() {
    if (!this.process) return;
    // The group outlives the server process while an extension host or pty host it forked is still running.
    const group = -this.process.pid;
    if (!signalGroup(group, 'SIGTERM')) return;
    for (let i = 0; i < 20 && this.exitCode === undefined; i++) await sleep(100);
    signalGroup(group, 'SIGKILL');
  }

  logTail(lines) {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }
}

export function loadPlaywright() {
  return createRequire(import.meta.url)('playwright-core');
}

/**
 * The content frame of the webview whose document title is `title` (webviews are frames of the workbench page; they
 * are re-created when shown again, so ask again after hiding one).
 */
export async function webviewFrame(page, title, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      if (await frame.title().catch(() => undefined) === title) return frame;
    }
    await sleep(200);
  }
  const titles = await Promise.all(page.frames().map((frame) => frame.title().catch(() => '?')));
  throw new Error(`no webview titled "${title}" within ${timeoutMs / 1000} s (frames: ${JSON.stringify(titles)})`);
}
