import { strict as assert } from 'node:assert';
import { buildGraph } from '../../src/core/graph/build';
import { graphView, type GraphView } from '../../src/core/graph/graph-view';
import { prdKey, requirementKey, sectionKey } from '../../src/core/graph/requirement-graph';
import type { Diagnostic } from '../../src/core/types';
import { snapshot } from '../fixtures/graph/snapshot-builder';

// a.md: A-1 -> A-2 -> A-3 (DEPENDS_ON), V-1 verifies A-1, A-4 <-> A-5 a dependency cycle.
// b.md: B-1 depends on A-1 and refines B-2. Priorities: A-1 critical, A-2 high, B-1 low, others none.
const s = snapshot()
  .prd('a.md', 'Alpha')
  .req('a.md', 'A-1', { line: 3, priority: 'critical' })
  .req('a.md', 'A-2', { line: 4, priority: 'high' })
  .req('a.md', 'A-3', { line: 5 })
  .req('a.md', 'A-4', { line: 6 })
  .req('a.md', 'A-5', { line: 7 })
  .req('a.md', 'V-1', { line: 9, type: 'acceptance_criteria' })
  .ref('a.md', 'A-1', 'A-2', 'DEPENDS_ON', 3)
  .ref('a.md', 'A-2', 'A-3', 'DEPENDS_ON', 4)
  .ref('a.md', 'A-4', 'A-5', 'DEPENDS_ON', 6)
  .ref('a.md', 'A-5', 'A-4', 'DEPENDS_ON', 7)
  .ref('a.md', 'V-1', 'A-1', 'VERIFIES', 9)
  .prd('b.md', 'Beta')
  .req('b.md', 'B-1', { line: 2, priority: 'low' })
  .req('b.md', 'B-2', { line: 3 })
  .ref('b.md', 'B-1', 'A-1', 'DEPENDS_ON', 2)
  .ref('b.md', 'B-1', 'B-2', 'REFINES', 2)
  .snapshot;
const graph = buildGraph(s);

const A = (id: string) => requirementKey('a.md', id);
const B = (id: string) => requirementKey('b.md', id);
const nodeIds = (view: GraphView) => view.elements.nodes.map((n) => n.data.id).sort();
const edgeList = (view: GraphView) => view.elements.edges.map((e) => `${e.data.kind} ${e.data.source} -> ${e.data.target}`).sort();
const node = (view: GraphView, key: string) => view.elements.nodes.find((n) => n.data.id === key);

describe('graph view: graph -> Cytoscape elements for the graph panel', () => {
  it('shows the whole graph by default: every node and edge, with the export data plus degree', () => {
    const view = graphView(graph);
    assert.equal(view.elements.nodes.length, graph.nodeCount);
    assert.equal(view.elements.edges.length, graph.edgeCount);
    assert.equal(view.matchedNodes, graph.nodeCount);
    const a1 = node(view, A('A-1'))!;
    assert.deepEqual(
      { label: a1.data.label, kind: a1.data.kind, file: a1.data.file, priority: a1.data.priority, line: a1.data.line, degree: a1.data.degree },
      { label: 'A-1', kind: 'requirement', file: 'a.md', priority: 'critical', line: 3, degree: 3 },
      'A-1: DEPENDS_ON A-2, VERIFIED by V-1, depended on by B-1; CONTAINS is not counted',
    );
  });

  it('filters by node kind, and hangs requirements from their PRD when sections are hidden', () => {
    const view = graphView(graph, { nodeKinds: ['prd', 'requirement'] });
    assert.ok(view.elements.nodes.every((n) => n.data.kind !== 'section'));
    assert.ok(edgeList(view).includes(`CONTAINS ${prdKey('a.md')} -> ${A('A-1')}`));
    assert.ok(!edgeList(view).some((e) => e.includes('sec:')));
  });

  it('filters by edge kind: only those edges, nodes stay', () => {
    const view = graphView(graph, { edgeKinds: ['VERIFIES', 'REFINES'] });
    assert.deepEqual(edgeList(view), [`REFINES ${B('B-1')} -> ${B('B-2')}`, `VERIFIES ${A('V-1')} -> ${A('A-1')}`]);
    assert.equal(view.elements.nodes.length, graph.nodeCount);
  });

  it('filters requirements by priority ("none" = no priority) and keeps PRDs and sections', () => {
    const view = graphView(graph, { priorities: ['critical', 'low'] });
    const requirements = view.elements.nodes.filter((n) => n.data.kind === 'requirement').map((n) => n.data.id).sort();
    assert.deepEqual(requirements, [A('A-1'), B('B-1')]);
    assert.ok(node(view, prdKey('a.md')) && node(view, sectionKey('a.md', 'Requirements')));
    assert.deepEqual(edgeList(graphView(graph, { priorities: ['critical', 'low'], edgeKinds: ['DEPENDS_ON'] })), [`DEPENDS_ON ${B('B-1')} -> ${A('A-1')}`]);
    const none = graphView(graph, { priorities: ['none'], nodeKinds: ['requirement'] });
    assert.deepEqual(nodeIds(none), [A('A-3'), A('A-4'), A('A-5'), A('V-1'), B('B-2')]);
  });

  it('filters by PRD', () => {
    const view = graphView(graph, { prds: ['b.md'] });
    assert.ok(view.elements.nodes.every((n) => n.data.file === 'b.md'));
    assert.ok(node(view, B('B-1')) && !node(view, A('A-1')));
  });

  it('focus, depth 1 both ways: the node, what it stands on, what stands on it and its container', () => {
    const view = graphView(graph, { focus: { key: A('A-1'), depth: 1, direction: 'both' } });
    assert.equal(view.focus, A('A-1'));
    assert.deepEqual(nodeIds(view), [A('A-1'), A('A-2'), A('V-1'), B('B-1'), sectionKey('a.md', 'Requirements')].sort());
    assert.equal(node(view, A('A-1'))!.classes, 'focus');
  });

  it('focus upstream follows outgoing links and containers; depth 2 reaches one hop further', () => {
    const up1 = graphView(graph, { focus: { key: A('A-1'), depth: 1, direction: 'upstream' }, edgeKinds: ['DEPENDS_ON'] });
    assert.deepEqual(nodeIds(up1), [A('A-1'), A('A-2')]);
    const up2 = graphView(graph, { focus: { key: A('A-1'), depth: 2, direction: 'upstream' }, edgeKinds: ['DEPENDS_ON'] });
    assert.deepEqual(nodeIds(up2), [A('A-1'), A('A-2'), A('A-3')]);
    assert.deepEqual(edgeList(up2), [`DEPENDS_ON ${A('A-1')} -> ${A('A-2')}`, `DEPENDS_ON ${A('A-2')} -> ${A('A-3')}`]);
    const withContainers = graphView(graph, { focus: { key: A('A-3'), depth: 2, direction: 'upstream' } });
    assert.deepEqual(nodeIds(withContainers), [A('A-3'), prdKey('a.md'), sectionKey('a.md', 'Requirements')].sort());
  });

  it('focus downstream follows incoming links and contents; depth is clamped to 1-3', () => {
    const kinds = ['DEPENDS_ON', 'VERIFIES'] as const;
    const two = graphView(graph, { focus: { key: A('A-3'), depth: 2, direction: 'downstream' }, edgeKinds: kinds });
    assert.deepEqual(nodeIds(two), [A('A-1'), A('A-2'), A('A-3')], 'A-3 <- A-2 <- A-1');
    const down = graphView(graph, { focus: { key: A('A-3'), depth: 3, direction: 'downstream' }, edgeKinds: kinds });
    assert.deepEqual(nodeIds(down), [A('A-1'), A('A-2'), A('A-3'), A('V-1'), B('B-1')], 'V-1 and B-1 stand on A-1');
    const clamped = graphView(graph, { focus: { key: A('A-3'), depth: 9, direction: 'downstream' }, edgeKinds: ['DEPENDS_ON', 'VERIFIES'] });
    assert.deepEqual(nodeIds(clamped), nodeIds(down));
    const zero = graphView(graph, { focus: { key: A('A-3'), depth: 0, direction: 'downstream' }, edgeKinds: ['DEPENDS_ON'] });
    assert.deepEqual(nodeIds(zero), [A('A-2'), A('A-3')], 'depth 0 means 1');
  });

  it('the focus node survives filters that would hide it; an unknown focus falls back to the whole graph', () => {
    const view = graphView(graph, { focus: { key: A('A-1'), depth: 1, direction: 'both' }, prds: ['b.md'] });
    assert.deepEqual(nodeIds(view), [A('A-1'), B('B-1')]);
    const unknown = graphView(graph, { focus: { key: A('NOPE'), depth: 1, direction: 'both' } });
    assert.equal(unknown.focus, undefined);
    assert.equal(unknown.elements.nodes.length, graph.nodeCount);
  });

  it('a file scope shows that PRD and the nodes it links to', () => {
    const view = graphView(graph, { file: 'b.md' });
    assert.ok(node(view, B('B-1')) && node(view, A('A-1')), 'A-1 is the far end of B-1 DEPENDS_ON');
    assert.ok(!node(view, A('A-2')));
  });

  it('caps the node count: PRDs first, then the best connected; reports how many matched', () => {
    const view = graphView(graph, { maxNodes: 4 });
    assert.equal(view.elements.nodes.length, 4);
    assert.equal(view.matchedNodes, graph.nodeCount);
    assert.deepEqual(view.elements.nodes.map((n) => n.data.id), [prdKey('a.md'), prdKey('b.md'), A('A-1'), A('A-2')]);
    assert.ok(view.elements.edges.every((e) => nodeIds(view).includes(e.data.source) && nodeIds(view).includes(e.data.target)));
    const focused = graphView(graph, { focus: { key: A('A-3'), depth: 3, direction: 'downstream' }, edgeKinds: ['DEPENDS_ON'], maxNodes: 2 });
    assert.deepEqual(focused.elements.nodes.map((n) => n.data.id), [A('A-3'), A('A-2')], 'a focus view keeps the nearest');
    assert.equal(focused.matchedNodes, 4, 'A-3, A-2, A-1, B-1');
  });

  it('marks dependency cycles on nodes and edges, and problems on the innermost node holding their line', () => {
    const diagnostics: Diagnostic[] = [
      { code: 'unknown-reference', severity: 'warning', file: 'a.md', line: 5, message: 'Unknown requirement ID X-1' },
      { code: 'unverified-requirement', severity: 'info', file: 'a.md', line: 4, message: 'A-2 has no acceptance criteria' },
      { code: 'parse-warning', severity: 'error', file: 'b.md', line: 500, message: 'Broken table' },
    ];
    const view = graphView(graph, { diagnostics });
    assert.equal(node(view, A('A-4'))!.classes, 'cycle');
    assert.equal(node(view, A('A-5'))!.classes, 'cycle');
    assert.deepEqual(view.elements.edges.filter((e) => e.classes === 'cycle').map((e) => `${e.data.source} -> ${e.data.target}`).sort(),
      [`${A('A-4')} -> ${A('A-5')}`, `${A('A-5')} -> ${A('A-4')}`]);
    assert.equal(node(view, A('A-3'))!.classes, 'problem-warning');
    assert.deepEqual(node(view, A('A-3'))!.data.problems, [{ severity: 'warning', message: 'Unknown requirement ID X-1' }]);
    assert.equal(node(view, A('A-2'))!.classes, '', 'an info is listed, not marked');
    assert.equal(node(view, A('A-2'))!.data.problems?.length, 1);
    assert.equal(node(view, sectionKey('b.md', 'Requirements'))!.classes, 'problem-error', 'line 500 lies only inside the section');
  });

  it('marks the nearest shown container with the problems of a node that is not shown, naming that node', () => {
    const diagnostics: Diagnostic[] = [
      { code: 'parse-warning', severity: 'error', file: 'b.md', line: 500, message: 'Broken table' },
      { code: 'unknown-reference', severity: 'warning', file: 'a.md', line: 5, message: 'Unknown requirement ID X-1' },
    ];
    const withoutSections = graphView(graph, { diagnostics, nodeKinds: ['prd', 'requirement'] });
    assert.equal(node(withoutSections, prdKey('b.md'))!.classes, 'problem-error');
    assert.deepEqual(node(withoutSections, prdKey('b.md'))!.data.problems, [{ severity: 'error', message: 'Requirements: Broken table' }]);
    assert.equal(node(withoutSections, A('A-3'))!.classes, 'problem-warning', 'a shown node keeps its own problems');
    assert.equal(node(withoutSections, prdKey('a.md'))!.classes, '');

    const focusedOnA1 = graphView(graph, { diagnostics, focus: { key: A('A-1'), depth: 1, direction: 'both' } });
    assert.ok(!nodeIds(focusedOnA1).includes(A('A-3')));
    assert.ok(focusedOnA1.elements.nodes.every((n) => n.classes !== 'problem-warning'), 'A-3 is out of the focus: its problem is not carried in');
  });
});
