import { strict as assert } from 'node:assert';
import { compileIdPatterns, decodePrdBytes, defaultParseOptions, InvalidIdPatternError, parsePrd } from '../../src/core/parse';

const options = defaultParseOptions();

describe('parse: bad input', () => {
  it('empty file: a warning naming the file, an empty PRD titled from the path', () => {
    const prd = parsePrd('docs/empty.md', '', options);
    assert.deepEqual(prd.warnings, [{ file: 'docs/empty.md', line: 1, message: 'docs/empty.md: the file is empty' }]);
    assert.deepEqual([prd.sections, prd.requirements, prd.chunks], [[], [], []]);
    assert.equal(prd.meta.title, 'empty');
  });

  it('5,000 nested headings: no stack overflow, correct paths, fast', () => {
    let text = '';
    for (let i = 0; i < 5000; i++) text += `${'#'.repeat((i % 6) + 1)} H${i}\n\nFR-${i}: requirement ${i}\n\n`;
    const started = performance.now();
    const prd = parsePrd('deep.md', text, options);
    const ms = performance.now() - started;
    assert.equal(prd.sections.length, 5000);
    assert.equal(prd.requirements.length, 5000);
    assert.deepEqual(prd.sections[5].headingPath, ['H0', 'H1', 'H2', 'H3', 'H4', 'H5']);
    assert.deepEqual(prd.sections[4999].headingPath, ['H4998', 'H4999']);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });

  it('5,000 levels of nested block quotes with headings do not crash', () => {
    let text = '';
    for (let i = 0; i < 5000; i++) text += `${'>'.repeat(i % 200)} # Q${i}\n`;
    const prd = parsePrd('quotes.md', text, options);
    assert.ok(prd.sections.length >= 1);
  });

  it('unterminated code fence: a warning with the line, the fence runs to the end', () => {
    const prd = parsePrd('f.md', '# T\n\n- FR-1: real\n\n```js\n# not a heading\n- FR-2: not a requirement\n', options);
    assert.deepEqual(prd.warnings.map((w) => [w.file, w.line]), [['f.md', 5]]);
    assert.match(prd.warnings[0].message, /f\.md:5: code fence ``` is never closed/);
    assert.deepEqual(prd.sections.map((s) => s.title), ['T']);
    assert.deepEqual(prd.requirements.map((r) => r.id), ['FR-1']);
  });

  it('invalid YAML front matter: a warning with the line, the rest parsed with correct line numbers', () => {
    const prd = parsePrd('y.md', '---\ntitle: ok\ntags: [unclosed\n---\n# Real Title\n\n- FR-1: still found\n', options);
    assert.equal(prd.warnings.length, 1);
    assert.equal(prd.warnings[0].file, 'y.md');
    assert.equal(prd.warnings[0].line, 3);
    assert.match(prd.warnings[0].message, /^y\.md:3: invalid YAML front matter/);
    assert.deepEqual(prd.meta.frontMatter, {});
    assert.equal(prd.meta.title, 'Real Title');
    assert.deepEqual(prd.requirements.map((r) => [r.id, r.lines.start]), [['FR-1', 7]]);
  });

  it('invalid ID regex: a typed error naming the pattern', () => {
    assert.throws(() => compileIdPatterns(['FR-\\d+', 'REQ-(\\d+']), (err: unknown) =>
      err instanceof InvalidIdPatternError && err.pattern === 'REQ-(\\d+' && /Invalid requirement ID pattern "REQ-\(\\d\+"/.test(err.message));
    assert.throws(() => compileIdPatterns(['.*']), InvalidIdPatternError);
    assert.throws(() => parsePrd('x.md', '- FR-1: a', { ...options, idPatterns: ['['] }), InvalidIdPatternError);
  });

  it('binary bytes: an error naming the file', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    assert.deepEqual(decodePrdBytes('img/logo.md', png), { error: 'img/logo.md: binary file, skipped' });
  });

  it('invalid UTF-8: a warning naming the file and line, decoded with U+FFFD', () => {
    const result = decodePrdBytes('bad.md', Buffer.concat([Buffer.from('# Title\nok\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
    assert.ok('text' in result);
    assert.equal(result.text, '# Title\nok\ncaf\uFFFD au lait\n');
    assert.deepEqual(result.warnings.map((w) => [w.file, w.line]), [['bad.md', 3]]);
    assert.match(result.warnings[0].message, /bad\.md: invalid UTF-8/);
  });

  it('strips a BOM and normalises CRLF and CR line ends', () => {
    assert.deepEqual(decodePrdBytes('w.md', Buffer.from('\uFEFF# A\r\nb\rc\r\n')), { text: '# A\nb\nc\n', warnings: [] });
  });

  it('decodes UTF-16 with a BOM instead of calling it binary', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# Hi\r\n', 'utf16le')]);
    assert.deepEqual(decodePrdBytes('u.md', bytes), { text: '# Hi\n', warnings: [] });
  });
});
