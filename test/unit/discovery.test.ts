import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverPrdFiles, RootNotFoundError } from '../../src/core/discovery';
import { corpusRoot, skipBecause } from './helpers';

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    const abs = path.join(root, relative);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

describe('discovery', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-discovery-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds the default PRD file names and folders and nothing else', () => {
    writeTree(root, {
      'PRD.md': '# a',
      'api.prd.md': '# b',
      'billing-prd.md': '# c',
      'prd-mobile.md': '# d',
      'prd/anything.md': '# e',
      'prds/deep/nested.md': '# f',
      'requirements/search.md': '# g',
      'prds/legacy.docx': 'x',
      'README.md': '# not a prd',
      'docs/notes.md': '# not a prd',
      'prds/diagram.png': 'x',
    });
    const keys = discoverPrdFiles([root]).files.map((file) => file.key);
    assert.deepEqual(keys, [
      'api.prd.md', 'billing-prd.md', 'PRD.md', 'prd-mobile.md', 'prd/anything.md', 'prds/deep/nested.md', 'prds/legacy.docx', 'requirements/search.md',
    ].sort((a, b) => a.localeCompare(b)));
  });

  it('skips node_modules, .git, out, dist and git-ignored paths, including nested .gitignore files', () => {
    writeTree(root, {
      'node_modules/pkg/PRD.md': '#',
      '.git/PRD.md': '#',
      'out/PRD.md': '#',
      'dist/prds/x.md': '#',
      '.gitignore': 'generated/\n*.draft-prd.md\n',
      'generated/PRD.md': '#',
      'team/notes.draft-prd.md': '#',
      'team/.gitignore': 'private/\n',
      'team/private/PRD.md': '#',
      'team/PRD.md': '#',
    });
    assert.deepEqual(discoverPrdFiles([root]).files.map((file) => file.key), ['team/PRD.md']);
  });

  it('honours custom include and exclude globs', () => {
    writeTree(root, { 'specs/a.md': '#', 'specs/old/b.md': '#', 'PRD.md': '#' });
    const keys = discoverPrdFiles([root], { include: ['specs/**/*.md'], exclude: ['**/old/**'] }).files.map((file) => file.key);
    assert.deepEqual(keys, ['specs/a.md']);
  });

  it('skips a file over the size limit with a warning naming it', () => {
    writeTree(root, { 'PRD.md': 'x'.repeat(3000), 'prds/small.md': '# ok' });
    const result = discoverPrdFiles([root], { maxFileBytes: 2000 });
    assert.deepEqual(result.files.map((file) => file.key), ['prds/small.md']);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0].message, /over the 2\.0 KB limit/);
    assert.equal(result.warnings[0].path, path.join(root, 'PRD.md'));
  });

  it('prefixes keys with the root name when several roots are indexed', () => {
    writeTree(root, { 'one/PRD.md': '#', 'two/PRD.md': '#' });
    const keys = discoverPrdFiles([path.join(root, 'one'), path.join(root, 'two')]).files.map((file) => file.key);
    assert.deepEqual(keys, ['one/PRD.md', 'two/PRD.md']);
  });

  it('rejects a folder that does not exist with a clear error', () => {
    assert.throws(() => discoverPrdFiles([path.join(root, 'missing')]), (error: unknown) => {
      assert.ok(error instanceof RootNotFoundError);
      assert.match(error.message, /missing: no such folder/);
      return true;
    });
  });

  it('finds all 158 PRDs of the real corpus', function () {
    const corpus = corpusRoot();
    if (!corpus) {
      skipBecause(this, 'corpus not found beside the checkout (../shared/corpus)');
    }
    const result = discoverPrdFiles([corpus]);
    assert.equal(result.files.length, 158);
    assert.ok(result.files.every((file) => file.key.endsWith('PRD.md')));
  });
});
