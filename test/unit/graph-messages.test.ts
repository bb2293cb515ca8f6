import { strict as assert } from 'node:assert';
import { parseGraphQuery, parseGraphRequest } from '../../src/vscode/webviews/graph-messages';
import { DEFAULT_GRAPH_QUERY } from '../../webview/protocol';

describe('graph panel: the host checks every webview message', () => {
  it('accepts the messages the page sends', () => {
    assert.deepEqual(parseGraphRequest({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseGraphRequest({ type: 'search', id: 3, text: 'password' }), { type: 'search', id: 3, text: 'password' });
    assert.deepEqual(parseGraphRequest({ type: 'open', key: 'req:a.md::A-1' }), { type: 'open', key: 'req:a.md::A-1' });
    const query = { ...DEFAULT_GRAPH_QUERY, focus: { key: 'req:a.md::A-1', depth: 2, direction: 'upstream' } };
    assert.deepEqual(parseGraphRequest({ type: 'query', id: 7, query }), { type: 'query', id: 7, query });
    assert.deepEqual(parseGraphRequest({ type: 'export', format: 'png', data: 'data:image/png;base64,AAAA' }),
      { type: 'export', format: 'png', data: 'data:image/png;base64,AAAA' });
    assert.deepEqual(parseGraphRequest({ type: 'runAction', action: 'indexWorkspace' }), { type: 'runAction', action: 'indexWorkspace' });
  });

  it('rejects malformed and unknown messages with a reason, never throwing', () => {
    for (const [message, reason] of [
      [null, /not an object/],
      ['ready', /not an object/],
      [{ type: 'launchMissiles' }, /unknown message type "launchMissiles"/],
      [{ type: 'search', id: '1', text: 'x' }, /numeric id/],
      [{ type: 'search', id: 1, text: 'x'.repeat(5000) }, /at most 1,000/],
      [{ type: 'open' }, /node key/],
      [{ type: 'runAction', action: 'workbench.action.terminal.new' }, /indexWorkspace, openFolder/],
      [{ type: 'export', format: 'svg', data: '' }, /png or json/],
      [{ type: 'export', format: 'png', data: 'file:///etc/passwd' }, /data:image\/png/],
      [{ type: 'query', query: DEFAULT_GRAPH_QUERY }, /numeric id/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, nodeKinds: ['prd', 'table'] } }, /known values/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, maxNodes: 0 } }, /maxNodes/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, maxNodes: 1.5 } }, /maxNodes/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, focus: { key: 'k', depth: 4, direction: 'both' } } }, /depth of 1-3/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, focus: { key: 'k', depth: 1, direction: 'sideways' } } }, /direction/],
      [{ type: 'query', id: 1, query: { ...DEFAULT_GRAPH_QUERY, followEditor: 'yes' } }, /followEditor/],
    ] as const) {
      const result = parseGraphRequest(message);
      assert.equal(typeof result, 'string', `${JSON.stringify(message)?.slice(0, 80)} is rejected`);
      assert.match(result as string, reason);
    }
  });

  it('reads a restored panel\'s saved query, dropping duplicates; a broken one is reported', () => {
    const saved = parseGraphQuery({ ...DEFAULT_GRAPH_QUERY, edgeKinds: ['DEPENDS_ON', 'DEPENDS_ON'], file: 'prds/a.md' });
    assert.deepEqual(saved, { ...DEFAULT_GRAPH_QUERY, edgeKinds: ['DEPENDS_ON'], file: 'prds/a.md' });
    assert.equal(typeof parseGraphQuery(undefined), 'string');
  });
});
