#!/usr/bin/env node
// `npm test`: every stage in order, stopping at the first that fails, then one closing line with the totals of the
// stages' own summary lines ("<stage>: N passed, N failed, N skipped"), which is what CI reads.
import { spawn } from 'node:child_process';

const STAGES = [
  ['typecheck', 'npm', ['run', 'typecheck']],
  ['build', 'npm', ['run', 'build']],
  ['unit', 'npm', ['run', 'test:unit']],
  ['vscode', 'npm', ['run', 'test:vscode']],
  ['e2e', 'npm', ['run', 'test:e2e']],
  ['vsix', 'npm', ['run', 'test:vsix']],
];
const SUMMARY = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;

function runStage(command, args) {
  return new Promise((resolve) => {
    let summary;
    let pending = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const match = SUMMARY.exec(line);
        if (match) summary = { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3] ?? 0) };
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, summary }));
  });
}

const total = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const [name, command, args] of STAGES) {
  const { code, summary } = await runStage(command, args);
  if (summary) for (const key of Object.keys(total)) total[key] += summary[key];
  if (code !== 0) {
    console.log(`\nstage "${name}" failed (exit ${code}); later stages not run`);
    if (!summary || summary.failed === 0) total.failed++;
    exitCode = code;
    break;
  }
}
console.log(`\nall: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(exitCode);
