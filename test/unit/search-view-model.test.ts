import { strict as assert } from 'node:assert';
import type { SearchHit } from '../../src/core/types';
import type { IndexSituation } from '../../src/vscode/webviews/search-view-model';
import { highlightRanges, plainSnippet, searchViewItems, searchViewStatus } from '../../src/vscode/webviews/search-view-model';

const marked = (text: string, ranges: [number, number][]): string[] => ranges.map(([start, end]) => text.slice(start, end));

function hit(overrides: Partial<SearchHit>): SearchHit {
  return {
    chunkKey: 'prds/accounts.prd.md::req:FR-003', file: 'prds/accounts.prd.md', prdTitle: 'Accounts', lines: { start: 23, end: 24 },
    headingPath: ['Accounts', 'Functional Requirements', 'FR-003: Password reset'], type: 'requirement',
    snippet: 'A user who forgot the password receives a single-use reset link by email.', score: 0.5, via: 'match',
    ...overrides,
  };
}

describe('search view result model', () => {
  describe('highlighted words of the snippet', () => {
    it('marks each query word, and its plural and -ing forms, as ranges of the snippet', () => {
      const text = 'Reminders are sent before meetings; a meeting reminder is sent once.';
      const ranges = highlightRanges(text, 'meeting REMINDER');
      assert.deepEqual(marked(text, ranges), ['Reminders', 'meetings', 'meeting reminder']);
      assert.deepEqual(marked('Booking a booked slot', highlightRanges('Booking a booked slot', 'book')), ['Booking', 'booked']);
    });

    it('leaves out stop words unless the query has nothing else', () => {
      const text = 'The owner pays the invoice.';
      assert.deepEqual(marked(text, highlightRanges(text, 'the invoices')), ['invoice']);
      assert.deepEqual(marked(text, highlightRanges(text, 'the')), ['The', 'the']);
    });

    it('marks the parts of an ID as one phrase, and nothing for an empty query', () => {
      const text = 'Refines FR-301 and FR-302.';
      assert.deepEqual(marked(text, highlightRanges(text, 'FR-302')), ['FR', 'FR-302']);
      assert.deepEqual(highlightRanges(text, '  '), []);
    });

    it('shows snippets as plain text: markdown bold and match marks removed', () => {
      assert.equal(plainSnippet('**Priority:** P0 and a **reset**\n link'), 'Priority: P0 and a reset link');
    });
  });

  describe('result rows', () => {
    const titles = (found: SearchHit): string | undefined => (found.requirementId === 'FR-003' ? 'Password reset' : undefined);

    it('shows a requirement with its ID, title, heading path below the PRD, badges and a graph key', () => {
      const [row] = searchViewItems([hit({ requirementId: 'FR-003', priority: 'high', status: 'in_progress', type: 'user_story', snippet: 'a **reset** link' })], 'reset', 'hybrid', titles);
      assert.equal(row.requirementId, 'FR-003');
      assert.equal(row.requirementKey, 'req:prds/accounts.prd.md::FR-003');
      assert.equal(row.title, 'Password reset');
      assert.equal(row.headingPath, 'Functional Requirements', 'without the PRD title and without the requirement\'s own heading');
      assert.equal(row.prdTitle, 'Accounts');
      assert.equal(row.typeLabel, 'User story');
      assert.equal(row.priority, 'high');
      assert.equal(row.status, 'in_progress');
      assert.equal(row.snippet, 'a reset link');
      assert.deepEqual(marked(row.snippet, row.highlights), ['reset']);
      assert.deepEqual(row.lines, { start: 23, end: 24 });
    });

    it('titles a section by its heading and gives it no requirement key', () => {
      const [row] = searchViewItems([hit({ chunkKey: 'prds/accounts.prd.md::sec:Overview', headingPath: ['Accounts', 'Overview'], type: 'overview' })], 'x', 'keyword', titles);
      assert.equal(row.title, 'Overview');
      assert.equal(row.requirementId, undefined);
      assert.equal(row.requirementKey, undefined);
      assert.equal(row.typeLabel, 'Overview');
    });

    it('scales score bars to the best hit, never longer below a shorter one, and names the score', () => {
      // Keyword search pins an exact ID match first with score 0.
      const rows = searchViewItems([hit({ score: 0 }), hit({ score: 8 }), hit({ score: 2 }), hit({ score: 0.5 })], 'FR-003', 'keyword', titles);
      assert.deepEqual(rows.map((row) => row.scoreFraction), [1, 1, 0.25, 0.0625]);
      assert.equal(rows[1].scoreLabel, 'BM25 8.00');
      assert.equal(searchViewItems([hit({ score: 0.61234 })], 'q', 'semantic', titles)[0].scoreLabel, 'cosine 0.612');
      assert.equal(searchViewItems([hit({ score: 0.0325 })], 'q', 'hybrid', titles)[0].scoreLabel, 'fused rank 0.0325');
    });
  });

  describe('index states', () => {
    const situation = (overrides: Partial<IndexSituation>): IndexSituation => ({
      hasFolder: true, cleared: false, state: { kind: 'idle', requirementCount: 3 }, ranOnce: true, counts: { prds: 2, requirements: 3 },
      prds: [{ file: 'b.prd.md', title: 'Billing' }, { file: 'a.prd.md', title: 'Accounts' }], include: ['**/PRD.md'], ...overrides,
    });

    it('is ready with the filter choices when PRDs are indexed: PRDs by title, every type, priority and status', () => {
      const status = searchViewStatus(situation({}));
      assert.equal(status.kind, 'ready');
      if (status.kind !== 'ready') return;
      assert.deepEqual(status.options.files, [{ value: 'a.prd.md', label: 'Accounts' }, { value: 'b.prd.md', label: 'Billing' }]);
      assert.equal(status.options.types.length, 15);
      assert.deepEqual(status.options.priorities.map((option) => option.label), ['Critical', 'High', 'Medium', 'Low']);
      assert.ok(status.options.statuses.some((option) => option.value === 'in_progress' && option.label === 'In progress'));
    });

    it('tells apart no folder, not indexed, no PRDs, indexing with progress and an error with its action', () => {
      assert.deepEqual(searchViewStatus(situation({ hasFolder: false })), { kind: 'noFolder' });
      assert.deepEqual(searchViewStatus(situation({ counts: undefined, ranOnce: false })), { kind: 'notIndexed' });
      assert.deepEqual(searchViewStatus(situation({ cleared: true })), { kind: 'notIndexed' });
      assert.deepEqual(searchViewStatus(situation({ counts: { prds: 0, requirements: 0 }, ranOnce: false })), { kind: 'notIndexed' });
      assert.deepEqual(searchViewStatus(situation({ counts: { prds: 0, requirements: 0 } })), { kind: 'noPrds', include: ['**/PRD.md'] });
      assert.deepEqual(searchViewStatus(situation({ state: { kind: 'indexing', done: 2, total: 5 } })), { kind: 'indexing', done: 2, total: 5 });
      assert.deepEqual(searchViewStatus(situation({ state: { kind: 'error', message: 'The model folder is missing', action: 'Open Settings', setting: 'cvprd.modelPath' } })),
        { kind: 'error', message: 'The model folder is missing', action: 'openSettings', actionLabel: 'Open Settings' });
    });
  });
});
