#!/usr/bin/env node
// The main job until the extension exists: the cvprd CLI over the sample workspace (samples/), step by step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const db = path.join(mkdtempSync(path.join(tmpdir(), 'cvprd-demo-')), 'index.db');

function cvprd(...args) {
  console.log(`\n$ cvprd ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'cvprd.js'), ...args, '--db', db], { stdio: 'inherit', cwd: root });
  return result.status;
}

const steps = [
  ['index', 'samples'],
  ['stats'],
  ['search', 'what happens when two people edit the same meeting offline', '--k', '3'],
  ['search', 'FR-022', '--mode', 'keyword', '--k', '1'],
  ['context', 'FR-012', '--tokens', '600'],
  ['graph', '--focus', 'FR-011', '--depth', '1', '--format', 'csv'],
];
for (const args of steps) {
  const status = cvprd(...args);
  if (status !== 0) {
    console.error(`\ndemo: "cvprd ${args.join(' ')}" exited with ${status}`);
    process.exit(1);
  }
}
// The samples contain planted problems (see samples/README.md), so validate exits 1 here by design.
const status = cvprd('validate');
if (status !== 1) {
  console.error(`\ndemo: expected validate to report the planted errors (exit 1), got ${status}`);
  process.exit(1);
}
console.log(`\ndemo: done. The index is at ${db}`);
