import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RootNotFoundError } from '../../src/core/discovery';
import type { IndexReport } from '../../src/core/indexer';
import { InvalidIdPatternError } from '../../src/core/parse';
import { PrdIndex } from '../../src/core/prd-index';
import { SharedEmbedder, copyFixture, makeTempDir, modelDir, removeTempDirs, skipWithoutModel, writeFile } from '../fixtures/indexer/support';

const GOOD = 'good/billing.prd.md';
const BAD = 'bad/PRD.md';

describe('indexer: bad input beside a good PRD (real model, real SQLite)', function () {
  let shared: SharedEmbedder | undefined;
  let index: PrdIndex | undefined;
  let root: string;
  let dbPath: string;

  before(function () {
    skipWithoutModel(this);
    shared = new SharedEmbedder();
  });

  beforeEach(() => {
    const dir = makeTempDir('bad-input');
    root = path.join(dir, 'workspace');
    dbPath = path.join(dir, 'index.db');
    copyFixture('billing.prd.md', root, GOOD);
  });

  afterEach(async () => {
    await index?.close();
    index = undefined;
  });

  after(async () => {
    await shared?.close();
    removeTempDirs();
  });

  function open(idPatterns?: string[]): PrdIndex {
    index = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view(), idPatterns });
    return index;
  }

  async function indexWorkspace(): Promise<IndexReport> {
    return open().index({ roots: [root] });
  }

  /** The good PRD is fully stored and its requirement is the top hit of a question in other words. */
  async function assertGoodPrdIntact(): Promise<void> {
    const requirements = index!.snapshot().requirements.filter((r) => r.file === GOOD).map((r) => r.id);
    assert.deepEqual(requirements, ['FR-901', 'FR-902', 'FR-903', 'AC-901', 'AC-902']);
    const { hits } = await index!.search('what happens when a credit card is declined', { k: 3 });
    assert.equal(hits[0]?.chunkKey, `${GOOD}::req:FR-902`);
  }

  const fileProblems = (problems: IndexReport['warnings'], file: string) => problems.filter((p) => p.file === file);

  it('a binary file named PRD.md: an error naming the file, nothing stored for it', async () => {
    writeFile(root, BAD, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xd8]));
    const report = await indexWorkspace();
    assert.deepEqual(report.errors, [{ file: BAD, message: 'binary file, skipped' }]);
    assert.equal(report.filesFailed, 1);
    assert.equal(report.filesIndexed, 1);
    assert.equal(index!.store.fileRecord(BAD), undefined);
    await assertGoodPrdIntact();
  });

  it('invalid UTF-8: a warning with the line, the rest of the file indexed', async () => {
    writeFile(root, BAD, Buffer.concat([Buffer.from('# Legacy\n\n- FR-100: caf'), Buffer.from([0xe9, 0xff]), Buffer.from(' menu\n')]));
    const report = await indexWorkspace();
    const warnings = fileProblems(report.warnings, BAD);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /^line 3: invalid UTF-8 \(first bad byte on line 3\)/);
    assert.equal(report.errors.length, 0);
    const stored = index!.validate().filter((d) => d.code === 'parse-warning' && d.file === BAD);
    assert.deepEqual(stored.map((d) => d.line), [3]);
    const legacy = index!.snapshot().requirements.find((r) => r.file === BAD);
    assert.equal(legacy?.id, 'FR-100');
    assert.match(legacy!.text, /caf\uFFFD+ menu/);
    await assertGoodPrdIntact();
  });

  it('an empty file: a warning naming it, no chunks from it', async () => {
    writeFile(root, BAD, '');
    const report = await indexWorkspace();
    assert.deepEqual(fileProblems(report.warnings, BAD), [{ file: BAD, message: 'line 1: the file is empty' }]);
    assert.equal(index!.snapshot().chunks.filter((c) => c.file === BAD).length, 0);
    await assertGoodPrdIntact();
  });

  it('a 20 MB file is skipped by the size limit with a warning naming it', async () => {
    const big = writeFile(root, BAD, `# Huge\n\n${'- FR-200: the same line again and again\n'.repeat(540_000)}`);
    assert.ok(fs.statSync(big).size > 20 * 1024 * 1024);
    const report = await indexWorkspace();
    assert.equal(report.warnings.length, 1);
    assert.equal(report.warnings[0].file, big);
    assert.match(report.warnings[0].message, /^file skipped: 20\.\d MB is over the 2\.0 MB limit$/);
    assert.equal(report.filesSeen, 1);
    assert.equal(index!.store.fileRecord(BAD), undefined);
    await assertGoodPrdIntact();
  });

  it('5,000 nested headings: every section stored with its full heading path', async () => {
    let text = '';
    for (let i = 0; i < 5000; i++) text += `${'#'.repeat((i % 6) + 1)} Heading ${i}\n`;
    text += '\nREQ-5000: the deepest requirement\n';
    writeFile(root, BAD, text);
    const report = await indexWorkspace();
    assert.deepEqual([report.errors, report.filesIndexed], [[], 2]);
    const snapshot = index!.snapshot();
    assert.equal(snapshot.sections.filter((s) => s.file === BAD).length, 5000);
    const deepest = snapshot.requirements.find((r) => r.file === BAD);
    assert.equal(deepest?.id, 'REQ-5000');
    assert.deepEqual(deepest!.headingPath, ['Heading 4998', 'Heading 4999']);
    const sixDeep = snapshot.sections.find((s) => s.file === BAD && s.title === 'Heading 4997');
    assert.deepEqual(sixDeep?.headingPath, ['Heading 4992', 'Heading 4993', 'Heading 4994', 'Heading 4995', 'Heading 4996', 'Heading 4997']);
    await assertGoodPrdIntact();
  });

  it('an unterminated code fence: a warning with its line; what is inside is code, not requirements', async () => {
    writeFile(root, BAD, '# Fenced\n\n- FR-300: before the fence\n\n```sh\n# not a heading\n- FR-301: not a requirement\n');
    const report = await indexWorkspace();
    const warnings = fileProblems(report.warnings, BAD);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /^line 5: code fence ``` is never closed/);
    const snapshot = index!.snapshot();
    assert.deepEqual(snapshot.requirements.filter((r) => r.file === BAD).map((r) => r.id), ['FR-300']);
    assert.deepEqual(snapshot.sections.filter((s) => s.file === BAD).map((s) => s.title), ['Fenced']);
    await assertGoodPrdIntact();
  });

  it('invalid YAML front matter: a warning with its line, the body still indexed', async () => {
    writeFile(root, BAD, '---\ntitle: [unclosed\n  owner: : x\n---\n# From The Heading\n\n- FR-400: still found\n');
    const report = await indexWorkspace();
    const warnings = fileProblems(report.warnings, BAD);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /^line 2: invalid YAML front matter .*; front matter ignored$/);
    const snapshot = index!.snapshot();
    assert.equal(snapshot.prds.find((p) => p.file === BAD)?.meta.title, 'From The Heading');
    assert.deepEqual(snapshot.requirements.filter((r) => r.file === BAD).map((r) => r.id), ['FR-400']);
    await assertGoodPrdIntact();

    // The warning is stored with the file: an unchanged re-run (nothing re-parsed) still validates it.
    const rerun = await indexWorkspace();
    assert.equal(fileProblems(rerun.warnings, BAD).length, 0);
    const parseDiagnostics = index!.validate().filter((d) => d.code === 'parse-warning' && d.file === BAD);
    assert.deepEqual(parseDiagnostics.map((d) => d.line), [2]);
    assert.match(parseDiagnostics[0].message, /invalid YAML front matter/);
  });

  it('an ID pattern that is not a regular expression: an error naming it; the index is neither touched nor created', async () => {
    await indexWorkspace();
    await index!.close();
    index = undefined;
    assert.throws(() => open(['(']), (error: Error) => error instanceof InvalidIdPatternError && error.message.includes('"("'));
    index = open();
    await assertGoodPrdIntact();
    await index.close();
    index = undefined;

    const otherDb = path.join(path.dirname(dbPath), 'never.db');
    assert.throws(() => PrdIndex.open({ dbPath: otherDb, modelDir, idPatterns: ['FR-\\d+', '[unclosed'] }), InvalidIdPatternError);
    assert.equal(fs.existsSync(otherDb), false, 'a rejected pattern must not leave a database file behind');
  });

  it('a folder that does not exist: an error naming it, and the existing index is not emptied', async () => {
    await indexWorkspace();
    const missing = path.join(path.dirname(root), 'no-such-folder');
    await assert.rejects(index!.index({ roots: [root, missing] }),
      (error: Error) => error instanceof RootNotFoundError && error.message === `Cannot read folder ${missing}: no such folder`);
    await assertGoodPrdIntact();
  });
});
