// The search view's host-side message handling against a real index of the fixture workspace (real SQLite, real model).
// VS Code itself is replaced by recording ports; test/e2e/search-view.e2e.ts covers the real webview.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { PrdIndex } from '../../src/core/prd-index';
import type { SearchViewFilters, SearchViewUpdate } from '../../webview/protocol';
import { parseSearchViewRequest, SearchViewSession, type SearchViewPorts } from '../../src/vscode/webviews/search-view-session';
import { makeTempDir, modelDir, removeTempDirs, SharedEmbedder, skipWithoutModel } from '../fixtures/indexer/support';
import { projectRoot } from './helpers';

const workspace = path.join(projectRoot, 'test', 'fixtures', 'vscode-workspace');
const anyFilter: SearchViewFilters = { types: [], priorities: [], statuses: [], files: [] };

interface Recorded {
  posted: SearchViewUpdate[];
  warnings: string[];
  errors: string[];
  shown: string[];
  calls: unknown[][];
}

describe('search view message handling (host side, recording ports instead of VS Code)', () => {
  let shared: SharedEmbedder | undefined;
  let index: PrdIndex | undefined;

  before(async function () {
    this.timeout(120_000);
    skipWithoutModel(this);
    shared = new SharedEmbedder();
    index = PrdIndex.open({ dbPath: path.join(makeTempDir('search-view'), 'index.db'), modelDir, embedder: shared.view() });
    await index.index({ roots: [workspace] });
  });

  after(async () => {
    await index?.close();
    await shared?.close();
    removeTempDirs();
  });

  function session(overrides: Partial<SearchViewPorts> = {}): { session: SearchViewSession; recorded: Recorded } {
    const recorded: Recorded = { posted: [], warnings: [], errors: [], shown: [], calls: [] };
    const ports: SearchViewPorts = {
      post: (update) => recorded.posted.push(update),
      log: { warn: (message) => recorded.warnings.push(message), error: (message) => recorded.errors.push(message) },
      index: async () => index,
      status: () => ({ kind: 'notIndexed' }),
      resultCount: () => 10,
      open: async (...args) => recorded.calls.push(['open', ...args]),
      copyText: async (...args) => recorded.calls.push(['copyText', ...args]),
      executeCommand: async (...args) => recorded.calls.push(['executeCommand', ...args]),
      runAction: async (...args) => recorded.calls.push(['runAction', ...args]),
      showError: (message) => recorded.shown.push(message),
      ...overrides,
    };
    return { session: new SearchViewSession(ports), recorded };
  }

  const results = (recorded: Recorded) => recorded.posted.filter((update) => update.type === 'results');

  describe('valid messages', () => {
    it('answers ready with the index state', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'ready' });
      assert.deepEqual(recorded.posted, [{ type: 'status', status: { kind: 'notIndexed' } }]);
    });

    it('answers a search with its id and rows whose first is the requirement asked about', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'search', id: 1, query: 'quiet hours at night', mode: 'hybrid', filters: anyFilter });
      const [reply] = results(recorded);
      assert.ok(reply && reply.type === 'results');
      assert.equal(reply.id, 1);
      assert.equal(reply.items[0].requirementId, 'FR-302');
      assert.equal(reply.items[0].title, 'Quiet hours');
      assert.equal(reply.items[0].requirementKey, 'req:prds/notifications.prd.md::FR-302');
      assert.deepEqual(recorded.warnings, []);
    });

    it('applies the filters: only acceptance criteria of the Accounts PRD', async () => {
      const { session: s, recorded } = session();
      const filters = { ...anyFilter, types: ['acceptance_criteria'], files: ['prds/accounts.prd.md'] };
      await s.handle({ type: 'search', id: 1, query: 'sign in', mode: 'keyword', filters });
      const [reply] = results(recorded);
      assert.ok(reply && reply.type === 'results' && reply.items.length > 0);
      assert.deepEqual([...new Set(reply.items.map((item) => `${item.file} ${item.type}`))], ['prds/accounts.prd.md acceptance_criteria']);
    });

    it('finds similar requirements without the one asked about, labelled with it', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'findSimilar', id: 1, chunkKey: 'prds/notifications.prd.md::req:FR-301', label: 'FR-301' });
      const [reply] = results(recorded);
      assert.ok(reply && reply.type === 'results');
      assert.equal(reply.similarTo, 'FR-301');
      assert.ok(reply.items.length > 0);
      assert.ok(!reply.items.some((item) => item.chunkKey === 'prds/notifications.prd.md::req:FR-301'));
    });

    it('opens, copies, and passes the graph key to Copy AI Context and Show in Graph', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'open', file: 'prds/accounts.prd.md', lines: { start: 23, end: 24 } });
      await s.handle({ type: 'copyId', requirementId: 'FR-003' });
      await s.handle({ type: 'copyAiContext', requirementKey: 'req:prds/accounts.prd.md::FR-003' });
      await s.handle({ type: 'showInGraph', requirementKey: 'req:prds/accounts.prd.md::FR-003' });
      await s.handle({ type: 'runAction', action: 'indexWorkspace' });
      assert.deepEqual(recorded.calls, [
        ['open', 'prds/accounts.prd.md', { start: 23, end: 24 }],
        ['copyText', 'FR-003', 'FR-003'],
        ['executeCommand', 'cvprd.copyAiContext', 'req:prds/accounts.prd.md::FR-003'],
        ['executeCommand', 'cvprd.showRequirementInGraph', 'req:prds/accounts.prd.md::FR-003'],
        ['runAction', 'indexWorkspace'],
      ]);
    });
  });

  describe('malformed and unknown messages', () => {
    const malformed: [string, unknown][] = [
      ['null', null],
      ['a string', 'search'],
      ['an array', [{ type: 'ready' }]],
      ['a search without an id', { type: 'search', query: 'x', mode: 'hybrid', filters: anyFilter }],
      ['a search with a text id', { type: 'search', id: '1', query: 'x', mode: 'hybrid', filters: anyFilter }],
      ['a search with an unknown mode', { type: 'search', id: 1, query: 'x', mode: 'psychic', filters: anyFilter }],
      ['a search without filters', { type: 'search', id: 1, query: 'x', mode: 'hybrid' }],
      ['a search filtering by an unknown type', { type: 'search', id: 1, query: 'x', mode: 'hybrid', filters: { ...anyFilter, types: ['epic'] } }],
      ['a search with a huge query', { type: 'search', id: 1, query: 'x'.repeat(20_000), mode: 'hybrid', filters: anyFilter }],
      ['open with lines backwards', { type: 'open', file: 'prds/accounts.prd.md', lines: { start: 5, end: 2 } }],
      ['open without a file', { type: 'open', lines: { start: 1, end: 1 } }],
      ['Show in Graph with a bare ID', { type: 'showInGraph', requirementKey: 'FR-001' }],
      ['an unknown action', { type: 'runAction', action: 'formatDisk' }],
    ];
    for (const [what, message] of malformed) {
      it(`logs and ignores ${what}`, async () => {
        const { session: s, recorded } = session();
        await s.handle(message);
        assert.deepEqual(recorded.posted, [], 'no reply');
        assert.deepEqual(recorded.calls, [], 'no effect');
        assert.equal(recorded.warnings.length, 1);
        assert.match(recorded.warnings[0], /search view: ignored a message/);
        assert.equal(parseSearchViewRequest(message).ok, false);
      });
    }

    it('logs and ignores an unknown message type, naming it', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'deleteEverything' });
      assert.deepEqual(recorded.posted, []);
      assert.match(recorded.warnings[0], /unknown message type "deleteEverything"/);
    });

    it('answers a failing action with an error shown to the user, never a throw', async () => {
      const { session: s, recorded } = session({ open: async () => { throw new Error('prds/gone.md is not in any open workspace folder.'); } });
      await s.handle({ type: 'open', file: 'prds/gone.md', lines: { start: 1, end: 1 } });
      assert.deepEqual(recorded.shown, ['prds/gone.md is not in any open workspace folder.']);
      assert.equal(recorded.errors.length, 1);
    });

    it('answers a search of an unknown chunk with searchFailed for its id', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'findSimilar', id: 4, chunkKey: 'nowhere.md::req:X-1', label: 'X-1' });
      assert.equal(recorded.posted.length, 1);
      const [failed] = recorded.posted;
      assert.ok(failed.type === 'searchFailed' && failed.id === 4 && /No embedding is stored/.test(failed.message));
    });
  });

  describe('stale requests', () => {
    it('replies only to the newest of two searches in flight, whichever finishes first', async () => {
      const { session: s, recorded } = session();
      const older = s.handle({ type: 'search', id: 1, query: 'calendar of every invitee', mode: 'semantic', filters: anyFilter });
      const newer = s.handle({ type: 'search', id: 2, query: 'FR-101', mode: 'keyword', filters: anyFilter });
      await Promise.all([older, newer]);
      assert.deepEqual(results(recorded).map((reply) => reply.type === 'results' && reply.id), [2]);
    });

    it('starts over after ready: the page of a view shown again numbers its requests from 1', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'search', id: 40, query: 'invoice', mode: 'keyword', filters: anyFilter });
      await s.handle({ type: 'ready' });
      await s.handle({ type: 'search', id: 1, query: 'refund', mode: 'keyword', filters: anyFilter });
      assert.deepEqual(results(recorded).map((reply) => reply.type === 'results' && reply.id), [40, 1]);
    });

    it('ignores a request whose id is older than one already answered', async () => {
      const { session: s, recorded } = session();
      await s.handle({ type: 'search', id: 7, query: 'invoice', mode: 'keyword', filters: anyFilter });
      await s.handle({ type: 'search', id: 6, query: 'refund', mode: 'keyword', filters: anyFilter });
      assert.deepEqual(results(recorded).map((reply) => reply.type === 'results' && reply.id), [7]);
      assert.match(recorded.warnings.join('\n'), /ignored request 6, older than request 7/);
    });
  });
});
