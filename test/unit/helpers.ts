import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder of this project's package.json (found upwards: the suites run from test/ and, bundled, from out/test/). */
export const projectRoot = findProjectRoot(__dirname);

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'cvprd-vscode') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no cvprd-vscode package.json above ${from}`);
  }
}

/** The shared corpus lies beside the checkout (../shared/corpus), in CI too. */
export const corpusPath = path.resolve(projectRoot, '..', 'shared', 'corpus');

export function corpusRoot(): string | undefined {
  return fs.existsSync(corpusPath) ? corpusPath : undefined;
}

type WithSkipReason = { skipReason?: string };

/**
 * Skips with a reason test/reporter.cjs prints: the running test, the test a beforeEach hook runs for, or, from a
 * before hook, every test of the suite (the reason is kept on the suite).
 */
export function skipBecause(context: Mocha.Context, reason: string): never {
  const runnable = context.test as (Mocha.Runnable & { type?: string }) | undefined;
  const target = (runnable?.type === 'hook' ? context.currentTest ?? runnable.parent : runnable) as WithSkipReason | undefined;
  if (target) target.skipReason = reason;
  return context.skip();
}
