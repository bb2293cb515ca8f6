// Cytoscape styles from the theme: Cytoscape draws on a canvas and takes colours as values, so the --vscode-* variables
// are read from the page when the app starts and again whenever VS Code switches the theme (a body class change).
import type cytoscape from 'cytoscape';
import type { EdgeKind } from '../protocol';

/** The theme variable each node colour comes from; the legend uses the same variables through CSS. */
export const NODE_COLOURS: { label: string; selector: string; variable: string }[] = [
  { label: 'PRD', selector: 'node[kind = "prd"]', variable: '--vscode-charts-purple' },
  { label: 'Section', selector: 'node[kind = "section"]', variable: '--vscode-descriptionForeground' },
  { label: 'Requirement, feature', selector: 'node[kind = "requirement"]', variable: '--vscode-charts-blue' },
  { label: 'User story, acceptance criterion', selector: 'node[type = "user_story"], node[type = "acceptance_criteria"]', variable: '--vscode-charts-green' },
  { label: 'Non-functional, constraint', selector: 'node[type = "non_functional"], node[type = "constraint"]', variable: '--vscode-charts-orange' },
  { label: 'Risk, dependency, assumption', selector: 'node[type = "risk"], node[type = "dependency"], node[type = "assumption"]', variable: '--vscode-charts-yellow' },
];

export interface EdgeLook {
  variable: string;
  line: 'solid' | 'dashed' | 'dotted';
  arrow: 'triangle' | 'tee' | 'none';
  description: string;
}

export const EDGE_LOOKS: Record<EdgeKind, EdgeLook> = {
  CONTAINS: { variable: '--vscode-charts-lines', line: 'solid', arrow: 'none', description: 'contains' },
  DEPENDS_ON: { variable: '--vscode-charts-blue', line: 'solid', arrow: 'triangle', description: 'depends on' },
  REFINES: { variable: '--vscode-charts-purple', line: 'dashed', arrow: 'triangle', description: 'refines' },
  IMPLEMENTS: { variable: '--vscode-charts-green', line: 'solid', arrow: 'triangle', description: 'implements' },
  VERIFIES: { variable: '--vscode-charts-green', line: 'dashed', arrow: 'triangle', description: 'verifies' },
  CONFLICTS_WITH: { variable: '--vscode-charts-orange', line: 'solid', arrow: 'tee', description: 'conflicts with' },
  REFERENCES: { variable: '--vscode-descriptionForeground', line: 'dotted', arrow: 'triangle', description: 'mentions' },
  LINKS_TO: { variable: '--vscode-charts-purple', line: 'dotted', arrow: 'triangle', description: 'links to (PRD)' },
  RELATED_TO: { variable: '--vscode-charts-yellow', line: 'dashed', arrow: 'none', description: 'related (similar text)' },
};

export type SizeBy = 'priority' | 'degree';
export type LabelBy = 'id' | 'title';

export interface StyleOptions {
  sizeBy: SizeBy;
  labelBy: LabelBy;
  /** Many edges: straight "haystack" lines without arrows, far cheaper to draw. */
  simpleEdges: boolean;
  /** Many nodes: only nodes with the LABELLED class have a label (see labelNodesInView in main.ts). */
  lazyLabels: boolean;
}

/** The class that gives a node its label when labels are lazy. */
export const LABELLED = 'labelled';
const FONT_SIZE = 10;
/** Labels go when they would be smaller than this on screen: zoomed out, the graph is shapes only. */
const MIN_ZOOMED_FONT_SIZE = 8;

/** Whether labels are big enough to be drawn at this zoom. */
export function labelsReadable(zoom: number): boolean {
  return zoom * FONT_SIZE >= MIN_ZOOMED_FONT_SIZE;
}

const PRIORITY_SIZE: Record<string, number> = { critical: 34, high: 28, medium: 22, low: 18 };

/** Theme colour, or the fallback outside VS Code (the benchmark page has no theme). */
function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

// Sizes and labels are data mappers and selectors, not functions: Cytoscape caches those, which matters at 5,000 nodes.
function sizeRules(sizeBy: SizeBy): cytoscape.StylesheetJson {
  const square = (size: number | string) => ({ width: size, height: size });
  if (sizeBy === 'degree') return [{ selector: 'node', style: square('mapData(degree, 0, 30, 16, 52)') }];
  return [
    { selector: 'node', style: square(20) },
    ...Object.entries(PRIORITY_SIZE).map(([priority, size]) => ({ selector: `node[priority = "${priority}"]`, style: square(size) })),
    { selector: 'node[kind = "section"]', style: square(16) },
  ];
}

export function graphStyle(options: StyleOptions): cytoscape.StylesheetJson {
  const colour = (name: string) => themeColour(name, '#888888');
  const foreground = themeColour('--vscode-editor-foreground', '#cccccc');
  const background = themeColour('--vscode-editor-background', '#1e1e1e');
  const error = themeColour('--vscode-editorError-foreground', '#f14c4c');
  const warning = themeColour('--vscode-editorWarning-foreground', '#cca700');
  const focus = themeColour('--vscode-focusBorder', '#007fd4');
  const match = themeColour('--vscode-editor-findMatchHighlightBackground', '#ea5c0055');
  const fontFamily = themeColour('--vscode-font-family', 'sans-serif');
  // Each property set costs Cytoscape work per element (about 0.1 s per property at 5,000 nodes).
  const labelled = options.lazyLabels ? `node.${LABELLED}` : 'node';
  const style: cytoscape.StylesheetJson = [
    { selector: 'node', style: { 'background-color': colour('--vscode-charts-blue'), 'border-color': background, 'border-width': 1 } },
    {
      selector: labelled,
      style: {
        label: options.labelBy === 'title' ? 'data(caption)' : 'data(label)',
        color: foreground,
        'font-family': fontFamily,
        'font-size': FONT_SIZE,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-background-color': background,
        'text-background-opacity': 0.7,
        'text-background-padding': '1px',
        'min-zoomed-font-size': MIN_ZOOMED_FONT_SIZE,
      },
    },
    ...NODE_COLOURS.map(({ selector, variable }) => ({ selector, style: { 'background-color': colour(variable) } })),
    ...sizeRules(options.sizeBy),
    { selector: 'node[kind = "prd"]', style: { shape: 'round-rectangle', width: 44, height: 44 } },
    { selector: `${labelled}[kind = "prd"]`, style: { 'font-weight': 'bold', label: 'data(label)' } },
    { selector: 'node[kind = "section"]', style: { shape: 'round-tag' } },
    { selector: `${labelled}[kind = "section"]`, style: { label: 'data(label)' } },
    // Simple edges get only the properties that change their look.
    {
      selector: 'edge',
      style: options.simpleEdges ? { width: 1.5, 'curve-style': 'haystack', opacity: 0.85 } : { width: 1.5, 'curve-style': 'bezier', 'arrow-scale': 0.8, opacity: 0.85 },
    },
    ...Object.entries(EDGE_LOOKS).map(([kind, look]) => ({
      selector: `edge[kind = "${kind}"]`,
      style: {
        'line-color': colour(look.variable),
        ...(look.line === 'solid' ? {} : { 'line-style': look.line }),
        ...(options.simpleEdges ? {} : { 'target-arrow-color': colour(look.variable), 'target-arrow-shape': look.arrow }),
      },
    })),
    { selector: 'edge[kind = "CONTAINS"]', style: { width: 1, opacity: 0.45 } },
    { selector: 'edge[kind = "RELATED_TO"][score]', style: { width: 'mapData(score, 0.5, 1, 1, 4)' } },
    { selector: 'node.problem-warning', style: { 'border-color': warning, 'border-width': 3 } },
    { selector: 'node.problem-error', style: { 'border-color': error, 'border-width': 3 } },
    { selector: 'node.cycle', style: { 'border-color': error, 'border-width': 3, 'border-style': 'double' } },
    { selector: 'edge.cycle', style: { 'line-color': error, 'target-arrow-color': error, width: 3 } },
    { selector: 'node.focus', style: { 'outline-color': focus, 'outline-width': 3, 'outline-offset': 2 } },
    { selector: '.match', style: { 'underlay-color': match, 'underlay-padding': 8, 'underlay-opacity': 1 } },
    { selector: 'node:selected', style: { 'border-color': focus, 'border-width': 4 } },
    { selector: 'edge:selected', style: { width: 3 } },
    { selector: '.faded', style: { opacity: 0.12 } },
  ];
  return style;
}
