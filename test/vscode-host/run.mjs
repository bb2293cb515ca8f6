#!/usr/bin/env node
// Runs a mocha suite inside a real VS Code 1.100 extension host: the cached VS Code server (see
// install-server.mjs) plus headless Debian Chromium showing its web workbench.
// Usage: node test/vscode-host/run.mjs --extension <dir> --tests <dir with index.js> --workspace <dir>
//        [--timeout <seconds>]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { installServer } from './install-server.mjs';
import { RESULTS_ENV } from './mocha-in-host.cjs';
import { CACHE_DIR, projectRoot, vscodeDir } from './paths.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts');
// Machine settings of the server: no prompts or gallery look-ups in a headless, offline run.
const MACHINE_SETTINGS = {
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
};

function log(message) {
  console.log(`[vscode-host] ${message}`);
}

function usage(message) {
  console.error(`[vscode-host] ${message}\nUsage: node test/vscode-host/run.mjs --extension <dir> ` +
    '--tests <dir with index.js> --workspace <dir> [--timeout <seconds>]');
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        extension: { type: 'string' }, tests: { type: 'string' }, workspace: { type: 'string' },
        timeout: { type: 'string', default: '300' },
      },
    }));
  } catch (error) {
    usage(error.message);
  }
  for (const name of ['extension', 'tests', 'workspace']) {
    if (!values[name]) usage(`--${name} is required`);
  }
  const extension = path.resolve(values.extension);
  const testsDir = path.resolve(values.tests);
  const workspace = path.resolve(values.workspace);
  const testsModule = path.join(testsDir, 'index.js');
  if (!fs.existsSync(path.join(extension, 'package.json'))) usage(`no package.json in --extension ${extension}`);
  if (!fs.existsSync(testsModule)) usage(`no index.js in --tests ${testsDir}`);
  if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) usage(`--workspace ${workspace} is not a folder`);
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) usage(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  return { extension, testsModule, workspace, timeoutMs: timeoutSeconds * 1000 };
}

function sleep(ms) {
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

class VscodeServer {
  constructor(tempDir, resultsFile, cwd) {
    this.tempDir = tempDir;
    this.cwd = cwd;
    this.resultsFile = resultsFile;
    this.logFile = path.join(tempDir, 'server.log');
    this.exitCode = undefined;
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
      '--server-data-dir', path.join(this.tempDir, 'server-data'),
      '--user-data-dir', userDataDir,
    ], {
      // The extension host inherits this: bare specifiers in execArgv (e.g. a worker's --require) resolve from it.
      cwd: this.cwd,
      detached: true,
      stdio: ['ignore', logStream, logStream],
      env: { ...process.env, [RESULTS_ENV]: this.resultsFile },
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

async function waitForResults(resultsFile, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(resultsFile)) return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (server.exitCode !== undefined) throw new Error(`the VS Code server exited (${server.exitCode}) before the tests finished`);
    await sleep(500);
  }
  throw new Error(`no test results after ${timeoutMs / 1000} s (the tests module never finished, or the ` +
    'extension host did not start; see the server log and screenshot)');
}

function indent(text, prefix) {
  return text.split('\n').map((line) => prefix + line).join('\n');
}

function report(results) {
  const lines = [
    ...results.passed.map((test) => [test.order, `  ✔ ${test.title} (${test.duration} ms)`]),
    ...results.skipped.map((test) => [test.order, `  - ${test.title}${test.reason ? ` (skipped: ${test.reason})` : ''}`]),
    ...results.failed.map((test, i) => [test.order, `  ${i + 1}) ${test.title}`]),
  ];
  lines.sort((a, b) => a[0] - b[0]).forEach(([, line]) => console.log(line));
  results.failed.forEach((test, i) => console.log(`\n  ${i + 1}) ${test.title}\n${indent(test.error, '     ')}`));
  if (results.error) console.log(`\n  the tests module failed: ${indent(results.error, '     ').trimStart()}`);
  console.log(`\nvscode: ${results.passed.length} passed, ${results.failed.length} failed, ${results.skipped.length} skipped` +
    (results.vscodeVersion ? ` (VS Code ${results.vscodeVersion})` : ''));
}

function loadPlaywright() {
  // playwright-core lives in the server cache, not in the project's dependencies.
  return createRequire(path.join(CACHE_DIR, 'package.json'))('playwright-core');
}

async function saveArtifacts(page, server, browserConsole) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logCopy = path.join(ARTIFACTS_DIR, `vscode-host-${stamp}.log`);
  fs.copyFileSync(server.logFile, logCopy);
  log(`server log saved to ${path.relative(projectRoot, logCopy)}`);
  const consoleFile = path.join(ARTIFACTS_DIR, `vscode-host-${stamp}-browser-console.log`);
  fs.writeFileSync(consoleFile, browserConsole.join('\n') + '\n');
  log(`workbench errors and warnings saved to ${path.relative(projectRoot, consoleFile)}`);
  if (!page) return;
  const screenshot = path.join(ARTIFACTS_DIR, `vscode-host-${stamp}.png`);
  try {
    await page.screenshot({ path: screenshot, timeout: 10_000 });
    log(`screenshot saved to ${path.relative(projectRoot, screenshot)}`);
  } catch (error) {
    log(`could not take a screenshot: ${error.message}`);
  }
}

async function main() {
  const options = parseOptions();
  try {
    installServer();
  } catch (error) {
    console.error(`[vscode-host] ERROR: could not install the VS Code server: ${error.message}`);
    return 1;
  }
  const { chromium } = loadPlaywright();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-vscode-host-'));
  const resultsFile = path.join(tempDir, 'results.json');
  const server = new VscodeServer(tempDir, resultsFile, options.extension);
  let browser;
  let page;
  let exitCode = 1;
  const browserConsole = [];
  const stopAll = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(tempDir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    log(`${signal}: stopping the server and the browser`);
    stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  try {
    await server.start();
    log(`VS Code server listening on 127.0.0.1:${server.port} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // Our signal handler closes the browser and then the server, in that order.
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, handleSIGINT: false, handleSIGTERM: false,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        const url = message.location()?.url;
        browserConsole.push(`[${message.type()}] ${message.text()}${url ? ` (${url})` : ''}`);
      }
    });
    page.on('pageerror', (error) => browserConsole.push(`[pageerror] ${error.stack ?? error.message}`));
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(options.extension)],
      ['extensionTestsPath', server.remoteUri(options.testsModule)],
    ];
    const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(options.workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`opening the workbench on ${options.workspace}`);
    await page.goto(url);
    const results = await waitForResults(resultsFile, server, options.timeoutMs);
    log(`tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    report(results);
    const total = results.passed.length + results.failed.length + results.skipped.length;
    if (total === 0 && !results.error) log('FAILED: no test ran');
    exitCode = results.failed.length === 0 && !results.error && total > 0 ? 0 : 1;
  } catch (error) {
    console.error(`[vscode-host] ERROR: ${error.message}`);
    console.error(`[vscode-host] last lines of the server log:\n${indent(server.logTail(20), '    ')}`);
    console.log('\nvscode: 0 passed, 0 failed, 0 skipped (the run did not complete)');
  }
  if (exitCode !== 0) await saveArtifacts(page, server, browserConsole);
  await stopAll();
  return exitCode;
}

process.exitCode = await main();
