// Runs mocha inside the VS Code extension host. A tests module's run() calls runMochaInHost(); the results go to
// the JSON file named by CVPRD_VSCODE_TEST_RESULTS (set by run.mjs on the server, inherited by the extension
// host), because in the browser-hosted workbench the runner cannot see the extension host's console.
const fs = require('node:fs');
const path = require('node:path');

const RESULTS_ENV = 'CVPRD_VSCODE_TEST_RESULTS';
/** Runs only the tests whose full title matches this regular expression (inherited like RESULTS_ENV). */
const GREP_ENV = 'CVPRD_VSCODE_TEST_GREP';

function testFilesIn(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFilesIn(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

function errorText(error) {
  if (!error) return '';
  return error.stack || String(error.message || error);
}

function writeResults(results) {
  const file = process.env[RESULTS_ENV];
  if (!file) return;
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Runs every *.test.js under testsDir with mocha (bdd, no colours); resolves when all passed, rejects otherwise,
 * so @vscode/test-electron can use the same tests module.
 */
async function runMochaInHost(testsDir, { timeout = 60000 } = {}) {
  const results = { vscodeVersion: undefined, passed: [], failed: [], skipped: [], error: undefined };
  try {
    const vscode = require('vscode');
    results.vscodeVersion = vscode.version;
    // mocha 12 is an ES module (require() returns its namespace); mocha 10/11 export the class itself.
    const mochaModule = require('mocha');
    const Mocha = mochaModule.default ?? mochaModule;
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout, reporter: 'spec' });
    if (process.env[GREP_ENV]) mocha.grep(new RegExp(process.env[GREP_ENV]));
    const files = testFilesIn(testsDir);
    if (files.length === 0) throw new Error(`no *.test.js files under ${testsDir}`);
    // Loaded by mocha.run() with require(), so the extension host's `vscode` module resolves in test files.
    files.forEach((file) => mocha.addFile(file));
    await new Promise((resolve) => {
      const runner = mocha.run(() => resolve());
      let order = 0;
      runner.on('pass', (test) => results.passed.push({ order: order++, title: test.fullTitle(), duration: test.duration }));
      runner.on('fail', (test, error) => results.failed.push({ order: order++, title: test.fullTitle(), error: errorText(error) }));
      runner.on('pending', (test) => results.skipped.push({ order: order++, title: test.fullTitle(), reason: test.skipReason }));
    });
  } catch (error) {
    results.error = errorText(error);
  }
  writeResults(results);
  if (results.error) throw new Error(results.error);
  if (results.failed.length > 0) throw new Error(`${results.failed.length} test(s) failed`);
}

module.exports = { runMochaInHost, RESULTS_ENV };
