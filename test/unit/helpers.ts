import * as fs from 'node:fs';
import * as path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');

/** The shared corpus lies beside the checkout (../shared/corpus), in CI too. */
export function corpusRoot(): string | undefined {
  const candidate = path.resolve(projectRoot, '..', 'shared', 'corpus');
  return fs.existsSync(candidate) ? candidate : undefined;
}
