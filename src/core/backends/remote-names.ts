// Names and addresses of remote stores, without loading their clients (the extension reads these at activation).
import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** The URL without user name or password (redis://:secret@host -> redis://host). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * The default Qdrant collection / FalkorDB graph name of a workspace: `cvprd-<folder name>-<8 hex of the absolute
 * path>`, so repositories sharing one Qdrant cluster or FalkorDB instance never collide.
 */
export function defaultRemoteName(workspaceFolder: string): string {
  const absolute = path.resolve(workspaceFolder);
  const folder = path.basename(absolute).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return `cvprd-${folder}-${createHash('sha1').update(absolute).digest('hex').slice(0, 8)}`;
}
