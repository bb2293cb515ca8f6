import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexReport } from '../../src/core/indexer';
import type { Diagnostic, SearchHit } from '../../src/core/types';
import { buildCli, cliPath, copyFixture, makeTempDir, removeTempDirs, skipWithoutModel } from '../fixtures/indexer/support';
import { projectRoot, skipBecause } from './helpers';

const samples = path.join(projectRoot, 'samples');
const sampleLines = (file: string): string[] => fs.readFileSync(path.join(samples, file), 'utf8').split('\n');

interface CliResult { status: number | null; stdout: string; stderr: string }

function cvprd(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Exit code 2, one clear line on stderr (no stack trace), nothing on stdout. */
function assertUserError(result: CliResult, message: RegExp): void {
  assert.equal(result.status, 2, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'a stack trace');
  assert.equal(result.stdout, '');
}

const TERMINAL_CONTROL = /[\r\x1b]/;

describe('cvprd CLI on the sample workspace (real model, spawned bin/cvprd.js)', function () {
  this.timeout(120_000);
  let dir: string;
  let db: string;
  let firstIndex: CliResult;

  before(function () {
    skipWithoutModel(this);
    buildCli();
    dir = makeTempDir('cli');
    db = path.join(dir, 'samples.db');
    firstIndex = cvprd(['index', samples, '--db', db]);
  });

  after(removeTempDirs);

  describe('index', () => {
    it('prints a report line, and nothing meant for a terminal when stdout and stderr are pipes', () => {
      assert.equal(firstIndex.status, 0, firstIndex.stderr);
      const stats = JSON.parse(cvprd(['stats', '--db', db, '--json']).stdout);
      assert.match(firstIndex.stdout, new RegExp(
        `^Indexed 5 PRD file\\(s\\) in \\d+\\.\\d s: 5 updated, 0 unchanged, 0 removed, 0 failed\\.\\n` +
        `69 requirements, ${stats.chunks} chunks \\(${stats.chunks} embedded, 0 reused\\), ${stats.related} related pairs\\. ` +
        `Index: ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
      assert.equal(firstIndex.stderr, '');
      assert.doesNotMatch(firstIndex.stdout, TERMINAL_CONTROL);
    });

    it('--json prints the report; a second run finds everything unchanged', () => {
      const result = cvprd(['index', samples, '--db', db, '--json']);
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(result.stdout) as IndexReport;
      assert.deepEqual(
        [report.filesSeen, report.filesUnchanged, report.filesIndexed, report.chunksEmbedded, report.errors, report.cancelled],
        [5, 5, 0, 0, [], false],
      );
    });

    it('the progress bar is drawn on a terminal stderr only, never into stdout', function () {
      const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
      if (script.status !== 0) {
        skipBecause(this, 'util-linux `script` (to give the CLI a terminal) is not installed');
      }
      const out = path.join(dir, 'tty-stdout.txt');
      const ttyDb = path.join(dir, 'tty.db');
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const command = [process.execPath, cliPath, 'index', path.join(samples, 'prds'), '--db', ttyDb].map(quote).join(' ');
      const terminal = spawnSync('script', ['-qec', `${command} > ${quote(out)}`, '/dev/null'], { encoding: 'utf8' });
      assert.equal(terminal.status, 0, terminal.stdout);
      assert.match(terminal.stdout, /indexing \[[█░]+\] 3\/3 files/);
      const stdout = fs.readFileSync(out, 'utf8');
      // All three: security.md matches no file-name pattern, only "anything under prds/", and prds/ is the root here.
      assert.match(stdout, /^Indexed 3 PRD file\(s\)/);
      assert.doesNotMatch(stdout, TERMINAL_CONTROL);
    });
  });

  describe('search', () => {
    const search = (...args: string[]) => {
      const result = cvprd(['search', ...args, '--db', db, '--json']);
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stdout, TERMINAL_CONTROL);
      return JSON.parse(result.stdout) as { query: string; mode: string; hits: SearchHit[] };
    };

    it('"schedule recurring jobs" --json without a terminal: hits with every field, citing real lines', () => {
      const result = search('schedule recurring jobs');
      assert.equal(result.mode, 'hybrid');
      assert.equal(result.hits.length, 10);
      for (const hit of result.hits) {
        assert.ok(fs.existsSync(path.join(samples, hit.file)), hit.file);
        assert.ok(hit.lines.start >= 1 && hit.lines.end >= hit.lines.start, JSON.stringify(hit.lines));
        assert.ok(Array.isArray(hit.headingPath) && hit.headingPath.length > 0);
        assert.equal(typeof hit.type, 'string');
        assert.ok(hit.snippet.length > 0);
        assert.ok(Number.isFinite(hit.score));
        if (hit.requirementId) {
          const cited = sampleLines(hit.file).slice(hit.lines.start - 1, hit.lines.end).join('\n');
          assert.ok(cited.includes(hit.requirementId), `${hit.requirementId} is not on ${hit.file}:${hit.lines.start}-${hit.lines.end}`);
        }
      }
      assert.ok(result.hits.some((hit) => hit.requirementId && hit.priority), 'no hit carries a requirement ID and a priority');
    });

    it('--mode keyword finds the words; the hit carries ID, type, priority and the line of the table row', () => {
      const [top] = search('recurrence rules', '--mode', 'keyword').hits;
      assert.deepEqual(
        [top.file, top.lines, top.requirementId, top.type, top.priority, top.status],
        ['PRD.md', { start: 58, end: 58 }, 'FR-003', 'requirement', 'critical', 'done'],
      );
      assert.match(top.snippet, /\*\*recurrence\*\* \*\*rules\*\*/);
      assert.deepEqual(search('zeppelin', '--mode', 'keyword').hits, []);
    });

    it('--mode semantic finds the offline story for a plane trip; scores are cosines, best first', () => {
      const { hits } = search('use the calendar on a plane', '--mode', 'semantic', '--k', '3');
      assert.equal(hits.length, 3);
      // AC-007 is "a laptop in airplane mode"; US-003 and FR-030 are the offline story and requirement.
      assert.ok(['AC-007', 'US-003', 'FR-030'].includes(hits[0].requirementId ?? ''),
        hits.map((hit) => hit.requirementId ?? hit.headingPath.join(' > ')).join(', '));
      for (const [i, hit] of hits.entries()) {
        assert.ok(hit.score > 0 && hit.score <= 1);
        if (i > 0) assert.ok(hit.score <= hits[i - 1].score);
      }
    });

    it('--k limits the hits and --type filters them', () => {
      assert.equal(search('calendar', '--k', '4').hits.length, 4);
      const { hits } = search('schedule recurring jobs', '--type', 'acceptance_criteria', '--k', '5');
      assert.equal(hits.length, 5);
      assert.ok(hits.every((hit) => hit.type === 'acceptance_criteria' && /^AC-\d+$/.test(hit.requirementId ?? '')));
      const two = search('offline', '--type', 'user_story', '--type', 'non_functional', '--mode', 'keyword').hits;
      assert.ok(two.length > 0 && two.every((hit) => hit.type === 'user_story' || hit.type === 'non_functional'));
    });

    it('an unknown --type is an error naming the allowed types', () => {
      assertUserError(cvprd(['search', 'x', '--type', 'epic', '--db', db]), /Unknown type "epic"\. Use one of: overview, /);
    });

    it('with no index (--db to a missing file): exit 2, a clear message, and no database created', () => {
      const missing = path.join(dir, 'nothing-here.db');
      assertUserError(cvprd(['search', 'calendar', '--db', missing]),
        new RegExp(`^cvprd: No index at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. Run \`cvprd index <folder>\` first`));
      assert.equal(fs.existsSync(missing), false);
    });
  });

  describe('graph', () => {
    const graph = (...args: string[]) => {
      const result = cvprd(['graph', '--db', db, ...args]);
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };
    const FR011 = 'req:prds/sync-engine.prd.md::FR-011';
    const FR012 = 'req:prds/sync-engine.prd.md::FR-012';

    it('--format json: Cytoscape elements with the typed edges of the samples', () => {
      const { elements } = JSON.parse(graph('--format', 'json'));
      const edges = elements.edges.map((e: { data: { source: string; target: string; kind: string } }) => `${e.data.source} ${e.data.kind} ${e.data.target}`);
      assert.ok(edges.includes(`${FR011} DEPENDS_ON ${FR012}`));
      assert.ok(edges.includes(`${FR011} REFINES req:prds/sync-engine.prd.md::FR-010`));
      assert.ok(edges.includes('req:prds/security.md::NFR-011 CONFLICTS_WITH req:prds/sync-engine.prd.md::NFR-003'));
      assert.ok(edges.includes('prd:PRD.md LINKS_TO prd:prds/sync-engine.prd.md'));
      const ids = new Set(elements.nodes.map((n: { data: { id: string } }) => n.data.id));
      assert.equal(ids.size, elements.nodes.length);
      for (const edge of elements.edges) assert.ok(ids.has(edge.data.source) && ids.has(edge.data.target), edge.data.id);
    });

    it('--format graphml: well-formed GraphML holding the DEPENDS_ON edge', () => {
      const xml = graph('--format', 'graphml');
      assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<graphml /);
      assert.match(xml, /<\/graphml>\s*$/);
      assert.equal((xml.match(/<edge /g) ?? []).length, (xml.match(/<\/edge>/g) ?? []).length);
      assert.match(xml, new RegExp(`<edge [^>]*source="${FR011}" target="${FR012}"><data key="e_kind">DEPENDS_ON</data>`));
    });

    it('--format csv --out: a nodes file and an edges file with the DEPENDS_ON row', () => {
      const out = path.join(dir, 'graph.csv');
      graph('--format', 'csv', '--out', out);
      const nodes = fs.readFileSync(out, 'utf8').trim().split(/\r?\n/);
      const edges = fs.readFileSync(`${out}.edges.csv`, 'utf8').trim().split(/\r?\n/);
      assert.equal(nodes[0], 'key,kind,file,label,title,requirementId,type,priority,status,lineStart,lineEnd');
      assert.equal(edges[0], 'from,to,kind,file,line,score');
      assert.ok(edges.includes(`${FR011},${FR012},DEPENDS_ON,prds/sync-engine.prd.md,32,`));
      assert.ok(nodes.some((row) => row.startsWith(`${FR011},requirement,prds/sync-engine.prd.md,`)));
    });

    it('--format md: a traceability matrix of requirement x verifying and implementing items', () => {
      const md = graph('--format', 'md');
      const row = md.split('\n').find((line) => line.startsWith('| US-003 |'));
      assert.ok(row, 'no row for US-003');
      assert.match(row!, /AC-007 \(line 70\)/);
      assert.match(row!, /FR-010 \(prds\/sync-engine\.prd\.md:20\), FR-030 \(requirements\/prd-mobile\.md:15\)/);
      assert.match(md.split('\n').find((line) => line.startsWith('| FR-033 |')) ?? '', /\| — \|/);
    });
  });

  describe('validate', () => {
    it('exits 1 on the samples; --json lists exactly the problems planted in samples/README.md', () => {
      const result = cvprd(['validate', '--db', db, '--json']);
      assert.equal(result.status, 1, result.stderr);
      const report = JSON.parse(result.stdout) as { errors: number; diagnostics: Diagnostic[] };
      assert.deepEqual(report.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`).sort(), [
        'prds/notifications-prd.md:33 unknown-reference',
        'prds/notifications-prd.md:35 duplicate-id',
        'prds/security.md:63 empty-section',
        'prds/sync-engine.prd.md:27 dependency-cycle',
        'prds/sync-engine.prd.md:34 dependency-cycle',
        'prds/sync-engine.prd.md:41 dependency-cycle',
        'requirements/prd-mobile.md:36 unverified-requirement',
      ]);
      assert.ok(report.errors > 0);
      assert.match(report.diagnostics.find((d) => d.code === 'unknown-reference')!.message, /FR-099/);
    });

    it('prints file:line: severity lines and a summary without --json', () => {
      const result = cvprd(['validate', '--db', db]);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /^prds\/notifications-prd\.md:35: error \[duplicate-id\] Duplicate requirement ID FR-022/m);
      assert.match(result.stdout, /\d+ error\(s\), \d+ warning\(s\), \d+ info\.\n$/);
    });

    it('exits 0 when there are no errors', () => {
      const clean = path.join(dir, 'clean');
      copyFixture('billing.prd.md', clean);
      const cleanDb = path.join(dir, 'clean.db');
      assert.equal(cvprd(['index', clean, '--db', cleanDb]).status, 0);
      const result = cvprd(['validate', '--db', cleanDb, '--json']);
      assert.equal(result.status, 0, result.stdout);
      assert.equal(JSON.parse(result.stdout).errors, 0);
    });
  });

  describe('context', () => {
    it('FR-010 --tokens 500: the requirement, its verifier and related text within the budget, with file:line citations', () => {
      const result = cvprd(['context', 'FR-010', '--tokens', '500', '--db', db]);
      assert.equal(result.status, 0, result.stderr);
      const text = result.stdout;
      assert.ok(text.length / 4 <= 500, `${text.length} characters is over ~500 tokens`);
      assert.match(text, /^# Context for FR-010: Local event store\n/);
      assert.match(text, /`prds\/sync-engine\.prd\.md:20-25`/);
      assert.match(text, /AC-010/);
      const citations = [...text.matchAll(/`([\w./-]+\.md):(\d+)(?:-(\d+))?`/g)];
      assert.ok(citations.length >= 2);
      for (const [, file, start, end] of citations) {
        const lines = sampleLines(file);
        assert.ok(Number(start) >= 1 && Number(end ?? start) <= lines.length, `${file}:${start}-${end} is not in the file`);
      }
      const roomy = cvprd(['context', 'FR-010', '--tokens', '4000', '--db', db]).stdout;
      assert.ok(roomy.length > text.length);
    });

    it('an unknown ID: exit 2 naming it', () => {
      assertUserError(cvprd(['context', 'FR-999', '--db', db]), /^cvprd: Unknown requirement ID FR-999: it is not defined in any indexed PRD\.\n$/);
    });
  });

  it('stats: what the index holds', () => {
    const result = cvprd(['stats', '--db', db, '--json']);
    assert.equal(result.status, 0);
    const stats = JSON.parse(result.stdout);
    assert.deepEqual([stats.files, stats.prds, stats.requirements, stats.fileLinks], [5, 5, 69, 4]);
    assert.ok(stats.chunks > 0 && stats.embeddings === stats.chunks);
    assert.match(cvprd(['stats', '--db', db]).stdout, /^db +.*samples\.db\nmodel +/);
  });

  it('index --verbose names each problem file once; without it, errors and a count of warnings', () => {
    const workspace = makeTempDir('cli-verbose');
    copyFixture('billing.prd.md', workspace);
    fs.writeFileSync(path.join(workspace, 'PRD.md'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]));
    fs.writeFileSync(path.join(workspace, 'empty-prd.md'), '');
    const verbose = cvprd(['index', workspace, '--db', path.join(workspace, 'v.db'), '--verbose']);
    assert.equal(verbose.status, 0, verbose.stderr);
    assert.deepEqual(verbose.stderr.split('\n').filter((line) => /^(error|warning):/.test(line)).sort(), [
      'error: PRD.md: binary file, skipped',
      'warning: empty-prd.md: line 1: the file is empty',
    ]);
    const quiet = cvprd(['index', workspace, '--db', path.join(workspace, 'q.db')]);
    assert.equal(quiet.stderr, 'error: PRD.md: binary file, skipped\n1 warning(s); run with --verbose to list them.\n');
  });

  describe('index errors', () => {
    it('a folder that does not exist: exit 2 naming it', () => {
      const missing = path.join(dir, 'no-such-folder');
      const missingDb = path.join(dir, 'never-created.db');
      assertUserError(cvprd(['index', missing, '--db', missingDb]), new RegExp(`^cvprd: Cannot read folder ${missing}: no such folder\\n$`));
      assert.equal(fs.existsSync(missingDb), false);
    });

    it('a file given as the folder: exit 2', () => {
      assertUserError(cvprd(['index', path.join(samples, 'PRD.md'), '--db', path.join(dir, 'x.db')]), /Cannot read folder .*PRD\.md: not a folder/);
    });

    it("--id-pattern '(': exit 2 naming the pattern", () => {
      const badDb = path.join(dir, 'bad-pattern.db');
      assertUserError(cvprd(['index', samples, '--db', badDb, '--id-pattern', '(']), /^cvprd: Invalid requirement ID pattern "\(": /);
      assert.equal(fs.existsSync(badDb), false);
    });

    /**
     * Runs the CLI as a user that a mode-000 folder really locks out: root reads any folder, so as root the CLI runs as
     * nobody. Skips when neither works.
     */
    function lockedOutUser(context: Mocha.Context): SpawnSyncOptions {
      if (process.getuid?.() === 0) return { uid: 65534, gid: 65534 };
      const probe = makeTempDir('probe');
      fs.chmodSync(probe, 0);
      try {
        fs.readdirSync(probe);
      } catch {
        return {};
      } finally {
        fs.chmodSync(probe, 0o700);
      }
      return skipBecause(context, 'this user can read a folder with mode 000');
    }

    /** A temp folder the locked-out user can write its database into. */
    function sharedWorkspace(prefix: string): string {
      const workspace = makeTempDir(prefix);
      fs.chmodSync(workspace, 0o777);
      return workspace;
    }

    it('an unreadable folder: exit 2 naming it, and the index it would have emptied is kept', function () {
      const asUser = lockedOutUser(this);
      const workspace = sharedWorkspace('cli-unreadable');
      const locked = path.join(workspace, 'locked');
      copyFixture('billing.prd.md', locked);
      const lockedDb = path.join(workspace, 'index.db');
      const first = cvprd(['index', locked, '--db', lockedDb], asUser);
      assert.equal(first.status, 0, first.stderr);
      fs.chmodSync(locked, 0);
      try {
        assertUserError(cvprd(['index', locked, '--db', lockedDb], asUser), new RegExp(`^cvprd: Cannot read folder ${locked}: EACCES: permission denied`));
      } finally {
        fs.chmodSync(locked, 0o755);
      }
      const stats = JSON.parse(cvprd(['stats', '--db', lockedDb, '--json'], asUser).stdout);
      assert.deepEqual([stats.files, stats.requirements], [1, 5]);
    });

    it('an unreadable sub-folder: a warning naming it, and its files stay in the index', function () {
      const asUser = lockedOutUser(this);
      const root = path.join(sharedWorkspace('cli-unreadable-sub'), 'ws');
      copyFixture('billing.prd.md', root, 'billing/billing.prd.md');
      copyFixture('onboarding.prd.md', root, 'onboarding/onboarding.prd.md');
      const subDb = path.join(path.dirname(root), 'index.db');
      assert.equal(cvprd(['index', root, '--db', subDb], asUser).status, 0);
      fs.appendFileSync(path.join(root, 'onboarding/onboarding.prd.md'), '\nLater text.\n');
      fs.chmodSync(path.join(root, 'billing'), 0);
      let result: CliResult;
      try {
        result = cvprd(['index', root, '--db', subDb, '--json'], asUser);
      } finally {
        fs.chmodSync(path.join(root, 'billing'), 0o755);
      }
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(result.stdout) as IndexReport;
      assert.deepEqual([report.filesRemoved, report.filesIndexed], [0, 1]);
      assert.equal(report.warnings.length, 1);
      assert.equal(report.warnings[0].file, path.join(root, 'billing'));
      assert.match(report.warnings[0].message, /^folder skipped: EACCES/);
      assert.equal(JSON.parse(cvprd(['stats', '--db', subDb, '--json'], asUser).stdout).files, 2);
    });
  });
});
