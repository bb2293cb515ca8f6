import * as vscode from 'vscode';
import { graphView } from '../../core/graph/graph-view';
import { prdKey, requirementKey, sectionKey } from '../../core/graph/requirement-graph';
import type { PrdIndex } from '../../core/prd-index';
import type { GraphNode } from '../../core/types';
import {
  DEFAULT_GRAPH_QUERY, focusOn, type GraphNodeDetails, type GraphPanelRequest, type GraphPanelUpdate, type GraphQuery,
} from '../../../webview/protocol';
import { openIndexOrExplain, type CommandDeps } from '../commands/command-deps';
import { openLocation } from '../commands/open-location';
import { requirementLabel, targetRequirement } from '../commands/target-requirement';
import type { Feature } from '../features';
import { indexServiceOf } from '../index-service';
import { previewMessage } from './message-preview';
import { requirementAt } from '../requirement-at';
import type { WorkspaceIndex } from '../workspace-index';
import { parseGraphQuery, parseGraphRequest } from './graph-messages';
import { webviewHtml, webviewOptions } from './webview-html';

export const GRAPH_VIEW_TYPE = 'cvprd.graph';
/** Index changes and cursor moves come in bursts: redraw once per burst. */
const INDEX_CHANGE_DELAY_MS = 100;
const FOLLOW_EDITOR_DELAY_MS = 250;
const SEARCH_MATCHES = 50;

/** What the webview keeps with vscode.setState(); the serializer hands it back after a reload. */
interface SavedGraphState {
  query?: unknown;
}

/**
 * The graph panel: one WebviewPanel drawing graphView() of the index with Cytoscape (webview/graph). The host owns
 * the query (scope, focus, filters, cap); the webview owns layout, viewport and selection. retainContextWhenHidden
 * is off: a hidden panel's webview is discarded and, shown again, says `ready` and gets the graph anew.
 */
class GraphPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private indexTimer: NodeJS.Timeout | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private query: GraphQuery,
    private readonly deps: CommandDeps,
    extensionUri: vscode.Uri,
    onDispose: () => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { script: 'graph.js', title: 'cvPRD Graph', styles: ['graph.css'] });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'cvprd.svg');
    this.updateTitle();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      deps.index.onDidChange(() => this.scheduleUpdate()),
      vscode.window.onDidChangeTextEditorSelection((event) => this.scheduleFollow(event.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.scheduleFollow(editor)),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
  }

  /** Shows another query (a command ran while the panel was open). */
  show(query: GraphQuery): void {
    this.query = query;
    this.updateTitle();
    this.panel.reveal(undefined, false);
    void this.render(false);
  }

  get currentQuery(): GraphQuery {
    return this.query;
  }

  private receive(raw: unknown): void {
    const message = parseGraphRequest(raw);
    if (typeof message === 'string') {
      this.deps.log.warn(`graph panel: ignored a message from the webview (${message}): ${previewMessage(raw)}`);
      return;
    }
    void this.handle(message).catch((error) => this.deps.index.showError(error, `cvPRD Graph: ${message.type}`));
  }

  private async handle(message: GraphPanelRequest): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.render(false);
      case 'query':
        this.query = message.query;
        this.updateTitle();
        return this.render(false, message.id);
      case 'search':
        return this.search(message.id, message.text);
      case 'details': {
        const index = await this.deps.index.current();
        return this.post({ type: 'details', id: message.id, details: index ? nodeDetails(index, message.key) : undefined });
      }
      case 'open': {
        const node = (await this.deps.index.current())?.graph().node(message.key);
        if (!node) return void vscode.window.showInformationMessage(`cvPRD: ${message.key} is no longer in the index.`);
        // Beside the panel, not over it (a hidden panel loses its webview).
        const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
        await openLocation(this.deps.index, node.file, { start: node.lines.start, end: node.lines.start }, column);
        return;
      }
      case 'export':
        return this.export(message.format, message.data);
      case 'runAction':
        // Without a folder argument VS Code asks for one with its folder dialog.
        await vscode.commands.executeCommand(message.action === 'indexWorkspace' ? 'cvprd.indexWorkspace' : 'vscode.openFolder');
        return;
    }
  }

  private scheduleUpdate(): void {
    clearTimeout(this.indexTimer);
    this.indexTimer = setTimeout(() => void this.render(true).catch((error) => this.deps.log.error(`graph panel: update failed: ${error}`)), INDEX_CHANGE_DELAY_MS);
  }

  private async render(update: boolean, answers?: number): Promise<void> {
    if (!this.ready || this.disposed) return;
    const index = await this.deps.index.current();
    if (!index) {
      return this.post(this.deps.index.cleared
        ? { type: 'empty', message: 'The index was cleared. Index the workspace to draw the graph again.', action: 'indexWorkspace' }
        : { type: 'empty', message: 'Open a folder with PRD files to see their graph.', action: 'openFolder' });
    }
    const graph = index.graph();
    const { config } = this.deps;
    const diagnostics = index.validate({ unverifiedSeverity: config.unverifiedSeverity, crossPrdDuplicateSeverity: config.crossPrdDuplicates });
    const query = this.query;
    const view = graphView(graph, {
      file: query.file, focus: query.focus, nodeKinds: query.nodeKinds, edgeKinds: query.edgeKinds, priorities: query.priorities,
      prds: query.prds.length > 0 ? query.prds : undefined, maxNodes: query.maxNodes, diagnostics,
    });
    const prds = [...graph.nodes()].filter((node) => node.kind === 'prd').map((node) => ({ file: node.file, title: node.label }))
      .sort((a, b) => a.title.localeCompare(b.title));
    const focusNode = view.focus ? graph.node(view.focus) : undefined;
    this.post({ type: 'graph', query, view, prds, update, focusLabel: focusNode ? requirementLabel(focusNode) : undefined, answers });
  }

  private async search(id: number, text: string): Promise<void> {
    const index = await this.deps.index.current();
    if (!index) return this.post({ type: 'searchResults', id, keys: [], message: 'No index to search.' });
    const result = await index.search(text, { mode: this.deps.config.searchMode, k: SEARCH_MATCHES });
    const chunks = new Map(index.snapshot().chunks.map((chunk) => [chunk.key, chunk]));
    const keys = new Set<string>();
    for (const hit of result.hits) {
      if (hit.requirementId !== undefined) keys.add(requirementKey(hit.file, hit.requirementId));
      const chunk = chunks.get(hit.chunkKey);
      if (chunk && hit.requirementId === undefined) keys.add(sectionKey(chunk.file, chunk.sectionKey));
    }
    this.post({ type: 'searchResults', id, keys: [...keys], message: result.warning });
  }

  private async export(format: 'png' | 'json', data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `requirements-graph.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: 'cvPRD: Export Graph View',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'png' ? { 'PNG image': ['png'] } : { 'Cytoscape JSON': ['json'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const bytes = format === 'png' ? Buffer.from(data.slice(data.indexOf(',') + 1), 'base64') : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.deps.log.info(`graph panel: exported the view as ${format} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`cvPRD: Exported the graph view to ${vscode.workspace.asRelativePath(target)}.`, 'Open').then((chosen) => {
      if (chosen) void vscode.commands.executeCommand('vscode.open', target);
    });
  }

  private scheduleFollow(editor: vscode.TextEditor | undefined): void {
    if (!this.query.followEditor || !editor) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => this.follow(editor), FOLLOW_EDITOR_DELAY_MS);
  }

  /** Focus on the requirement under the cursor, else show the editor's PRD; nothing for files outside the index. */
  private follow(editor: vscode.TextEditor): void {
    const index = this.deps.index.peek();
    const file = this.deps.index.keyOf(editor.document.uri);
    if (!index || file === undefined || !index.graph().node(prdKey(file))) return;
    const node = requirementAt(index, file, editor.document, editor.selection.active)?.node;
    const next: GraphQuery = node ? focusOn(this.query, node.key) : { ...this.query, file, focus: undefined };
    if (next.file === this.query.file && next.focus?.key === this.query.focus?.key) return;
    this.query = next;
    this.updateTitle();
    void this.render(false);
  }

  private updateTitle(): void {
    const focus = this.query.focus?.key;
    const name = focus ? focus.slice(focus.lastIndexOf('::') + 2) : this.query.file?.split('/').pop();
    this.panel.title = name ? `Graph: ${name}` : 'cvPRD Graph';
  }

  private post(message: GraphPanelUpdate): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.indexTimer);
    clearTimeout(this.followTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
  }
}

/** The text, facts and links the details pane shows for a node; undefined when the node is gone. */
function nodeDetails(index: PrdIndex, key: string): GraphNodeDetails | undefined {
  const graph = index.graph();
  const node = graph.node(key);
  if (!node) return undefined;
  const snapshot = index.snapshot();
  const text = node.kind === 'requirement'
    ? snapshot.requirements.find((r) => r.file === node.file && r.id === node.requirementId)?.text
    : node.kind === 'section' ? snapshot.sections.find((s) => sectionKey(s.file, s.key) === key)?.body
      // A PRD: its first words (the overview, normally).
      : snapshot.sections.find((s) => s.file === node.file && s.body.trim() !== '')?.body;
  const link = (direction: 'out' | 'in', other: GraphNode, kind: GraphNodeDetails['links'][number]['kind'], score?: number) => ({
    direction, kind, key: other.key, label: other.label, title: other.title, file: other.file, ...(score !== undefined ? { score } : {}),
  });
  const links = [
    ...graph.outgoing(key).filter((e) => e.kind !== 'CONTAINS').map((e) => link('out', graph.node(e.to)!, e.kind, e.score)),
    ...graph.incoming(key).filter((e) => e.kind !== 'CONTAINS').map((e) => link('in', graph.node(e.from)!, e.kind, e.score)),
  ];
  return {
    key, kind: node.kind, label: node.label, title: node.title, file: node.file, line: node.lines.start,
    type: node.type, priority: node.priority, status: node.status, text: text ?? '', links,
  };
}


/** The single graph panel, opened by the commands or restored by the serializer. */
class GraphPanels implements vscode.Disposable {
  private current: GraphPanel | undefined;

  constructor(private readonly deps: CommandDeps, private readonly extensionUri: vscode.Uri) {}

  show(query: GraphQuery): GraphQuery {
    if (this.current) {
      this.current.show(query);
      return query;
    }
    // The GraphPanel sets the webview's options, as it does for a panel the serializer restores.
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'cvPRD Graph', vscode.ViewColumn.Beside);
    this.adopt(panel, query);
    return query;
  }

  adopt(panel: vscode.WebviewPanel, query: GraphQuery): void {
    this.current?.dispose();
    const adopted: GraphPanel = new GraphPanel(panel, query, this.deps, this.extensionUri, () => {
      if (this.current === adopted) this.current = undefined;
    });
    this.current = adopted;
  }

  /** The query shown now (the last one a command or the webview set), for tests. */
  get query(): GraphQuery | undefined {
    return this.current?.currentQuery;
  }

  dispose(): void {
    this.current?.dispose();
  }
}

/** The query a command starts from: the open panel's filters and cap, or the defaults. */
function baseQuery(panels: GraphPanels): GraphQuery {
  const { file: _file, focus: _focus, ...filters } = panels.query ?? DEFAULT_GRAPH_QUERY;
  return { ...filters, maxNodes: DEFAULT_GRAPH_QUERY.maxNodes };
}

export const registerGraphPanel: Feature = ({ context, index, config, log }) => {
  const deps: CommandDeps = { index: indexServiceOf(index), config, log, secrets: context.secrets };
  const panels = new GraphPanels(deps, context.extensionUri);
  const command = (id: string, title: string, run: (...args: unknown[]) => Promise<GraphQuery | undefined>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        deps.index.showError(error, `cvPRD: ${title}`);
        return undefined;
      }
    });

  context.subscriptions.push(
    panels,
    command('cvprd.showGraph', 'Show Graph', async () => {
      if (!(await openIndexOrExplain(deps))) return undefined;
      return panels.show(baseQuery(panels));
    }),
    command('cvprd.showGraphForFile', 'Show Graph for Current File', async (argument) => {
      const prdIndex = await openIndexOrExplain(deps);
      if (!prdIndex) return undefined;
      const file = fileArgument(index, argument);
      if (file === undefined || !prdIndex.graph().node(prdKey(file))) {
        void vscode.window.showInformationMessage('cvPRD: Open an indexed PRD file first (Show Graph for Current File draws the active PRD).');
        return undefined;
      }
      return panels.show({ ...baseQuery(panels), file });
    }),
    command('cvprd.showRequirementInGraph', 'Show Requirement in Graph', async (argument) => {
      const prdIndex = await openIndexOrExplain(deps);
      if (!prdIndex) return undefined;
      const node = targetRequirement(prdIndex, index, argument);
      if (!node) return undefined;
      const previous = panels.query?.focus;
      return panels.show({ ...baseQuery(panels), focus: { key: node.key, depth: previous?.depth ?? 1, direction: previous?.direction ?? 'both' } });
    }),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const saved = parseGraphQuery((state as SavedGraphState | undefined)?.query);
        if (typeof saved === 'string' && state !== undefined) log.warn(`graph panel: restored with the default view (saved state unusable: ${saved})`);
        panels.adopt(panel, typeof saved === 'string' ? { ...DEFAULT_GRAPH_QUERY } : saved);
      },
    }),
  );
};

/** A Uri (explorer or editor menu), a PRD Explorer item ({ file }), or else the active editor's document. */
function fileArgument(index: WorkspaceIndex, argument: unknown): string | undefined {
  if (argument instanceof vscode.Uri) return index.keyOf(argument);
  const file = (argument as { file?: unknown } | undefined)?.file;
  if (typeof file === 'string') return file;
  const document = vscode.window.activeTextEditor?.document;
  return document ? index.keyOf(document.uri) : undefined;
}
