import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export const DEFAULT_INCLUDE = [
  '**/PRD.md',
  '**/*.prd.md',
  '**/*-prd.md',
  '**/prd-*.md',
  '**/prd/**/*.md',
  '**/prds/**/*.md',
  '**/requirements/**/*.md',
  '**/PRD.docx',
  '**/*.prd.docx',
  '**/*-prd.docx',
  '**/prd/**/*.docx',
  '**/prds/**/*.docx',
  '**/requirements/**/*.docx',
];

export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/out/**', '**/dist/**'];

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface DiscoveryOptions {
  include?: string[];
  exclude?: string[];
  maxFileBytes?: number;
  /** Honour .gitignore files found in the roots (default true). */
  useGitignore?: boolean;
}

export interface DiscoveredFile {
  root: string;
  absPath: string;
  /** The file's identity in the index: root-relative with '/' separators (prefixed by the root's name when there are several roots). */
  key: string;
  size: number;
  mtimeMs: number;
}

export interface DiscoveryWarning {
  path: string;
  message: string;
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  warnings: DiscoveryWarning[];
  /**
   * Key prefixes (`sub/dir/`) of folders below a root that could not be listed. What the index holds under them is
   * unknown, not gone, so the indexer keeps it.
   */
  unreadableFolders: string[];
}

export class RootNotFoundError extends Error {
  constructor(readonly root: string, reason: string) {
    super(`Cannot read folder ${root}: ${reason}`);
    this.name = 'RootNotFoundError';
  }
}

/** Throws RootNotFoundError unless root is an existing folder. */
export function assertRootFolder(root: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch (error) {
    throw new RootNotFoundError(root, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message);
  }
  if (!stat.isDirectory()) throw new RootNotFoundError(root, 'not a folder');
}

/** Keys stay short and readable: root-relative for one root, `<root name>/<relative>` for several. */
export function fileKeyFor(roots: string[], root: string, absPath: string): string {
  const relative = path.relative(root, absPath).split(path.sep).join('/');
  return roots.length > 1 ? `${path.basename(root)}/${relative}` : relative;
}

interface GitignoreScope {
  /** Directory of the .gitignore, relative to the root with '/' ('' for the root itself). */
  dir: string;
  rules: Ignore;
}

function isIgnoredByGit(scopes: GitignoreScope[], relPath: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const inside = scope.dir === '' ? relPath : relPath.startsWith(`${scope.dir}/`) ? relPath.slice(scope.dir.length + 1) : undefined;
    if (inside && scope.rules.ignores(isDir ? `${inside}/` : inside)) return true;
  }
  return false;
}

function readGitignore(dirAbs: string, dirRel: string, warnings: DiscoveryWarning[]): GitignoreScope | undefined {
  const file = path.join(dirAbs, '.gitignore');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return { dir: dirRel, rules: ignore().add(text) };
  } catch (error) {
    warnings.push({ path: file, message: `unreadable .gitignore ignored: ${(error as Error).message}` });
    return undefined;
  }
}

/** Finds PRD files under the roots. Walks iteratively, pruning excluded and git-ignored folders. */
export function discoverPrdFiles(roots: string[], options: DiscoveryOptions = {}): DiscoveryResult {
  const includeMatch = picomatch(options.include ?? DEFAULT_INCLUDE, { dot: false, nocase: true });
  const excludeMatch = picomatch(options.exclude ?? DEFAULT_EXCLUDE, { dot: true });
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const useGitignore = options.useGitignore ?? true;
  const absoluteRoots = roots.map((root) => path.resolve(root));
  const files: DiscoveredFile[] = [];
  const warnings: DiscoveryWarning[] = [];
  const unreadableFolders: string[] = [];

  for (const root of absoluteRoots) assertRootFolder(root);
  for (const root of absoluteRoots) {
    // `cvprd index docs/prds` means the PRDs under prds/ just as `cvprd index docs` does.
    const rootName = path.basename(root);
    const included = (rel: string): boolean => includeMatch(rel) || includeMatch(`${rootName}/${rel}`);

    const pending: { abs: string; rel: string; scopes: GitignoreScope[] }[] = [{ abs: root, rel: '', scopes: [] }];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      const scope = useGitignore ? readGitignore(dir.abs, dir.rel, warnings) : undefined;
      const scopes = scope ? [...dir.scopes, scope] : dir.scopes;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir.abs, { withFileTypes: true });
      } catch (error) {
        // An unreadable root would look like an empty one, and the indexer would then drop everything it holds.
        if (dir.rel === '') throw new RootNotFoundError(root, (error as Error).message);
        warnings.push({ path: dir.abs, message: `folder skipped: ${(error as Error).message}` });
        unreadableFolders.push(`${fileKeyFor(absoluteRoots, root, dir.abs)}/`);
        continue;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const abs = path.join(dir.abs, entry.name);
        const rel = dir.rel ? `${dir.rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (excludeMatch(`${rel}/`) || excludeMatch(`${rel}/x`) || isIgnoredByGit(scopes, rel, true)) continue;
          pending.push({ abs, rel, scopes });
          continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        if (!included(rel) || excludeMatch(rel) || isIgnoredByGit(scopes, rel, false)) continue;
        let stat: fs.Stats;
        try {
          stat = fs.statSync(abs);
        } catch (error) {
          warnings.push({ path: abs, message: `file skipped: ${(error as Error).message}` });
          continue;
        }
        if (!stat.isFile()) continue;
        if (stat.size > maxBytes) {
          warnings.push({ path: abs, message: `file skipped: ${formatBytes(stat.size)} is over the ${formatBytes(maxBytes)} limit` });
          continue;
        }
        files.push({ root, absPath: abs, key: fileKeyFor(absoluteRoots, root, abs), size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) });
      }
    }
  }
  files.sort((a, b) => a.key.localeCompare(b.key));
  return { files, warnings, unreadableFolders };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
