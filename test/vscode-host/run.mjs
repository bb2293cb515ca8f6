#!/usr/bin/env node
// Runs a mocha suite inside a real VS Code 1.100 extension host: the cached VS Code server (see
// install-server.mjs) plus headless Debian Chromium showing its web workbench.
// Usage: node test/vscode-host/run.mjs --extension <dir> --tests <dir with index.js> --workspace <dir>
//        [--install-extension <file.vsix>] [--timeout <seconds>]
// --install-extension installs a VSIX into the server's (throwaway) extensions folder before the server starts;
// --extension is then a harness without code that only carries the tests (VS Code runs tests only beside a
// development extension).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { installServer } from './install-server.mjs';
import { projectRoot } from './paths.mjs';
import { CHROMIUM, CHROMIUM_FLAGS, loadPlaywright, sleep, VscodeServer } from './server.mjs';

const ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts');
function log(message) {
  console.log(`[vscode-host] ${message}`);
}

function usage(message) {
  console.error(`[vscode-host] ${message}\nUsage: node test/vscode-host/run.mjs --extension <dir> ` +
    '--tests <dir with index.js> --workspace <dir> [--install-extension <file.vsix>] [--timeout <seconds>]');
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        extension: { type: 'string' }, tests: { type: 'string' }, workspace: { type: 'string' },
        'install-extension': { type: 'string' }, timeout: { type: 'string', default: '300' },
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
  const vsix = values['install-extension'] && path.resolve(values['install-extension']);
  if (vsix && !fs.existsSync(vsix)) usage(`--install-extension ${vsix} does not exist`);
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) usage(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  return { extension, testsModule, workspace, vsix, timeoutMs: timeoutSeconds * 1000 };
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
  if (results.vscodeVersion) console.log(`\nran inside VS Code ${results.vscodeVersion}`);
  const failed = results.failed.length + (results.error ? 1 : 0);
  return `vscode: ${results.passed.length} passed, ${failed} failed, ${results.skipped.length} skipped`;
}

/** The extension host's log folders (exthost1/, one per host restart): its own log and one folder per extension. */
function extensionHostLogDirs(server) {
  const logsRoot = path.join(server.tempDir, 'user-data', 'logs');
  if (!fs.existsSync(logsRoot)) return [];
  return fs.readdirSync(logsRoot).flatMap((session) => {
    const sessionDir = path.join(logsRoot, session);
    if (!fs.statSync(sessionDir).isDirectory()) return [];
    return fs.readdirSync(sessionDir).filter((name) => name.startsWith('exthost')).map((name) => path.join(sessionDir, name));
  });
}

/**
 * cvPRD logs "activated in N ms" from activate(): the one start-up timing the test API cannot see. Read once the server
 * has stopped: the extension host writes its log files out when it exits.
 */
function reportActivationTimes(server) {
  for (const dir of extensionHostLogDirs(server)) {
    for (const extensionId of fs.readdirSync(dir).filter((name) => name.startsWith('cvprd.'))) {
      for (const file of fs.readdirSync(path.join(dir, extensionId)).filter((name) => name.endsWith('.log'))) {
        const line = fs.readFileSync(path.join(dir, extensionId, file), 'utf8').split('\n').find((text) => /activated in \d+ ms/.test(text));
        if (line) log(`${extensionId}: ${line.trim()}`);
      }
    }
  }
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
  if (!page) return stamp;
  const screenshot = path.join(ARTIFACTS_DIR, `vscode-host-${stamp}.png`);
  try {
    await page.screenshot({ path: screenshot, timeout: 10_000 });
    log(`screenshot saved to ${path.relative(projectRoot, screenshot)}`);
  } catch (error) {
    log(`could not take a screenshot: ${error.message}`);
  }
  return stamp;
}

/** Once the server has stopped: the extension host writes its log files out when it exits. */
function saveExtensionHostLogs(server, stamp) {
  extensionHostLogDirs(server).forEach((dir, i) => {
    const copy = path.join(ARTIFACTS_DIR, `vscode-host-${stamp}-${path.basename(dir)}${i > 0 ? `-${i}` : ''}`);
    fs.cpSync(dir, copy, { recursive: true });
    log(`extension host logs (the extensions' own logs among them) saved to ${path.relative(projectRoot, copy)}`);
  });
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
  let summary = 'vscode: 0 passed, 0 failed, 0 skipped';
  const browserConsole = [];
  let artifactStamp;
  const stopAll = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    reportActivationTimes(server);
    if (artifactStamp) saveExtensionHostLogs(server, artifactStamp);
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
    if (options.vsix) {
      log(`installing ${options.vsix} into the server's extensions folder`);
      server.installExtension(options.vsix);
    }
    await server.start();
    log(`VS Code server listening on 127.0.0.1:${server.port} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // Our signal handler closes the browser and then the server, in that order.
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, handleSIGINT: false, handleSIGTERM: false,
    });
    // Clipboard permissions: the workbench's clipboard service is the browser's, and commands copy to it.
    const browserContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await browserContext.newPage();
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
    summary = report(results);
    const total = results.passed.length + results.failed.length + results.skipped.length;
    if (total === 0 && !results.error) log('FAILED: no test ran');
    exitCode = results.failed.length === 0 && !results.error && total > 0 ? 0 : 1;
  } catch (error) {
    console.error(`[vscode-host] ERROR: ${error.message}`);
    console.error(`[vscode-host] last lines of the server log:\n${indent(server.logTail(20), '    ')}`);
    console.log('\nthe run did not complete');
    summary = 'vscode: 0 passed, 1 failed, 0 skipped';
  }
  if (exitCode !== 0) artifactStamp = await saveArtifacts(page, server, browserConsole);
  await stopAll();
  // Last, so it is the run's closing line.
  console.log(`\n${summary}`);
  return exitCode;
}

process.exitCode = await main();
