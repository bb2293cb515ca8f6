import * as fs from 'node:fs';
import * as path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');

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
