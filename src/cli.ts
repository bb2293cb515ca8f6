// `cvprd`: the core engine for scripts and CI. Exit codes: 0 ok, 1 validation errors, 2 the user must fix something.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { RootNotFoundError, assertRootFolder } from './core/discovery';
import { ModelUnavailableError, defaultModelDir } from './core/embed';
import { toCsv, toCytoscapeJson, toGraphMl, toTraceabilityMatrix } from './core/graph/export';
import type { SeverityOption } from './core/graph/validate';
import type { IndexProgress, Logger } from './core/indexer';
import { InvalidIdPatternError } from './core/parse';
import { AmbiguousRequirementError, PrdIndex, UnknownRequirementError } from './core/prd-index';
import { StoreCorruptError } from './core/store/prd-store';
import { CHUNK_TYPES, PRIORITIES, STATUSES, type ChunkType, type Diagnostic, type Priority, type SearchHit, type SearchMode, type Status } from './core/types';

/** An error the user can fix; printed without a stack trace, exit code 2. */
class UserError extends Error {}

const packageRoot = path.resolve(__dirname, '..');

function defaultDbPath(): string {
  if (process.env.CVPRD_DB) return process.env.CVPRD_DB;
  const cacheHome = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const cwd = process.cwd();
  const folder = `${path.basename(cwd) || 'root'}-${createHash('sha1').update(cwd).digest('hex').slice(0, 10)}`;
  return path.join(cacheHome, 'cvprd', folder, 'index.db');
}

function modelDir(option: string | undefined): string {
  return option ?? process.env.CVPRD_MODEL_DIR ?? defaultModelDir(packageRoot);
}

interface CommonOptions {
  db: string;
  model?: string;
  idPattern?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const stderrLogger = (verbose: boolean): Logger => ({
  info: (message) => { if (verbose) process.stderr.write(`${message}\n`); },
  warn: (message) => { if (verbose) process.stderr.write(`warning: ${message}\n`); },
  error: (message) => { if (verbose) process.stderr.write(`error: ${message}\n`); },
});

function openIndex(options: CommonOptions, mustExist: boolean, verbose = false): PrdIndex {
  if (mustExist && options.db !== ':memory:' && !fs.existsSync(options.db)) {
    throw new UserError(`No index at ${options.db}. Run \`cvprd index <folder>\` first (or pass --db FILE).`);
  }
  return PrdIndex.open({ dbPath: options.db, modelDir: modelDir(options.model), idPatterns: options.idPattern, logger: stderrLogger(verbose) });
}

async function withIndex<T>(options: CommonOptions, mustExist: boolean, work: (index: PrdIndex) => Promise<T>): Promise<T> {
  const index = openIndex(options, mustExist);
  try {
    return await work(index);
  } finally {
    await index.close();
  }
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function progressReporter(enabled: boolean): { update: (progress: IndexProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {value}/{total} files | {file}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (progress) => {
      if (progress.phase !== 'index') {
        if (started) bar.update({ phase: progress.phase === 'related' ? 'linking' : progress.phase, file: '' });
        return;
      }
      if (!started) {
        bar.start(progress.total, progress.done, { phase: 'indexing', file: '' });
        started = true;
      }
      bar.update(progress.done, { phase: 'indexing', file: progress.file ?? '' });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

function formatHit(hit: SearchHit, rank: number): string {
  const heading = hit.headingPath.at(-1) ?? '';
  const label = hit.requirementId && !heading.includes(hit.requirementId) ? `${hit.requirementId} ${heading}` : hit.headingPath.join(' > ') || hit.prdTitle;
  const badges = [hit.type, hit.priority, hit.status].filter(Boolean).join(' · ');
  const expansion = hit.via === 'expansion' ? ' (dependency of a hit)' : '';
  return [
    `${String(rank).padStart(2)}. ${label.trim()}${expansion}`,
    `    ${hit.file}:${hit.lines.start}-${hit.lines.end}  [${badges}]  score ${hit.score.toFixed(4)}`,
    `    ${hit.snippet.replace(/\s+/g, ' ').slice(0, 220)}`,
  ].join('\n');
}

function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}: ${diagnostic.severity} [${diagnostic.code}] ${diagnostic.message}`;
}

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string, previous: T[] = []): T[] => {
    if (!allowed.includes(value as T)) throw new UserError(`Unknown ${what} "${value}". Use one of: ${allowed.join(', ')}.`);
    return [...previous, value as T];
  };
}

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UserError(`Expected a positive whole number, got "${value}".`);
  return number;
}

export function buildProgram(): Command {
  const program = new Command('cvprd')
    .description('Index, search and validate the Product Requirements Documents of a repository.')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const withCommon = (command: Command): Command =>
    command
      .option('--db <file>', 'index database file (env CVPRD_DB)', defaultDbPath())
      .option('--model <dir>', 'all-MiniLM-L6-v2 model folder (env CVPRD_MODEL_DIR)');

  withCommon(program.command('index'))
    .description('index the PRD files under one or more folders (re-indexes only what changed)')
    .argument('<dir...>', 'folders to search for PRD files')
    .option('--include <glob>', 'include glob (repeatable; replaces the defaults)', collect)
    .option('--exclude <glob>', 'exclude glob (repeatable; replaces the defaults)', collect)
    .option('--id-pattern <regex>', 'requirement ID pattern (repeatable; replaces the defaults)', collect)
    .option('--max-file-size <bytes>', 'skip files larger than this', positiveInt)
    .option('--related-threshold <cosine>', 'minimum similarity of RELATED_TO edges', Number)
    .option('--json', 'print the report as JSON')
    .option('--verbose', 'log every warning and file')
    .action(async (dirs: string[], options) => {
      // Before the database is opened: a mistyped folder must not leave an empty index behind.
      for (const dir of dirs) assertRootFolder(path.resolve(dir));
      const bar = progressReporter(!options.json && process.stderr.isTTY === true);
      const index = openIndex(options, false, options.verbose === true);
      try {
        const report = await index.index({
          roots: dirs,
          include: options.include,
          exclude: options.exclude,
          maxFileBytes: options.maxFileSize,
          relatedThreshold: options.relatedThreshold,
          onProgress: bar.update,
        });
        bar.stop();
        if (options.json) return print(JSON.stringify(report, null, 2));
        const stats = index.store.stats();
        print(
          `Indexed ${report.filesSeen} PRD file(s) in ${(report.tookMs / 1000).toFixed(1)} s: ${report.filesIndexed} updated, ` +
            `${report.filesUnchanged} unchanged, ${report.filesRemoved} removed, ${report.filesFailed} failed.\n` +
            `${stats.requirements} requirements, ${stats.chunks} chunks (${report.chunksEmbedded} embedded, ${report.chunksReused} reused), ` +
            `${stats.related} related pairs. Index: ${options.db}`,
        );
        // --verbose has already logged every error and warning as it happened.
        if (!options.verbose) {
          for (const problem of report.errors) process.stderr.write(`error: ${problem.file}: ${problem.message}\n`);
          if (report.warnings.length > 0) process.stderr.write(`${report.warnings.length} warning(s); run with --verbose to list them.\n`);
        }
      } finally {
        bar.stop();
        await index.close();
      }
    });

  withCommon(program.command('search'))
    .description('search the indexed PRDs (hybrid by default)')
    .argument('<query>', 'what to look for, in your own words or by requirement ID')
    .addOption(new Option('--mode <mode>', 'search mode').choices(['hybrid', 'semantic', 'keyword']).default('hybrid'))
    .option('--k <n>', 'number of results', positiveInt, 10)
    .option('--type <type>', `chunk type filter (repeatable): ${CHUNK_TYPES.join(', ')}`, oneOf<ChunkType>(CHUNK_TYPES, 'type'))
    .option('--priority <p>', `priority filter (repeatable): ${PRIORITIES.join(', ')}`, oneOf<Priority>(PRIORITIES, 'priority'))
    .option('--status <s>', `status filter (repeatable): ${STATUSES.join(', ')}`, oneOf<Status>(STATUSES, 'status'))
    .option('--file <path>', 'only this PRD file, as shown in results (repeatable)', collect)
    .option('--tag <tag>', 'tag filter (repeatable)', collect)
    .option('--expand', 'add the DEPENDS_ON neighbours of the hits')
    .option('--json', 'print the hits as JSON')
    .action((query: string, options) =>
      withIndex(options, true, async (index) => {
        const result = await index.search(query, {
          mode: options.mode as SearchMode,
          k: options.k,
          filters: { types: options.type, priorities: options.priority, statuses: options.status, files: options.file, tags: options.tag },
          expandDependencies: options.expand === true,
        });
        if (options.json) return print(JSON.stringify({ query, mode: options.mode, tookMs: result.tookMs, hits: result.hits }, null, 2));
        if (result.hits.length === 0) return print(`No results for "${query}".`);
        print(result.hits.map((hit, i) => formatHit(hit, i + 1)).join('\n\n'));
        print(`\n${result.hits.length} result(s) in ${result.tookMs.toFixed(1)} ms (${options.mode}).`);
      }),
    );

  withCommon(program.command('graph'))
    .description('export the requirements graph (whole index, one file, or around one requirement)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'graphml', 'csv', 'md']).default('json'))
    .option('--file <path>', 'only the subgraph of this PRD file')
    .option('--focus <id>', 'only the neighbourhood of this requirement (ID or file::ID)')
    .option('--depth <n>', 'neighbourhood depth for --focus', positiveInt, 2)
    .option('--out <file>', 'write to this file instead of standard output (csv: <file> gets nodes, <file>.edges.csv edges)')
    .action((options) =>
      withIndex(options, true, async (index) => {
        const graph = index.graph();
        const subgraph = options.focus
          ? graph.neighbors(index.requirement(options.focus).key, { depth: options.depth, direction: 'both' })
          : options.file ? graph.fileSubgraph(options.file) : graph.all();
        if (options.file && subgraph.nodes.length === 0) throw new UserError(`No indexed PRD file "${options.file}". Run \`cvprd stats\` to see the index.`);
        const outputs: [string | undefined, string][] = [];
        switch (options.format) {
          case 'graphml': outputs.push([options.out, toGraphMl(subgraph)]); break;
          case 'md': outputs.push([options.out, toTraceabilityMatrix(graph)]); break;
          case 'csv': {
            const csv = toCsv(subgraph);
            outputs.push([options.out, csv.nodes], [options.out ? `${options.out}.edges.csv` : undefined, csv.edges]);
            break;
          }
          default: outputs.push([options.out, JSON.stringify(toCytoscapeJson(subgraph), null, 2)]);
        }
        for (const [file, text] of outputs) {
          if (file) fs.writeFileSync(file, text);
          else print(text);
        }
        if (options.out) process.stderr.write(`Wrote ${outputs.map(([file]) => file).join(' and ')} (${subgraph.nodes.length} nodes, ${subgraph.edges.length} edges).\n`);
      }),
    );

  const severity = new Option('--unverified <severity>', 'severity of requirements with no verifying item').choices(['error', 'warning', 'info', 'off']);
  withCommon(program.command('validate'))
    .description('report duplicate IDs, unknown references, dependency cycles, unverified requirements, empty sections (exit 1 on errors)')
    .addOption(severity)
    .addOption(new Option('--cross-prd-duplicates <severity>', 'severity of one ID defined in several PRDs').choices(['error', 'warning', 'info', 'off']))
    .option('--json', 'print the diagnostics as JSON')
    .action((options) =>
      withIndex(options, true, async (index) => {
        const diagnostics = index.validate({
          unverifiedSeverity: options.unverified as SeverityOption | undefined,
          crossPrdDuplicateSeverity: options.crossPrdDuplicates as SeverityOption | undefined,
        });
        const count = (severityName: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === severityName).length;
        if (options.json) print(JSON.stringify({ errors: count('error'), warnings: count('warning'), infos: count('info'), diagnostics }, null, 2));
        else {
          for (const diagnostic of diagnostics) print(formatDiagnostic(diagnostic));
          print(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`);
        }
        if (count('error') > 0) process.exitCode = 1;
      }),
    );

  withCommon(program.command('context'))
    .description('a Markdown bundle for an AI assistant: the requirement, its dependencies, verifiers and related text, with citations')
    .argument('<id>', 'requirement ID (or file::ID when the ID is defined in several PRDs)')
    .option('--tokens <n>', 'token budget', positiveInt, 2000)
    .action((id: string, options) => withIndex(options, true, async (index) => print(await index.context(id, options.tokens))));

  withCommon(program.command('stats'))
    .description('what the index holds')
    .option('--json', 'print as JSON')
    .action((options) =>
      withIndex(options, true, async (index) => {
        const stats = { db: options.db, model: modelDir(options.model), ...index.store.stats() };
        if (options.json) return print(JSON.stringify(stats, null, 2));
        print(Object.entries(stats).map(([key, value]) => `${key.padEnd(13)} ${value}`).join('\n'));
      }),
    );

  return program;
}

function isUserFixable(error: unknown): boolean {
  return error instanceof UserError || error instanceof RootNotFoundError || error instanceof UnknownRequirementError
    || error instanceof AmbiguousRequirementError || error instanceof ModelUnavailableError || error instanceof InvalidIdPatternError
    || error instanceof StoreCorruptError;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (isUserFixable(error)) {
      process.stderr.write(`cvprd: ${(error as Error).message}\n`);
      if (error instanceof StoreCorruptError) process.stderr.write('Delete or move the file aside and run `cvprd index` again to rebuild it.\n');
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`cvprd: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 3;
  }
}

void main();
