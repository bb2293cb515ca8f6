#!/usr/bin/env node
// Runs the extension's suites (out/test/vscode) inside a real VS Code on a throwaway copy of the fixture workspace,
// because the suites edit, create and delete PRD files. Build first: node esbuild.mjs.
// With --vsix, installs that package into the VS Code server instead and runs the packaged-extension suite
// (test/vscode-host/vsix-tests) through a harness extension that carries no code of its own.
// Usage: node test/vscode-host/run-extension-tests.mjs [--vsix <file.vsix>] [--timeout <seconds>] [--keep-workspace]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from './paths.mjs';

const FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'vscode-workspace');
const HOST_DIR = path.join(projectRoot, 'test', 'vscode-host');
const RUNNER = path.join(HOST_DIR, 'run.mjs');

function fail(message) {
  console.error(`[vscode-tests] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    vsix: { type: 'string' }, timeout: { type: 'string', default: '600' }, 'keep-workspace': { type: 'boolean', default: false },
  },
});

const target = values.vsix
  ? { extension: path.join(HOST_DIR, 'vsix-harness'), tests: path.join(HOST_DIR, 'vsix-tests'), install: ['--install-extension', path.resolve(values.vsix)] }
  : { extension: projectRoot, tests: path.join(projectRoot, 'out', 'test', 'vscode'), install: [] };
if (values.vsix && !fs.existsSync(values.vsix)) fail(`${values.vsix} does not exist: build it with node scripts/package-vsix.mjs`);
if (!values.vsix) {
  for (const built of [path.join(projectRoot, 'out', 'extension.js'), path.join(target.tests, 'index.js')]) {
    if (!fs.existsSync(built)) fail(`${path.relative(projectRoot, built)} is missing: run node esbuild.mjs first`);
  }
}

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-extension-tests-'));
// The folder keeps the fixture's name: the suites and the explorer show it.
const workspace = path.join(tempDir, path.basename(FIXTURE));
fs.cpSync(FIXTURE, workspace, { recursive: true });
console.log(`[vscode-tests] fixture copied to ${workspace}`);

const runner = spawn(process.execPath, [RUNNER, '--extension', target.extension, '--tests', target.tests,
  '--workspace', workspace, ...target.install, '--timeout', values.timeout], { stdio: 'inherit' });
// run.mjs stops its server and browser on SIGINT/SIGTERM; pass the signal on and clean up once it has exited.
const forward = (signal) => runner.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

const exitCode = await new Promise((resolve) => {
  runner.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 143)));
  runner.on('error', (error) => {
    console.error(`[vscode-tests] could not start the runner: ${error.message}`);
    resolve(1);
  });
});

if (values['keep-workspace']) console.log(`[vscode-tests] workspace kept: ${workspace}`);
else fs.rmSync(tempDir, { recursive: true, force: true });
process.exit(exitCode);
