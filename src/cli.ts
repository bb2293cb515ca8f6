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
import { defaultRemoteName } from './core/backends/remote-names';
import { GRAPH_STORE_KINDS, VECTOR_STORE_KINDS, createRemoteStores, type RemoteStores } from './core/backends/remote-stores';
import type { BackendSyncReport, RemoteSyncProgress } from './core/backends/remote-sync';
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

interface RemoteOptions {
  vectorStore: 'embedded' | 'qdrant';
  graphStore: 'embedded' | 'falkordb';
  qdrantUrl?: string;
  collection?: string;
  falkordbUrl?: string;
  graphName?: string;
}

/** Secrets come from the environment only: a flag would land in shell history and process lists. */
function remoteStores(options: RemoteOptions): RemoteStores {
  const name = defaultRemoteName(process.cwd());
  if (options.vectorStore === 'qdrant' && !options.qdrantUrl) throw new UserError('--vector-store qdrant needs --qdrant-url URL (or CVPRD_QDRANT_URL).');
  if (options.graphStore === 'falkordb' && !options.falkordbUrl) throw new UserError('--graph-store falkordb needs --falkordb-url URL (or CVPRD_FALKORDB_URL).');
  try {
    return createRemoteStores({
      vectorStore: options.vectorStore,
      graphStore: options.graphStore,
      qdrant: { url: options.qdrantUrl ?? '', collection: options.collection ?? name, apiKey: process.env.CVPRD_QDRANT_API_KEY },
      falkordb: { url: options.falkordbUrl ?? '', graphName: options.graphName ?? name, password: process.env.CVPRD_FALKORDB_PASSWORD },
    });
  } catch (error) {
    // A malformed URL or name: the store's message says which.
    throw new UserError((error as Error).message, { cause: error });
  }
}

/** One line on stderr per remote store that fell back to the local index during the command. */
function warnAboutFallbacks(index: PrdIndex): void {
  for (const status of index.remoteStatus()) {
    if (status.state === 'degraded') process.stderr.write(`warning: ${status.label}: ${status.error}; answered from the local index.\n`);
    else if (status.usingFallback) {
      process.stderr.write(`warning: ${status.label} is behind the local index (${status.pendingFiles} file(s) not synced); answered from the local index. Run \`cvprd sync\`.\n`);
    }
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const stderrLogger = (verbose: boolean): Logger => ({
  info: (message) => { if (verbose) process.stderr.write(`${message}\n`); },
  warn: (message) => { if (verbose) process.stderr.write(`warning: ${message}\n`); },
  error: (message) => { if (verbose) process.stderr.write(`error: ${message}\n`); },
});

function openIndex(options: CommonOptions, mustExist: boolean, verbose = false, remote?: RemoteStores): PrdIndex {
  if (mustExist && options.db !== ':memory:' && !fs.existsSync(options.db)) {
    throw new UserError(`No index at ${options.db}. Run \`cvprd index <folder>\` first (or pass --db FILE).`);
  }
  return PrdIndex.open({
    dbPath: options.db, modelDir: modelDir(options.model), idPatterns: options.idPattern, logger: stderrLogger(verbose), remote, remoteAutoSync: false,
  });
}

async function withIndex<T>(options: CommonOptions & Partial<RemoteOptions>, mustExist: boolean, work: (index: PrdIndex) => Promise<T>): Promise<T> {
  const remote = options.vectorStore && options.graphStore ? remoteStores(options as RemoteOptions) : undefined;
  const index = openIndex(options, mustExist, false, remote);
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

function syncProgressReporter(enabled: boolean): { update: (progress: RemoteSyncProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: 'syncing {backend} [{bar}] {value}/{total} files | {file}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    Presets.shades_classic,
  );
  let started: string | undefined;
  return {
    update: (progress) => {
      if (started !== progress.backend) {
        if (started) bar.stop();
        bar.start(progress.total, progress.done, { backend: progress.backend, file: '' });
        started = progress.backend;
      }
      bar.setTotal(progress.total);
      bar.update(progress.done, { backend: progress.backend, file: progress.file ?? '' });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

function formatCounts(counts: BackendSyncReport['local']): string {
  return 'points' in counts ? `${counts.points} points` : `${counts.nodes} nodes, ${counts.edges} edges`;
}

function formatSyncReport(report: BackendSyncReport): string {
  const head = `${report.backend} -> ${report.target}: ${report.filesPushed} file(s) pushed, ${report.filesRemoved} removed, `
    + `${report.filesUnchanged} unchanged${report.fullSync ? ' (full sync)' : ''} in ${(report.tookMs / 1000).toFixed(1)} s.`;
  const counts = `    local index: ${formatCounts(report.local)}; remote: ${report.remote ? formatCounts(report.remote) : 'unknown'}.`;
  const problem = report.ok ? '' : `\n    error: ${report.error} (${report.pendingFiles} file(s) pending)`;
  return `${head}\n${counts}${problem}`;
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

  const withRemote = (command: Command): Command =>
    command
      .addOption(new Option('--vector-store <store>', 'where vectors are searched').choices(VECTOR_STORE_KINDS).default('embedded'))
      .addOption(new Option('--graph-store <store>', 'where graph queries run').choices(GRAPH_STORE_KINDS).default('embedded'))
      .addOption(new Option('--qdrant-url <url>', 'Qdrant URL, e.g. http://localhost:6333 (API key: env CVPRD_QDRANT_API_KEY)').env('CVPRD_QDRANT_URL'))
      .option('--collection <name>', 'Qdrant collection (default: cvprd-<folder>-<hash of the current folder>)')
      .addOption(new Option('--falkordb-url <url>', 'FalkorDB URL, e.g. redis://localhost:6379 (password: env CVPRD_FALKORDB_PASSWORD)').env('CVPRD_FALKORDB_URL'))
      .option('--graph-name <name>', 'FalkorDB graph (default: cvprd-<folder>-<hash of the current folder>)');

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

  withRemote(withCommon(program.command('search')))
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
        warnAboutFallbacks(index);
        if (options.json) return print(JSON.stringify({ query, mode: options.mode, tookMs: result.tookMs, hits: result.hits }, null, 2));
        if (result.hits.length === 0) return print(`No results for "${query}".`);
        print(result.hits.map((hit, i) => formatHit(hit, i + 1)).join('\n\n'));
        print(`\n${result.hits.length} result(s) in ${result.tookMs.toFixed(1)} ms (${options.mode}).`);
      }),
    );

  withRemote(withCommon(program.command('graph')))
    .description('export the requirements graph (whole index, one file, or around one requirement; --focus runs in the graph store, the rest reads the local index)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'graphml', 'csv', 'md']).default('json'))
    .option('--file <path>', 'only the subgraph of this PRD file')
    .option('--focus <id>', 'only the neighbourhood of this requirement (ID or file::ID)')
    .option('--depth <n>', 'neighbourhood depth for --focus', positiveInt, 2)
    .option('--out <file>', 'write to this file instead of standard output (csv: <file> gets nodes, <file>.edges.csv edges)')
    .action((options) =>
      withIndex(options, true, async (index) => {
        const graph = index.graph();
        const subgraph = options.focus
          ? await index.graphStore.neighbors(index.requirement(options.focus).key, { depth: options.depth, direction: 'both' })
          : options.file ? graph.fileSubgraph(options.file) : graph.all();
        warnAboutFallbacks(index);
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

  withRemote(withCommon(program.command('sync')))
    .description('make the remote stores (Qdrant, FalkorDB) match the local index: pushes what changed, removes what is gone')
    .option('--full', 'push every file and reconcile, whatever the sync records say')
    .option('--recreate-collection', 'delete the Qdrant collection (e.g. made for other vectors) and push everything again')
    .option('--json', 'print the report as JSON')
    .action((options) => {
      if (options.vectorStore === 'embedded' && options.graphStore === 'embedded') {
        throw new UserError('Nothing to sync: choose --vector-store qdrant and/or --graph-store falkordb.');
      }
      if (options.recreateCollection && options.vectorStore !== 'qdrant') throw new UserError('--recreate-collection needs --vector-store qdrant.');
      return withIndex(options, true, async (index) => {
        const bar = syncProgressReporter(!options.json && process.stderr.isTTY === true);
        let report;
        try {
          report = options.recreateCollection
            ? await index.recreateVectorCollection({ onProgress: bar.update })
            : await index.syncRemote({ full: options.full === true, onProgress: bar.update });
        } finally {
          bar.stop();
        }
        if (options.json) print(JSON.stringify(report, null, 2));
        else print(report.backends.map(formatSyncReport).join('\n'));
        if (!report.ok) {
          if (!options.json) process.stderr.write('Not everything was synced; the rest stays pending and is pushed by the next `cvprd sync`.\n');
          process.exitCode = 2;
        }
      });
    });

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
