import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { fileKeyFor } from '../core/discovery';
import type { IndexProgress, IndexReport, IndexRunOptions, Logger } from '../core/indexer';
import type { RemoteBackendStatus, RemoteStores } from '../core/backends/remote-stores';
import type { PrdIndex } from '../core/prd-index';
import type { StoreStats } from '../core/store/prd-store';
import { REMOTE_STORE_SETTINGS, SECTION, SETTING, type Config, type ConfigChange } from './config';
import { REMOTE_SECRET_KEYS, readRemoteSecrets } from './remote-secrets';
import type { WorkspaceIndex } from './workspace-index';

export type IndexState =
  | { kind: 'idle'; requirementCount: number | undefined }
  | { kind: 'indexing'; done: number; total: number }
  | { kind: 'error'; message: string; action: ErrorAction; /** The setting that Open Settings shows. */ setting?: string };

/** What a user can do about an error; each has a button with this label. */
export type ErrorAction = 'Open Settings' | 'Rebuild Index' | 'Show Log';

export interface IndexStatus {
  state: IndexState;
  dbPath: string | undefined;
  modelDir: string;
  /** Counts of the open index; undefined before it is opened. */
  stats: StoreStats | undefined;
  lastRun: { finishedAt: Date; report: IndexReport } | undefined;
}

export interface IndexWorkspaceOptions {
  /** Show a cancellable notification with progress (user-started runs); otherwise only the status bar shows it. */
  notify: boolean;
}

const DATABASE_FILE = 'index.db';
const FILE_EVENT_DEBOUNCE_MS = 300;
/** Settings that the open index was built with: changing one needs a rebuild to take effect. */
const REBUILD_SETTINGS = [SETTING.idPatterns, SETTING.modelPath, SETTING.relatedThreshold, SETTING.relatedCount];
const DISCOVERY_SETTINGS = [SETTING.include, SETTING.exclude, SETTING.maxFileSize];

interface QueuedRun {
  notify: boolean;
  promise: Promise<IndexReport | undefined>;
}

/**
 * The workspace's one PrdIndex: opened lazily in the extension's workspace storage, kept up to date by a reconcile
 * run at start-up, file watchers and save events, and rebuilt or cleared on request. Index runs, rebuilds and clears
 * run one at a time; requests that arrive during a run coalesce into one follow-up run.
 */
export class WorkspaceIndexService implements WorkspaceIndex, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<IndexState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly remoteStatusEmitter = new vscode.EventEmitter<RemoteBackendStatus[]>();
  /** The remote stores' state: reachable, answering from the local fallback, syncing; [] when none is configured. */
  readonly onDidChangeRemoteStatus = this.remoteStatusEmitter.event;
  private remoteStatusSubscription: { dispose(): void } | undefined;

  private index: PrdIndex | undefined;
  private opening: Promise<PrdIndex | undefined> | undefined;
  /** What the open index was opened with, to tell whether a settings change needs a rebuild. */
  private openedWith: string | undefined;
  private corruptDatabaseSeen = false;
  /** Set while a rebuild or clear removes the database file, so that nothing reopens it meanwhile. */
  private removingDatabase: Promise<unknown> | undefined;
  private currentState: IndexState = { kind: 'idle', requirementCount: undefined };
  private report: { finishedAt: Date; report: IndexReport } | undefined;

  private tail: Promise<unknown> = Promise.resolve();
  private queuedRun: QueuedRun | undefined;
  private activeRunAbort: AbortController | undefined;
  /** After Clear Index there is no index (current() resolves to undefined, file events are ignored) until the next run. */
  private wasCleared = false;
  private readonly fileTimers = new Map<string, NodeJS.Timeout>();
  private folderWatchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private matchers: { include: picomatch.Matcher; exclude: picomatch.Matcher } | undefined;
  private lastShownError: string | undefined;
  private closing: Promise<void> | undefined;
  private readonly coreLogger: Logger;

  constructor(private readonly context: vscode.ExtensionContext, private readonly config: Config, private readonly log: vscode.LogOutputChannel) {
    this.coreLogger = { info: (message) => log.info(message), warn: (message) => log.warn(message), error: (message) => log.error(message) };
    this.subscriptions.push(
      this.changeEmitter, this.stateEmitter, this.remoteStatusEmitter,
      config.onDidChange((change) => this.onConfigChange(change)),
      context.secrets.onDidChange((event) => {
        if ((REMOTE_SECRET_KEYS as readonly string[]).includes(event.key)) void this.reconnectRemoteStores('a remote store secret changed');
      }),
    );
  }

  /** Starts following the workspace: watchers, save events, and a reconcile run in the background. */
  start(): void {
    this.watchFolders();
    this.subscriptions.push(
      vscode.workspace.onDidSaveTextDocument((document) => this.onFileEvent(document.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchFolders();
        // Going from one folder to several changes every file key (they gain the folder name): a full run sorts it out.
        this.indexInBackground('following the workspace folders');
      }),
    );
    // After activate() has returned: opening the database and walking the folders is not activation work.
    if (this.roots().length > 0) setTimeout(() => this.indexInBackground('reconciling the index with the workspace files'), 0);
  }

  /** True after Clear Index until the next index run: there is no index, on purpose. */
  get cleared(): boolean {
    return this.wasCleared;
  }

  get state(): IndexState {
    return this.currentState;
  }

  /** The database file, in the extension's workspace storage; undefined without a workspace. */
  get dbPath(): string | undefined {
    return this.context.storageUri ? path.join(this.context.storageUri.fsPath, DATABASE_FILE) : undefined;
  }

  /** The report of the last index run that finished (its warnings and errors name the files). */
  lastReport(): IndexReport | undefined {
    return this.report?.report;
  }

  status(): IndexStatus {
    return { state: this.currentState, dbPath: this.dbPath, modelDir: this.config.modelDir, stats: this.index?.store.stats(), lastRun: this.report };
  }

  peek(): PrdIndex | undefined {
    return this.index;
  }

  current(): Promise<PrdIndex | undefined> {
    if (this.index) return Promise.resolve(this.index);
    this.opening ??= this.open().finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private async open(): Promise<PrdIndex | undefined> {
    while (this.removingDatabase) await this.removingDatabase;
    const dbPath = this.dbPath;
    if (!dbPath || this.roots().length === 0 || this.closing || this.wasCleared) return undefined;
    await fs.promises.mkdir(path.dirname(dbPath), { recursive: true });
    // Loaded on first use: the database and parser modules are most of the extension's load time.
    const { PrdIndex } = await import('../core/prd-index');
    const remote = await this.createRemoteStores();
    try {
      this.index = PrdIndex.open({ dbPath, modelDir: this.config.modelDir, idPatterns: this.config.idPatterns, logger: this.coreLogger, remote });
    } catch (error) {
      if ((error as Error).name === 'StoreCorruptError') this.corruptDatabaseSeen = true;
      if (remote) await (await import('../core/backends/remote-stores')).closeRemoteStores(remote);
      throw error;
    }
    this.openedWith = this.rebuildRelevantSettings();
    const index = this.index;
    this.remoteStatusSubscription = index.onRemoteStatusChange((status) => {
      if (this.index === index) this.remoteStatusEmitter.fire(status);
    });
    this.remoteStatusEmitter.fire(index.remoteStatus());
    const stores = index.remoteStatus().map((status) => status.label).join('; ');
    this.log.info(`opened the index ${dbPath} (model folder ${this.config.modelDir}${stores ? `; remote stores: ${stores}` : ''})`);
    return this.index;
  }

  /**
   * The remote stores the settings choose, with their secrets; undefined for the embedded ones. A setting that cannot
   * work (no URL) is shown with Open Settings, and the embedded stores answer meanwhile.
   */
  private async createRemoteStores(): Promise<RemoteStores | undefined> {
    const settings = this.config.remoteStores;
    if (settings.vectorStore === 'embedded' && settings.graphStore === 'embedded') return undefined;
    const { createRemoteStores } = await import('../core/backends/remote-stores');
    const secrets = await readRemoteSecrets(this.context.secrets);
    try {
      return createRemoteStores({
        ...settings,
        qdrant: { ...settings.qdrant, apiKey: secrets.qdrantApiKey },
        falkordb: { ...settings.falkordb, password: secrets.falkordbPassword },
      });
    } catch (error) {
      this.log.error(`remote stores not used: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`cvPRD: ${(error as Error).message} The local index answers meanwhile.`, 'Open Settings')
        .then((chosen) => { if (chosen) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.`); });
      return undefined;
    }
  }

  /** The remote stores' state now ([] when none is configured or the index is not open). */
  remoteStatus(): RemoteBackendStatus[] {
    return this.index?.remoteStatus() ?? [];
  }

  /**
   * Closes the index between runs so that the next use opens it with the remote stores the settings now name. Nothing
   * is lost: SQLite is the source of truth and the remote stores catch up from it.
   */
  reconnectRemoteStores(why: string): Promise<void> {
    return this.serialize(async () => {
      if (!this.index && !this.opening) return;
      this.log.info(`${why}: reconnecting the stores`);
      await this.opening?.catch(() => undefined);
      await this.closeIndex();
      if (!(await this.current().catch((error) => this.fail(error, 'reopening the index', true)))) this.remoteStatusEmitter.fire([]);
      this.changeEmitter.fire();
    });
  }

  uriOf(fileKey: string): vscode.Uri | undefined {
    const folders = this.fileFolders();
    if (folders.length === 0) return undefined;
    if (folders.length === 1) return vscode.Uri.joinPath(folders[0].uri, ...fileKey.split('/'));
    const [folderName, ...rest] = fileKey.split('/');
    const folder = folders.find((candidate) => path.basename(path.resolve(candidate.uri.fsPath)) === folderName);
    return folder && rest.length > 0 ? vscode.Uri.joinPath(folder.uri, ...rest) : undefined;
  }

  keyOf(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return fileKeyFor(this.roots(), path.resolve(folder.uri.fsPath), uri.fsPath);
  }

  /** Fires onDidChange without touching the index, so views re-read it. */
  refresh(): void {
    this.changeEmitter.fire();
  }

  /**
   * Runs the indexer over the workspace folders (unchanged files are skipped by size and mtime). Resolves to the
   * run's report, or undefined when there is no workspace or the run failed (the failure is shown and logged).
   */
  indexWorkspace(options: IndexWorkspaceOptions): Promise<IndexReport | undefined> {
    this.wasCleared = false;
    if (this.queuedRun) {
      this.queuedRun.notify ||= options.notify;
      return this.queuedRun.promise;
    }
    const queued: QueuedRun = { notify: options.notify, promise: Promise.resolve(undefined) };
    queued.promise = this.serialize(() => {
      this.queuedRun = undefined;
      return this.runIndex(queued.notify);
    });
    this.queuedRun = queued;
    return queued.promise;
  }

  /**
   * Closes the index, deletes its database (or, when it was found corrupt, moves it aside for inspection) and indexes
   * the workspace from scratch with a progress notification.
   */
  async rebuild(): Promise<IndexReport | undefined> {
    this.activeRunAbort?.abort();
    const removed = await this.serialize(() => this.discardDatabase('rebuild'));
    if (!removed) return undefined;
    return this.indexWorkspace({ notify: true });
  }

  /**
   * Closes the index and deletes its database. Until the next index run current() resolves to undefined and file
   * events are ignored, so nothing recreates the database behind the user's back.
   */
  async clear(): Promise<boolean> {
    this.activeRunAbort?.abort();
    const removed = await this.serialize(() => this.discardDatabase('clear'));
    if (removed) this.wasCleared = true;
    return removed;
  }

  /**
   * Shows an error with the action that fixes it (model folder -> Open Settings, corrupt database -> Rebuild Index)
   * and logs it with what was being done. Background failures that repeat are logged but not shown again.
   */
  showError(error: unknown, doing: string, options: { background?: boolean } = {}): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`${doing}: ${error instanceof Error && error.stack ? error.stack : message}`);
    const action = errorAction(error);
    if (options.background && message === this.lastShownError) return;
    this.lastShownError = message;
    void vscode.window.showErrorMessage(`cvPRD: ${message}`, action).then((chosen) => {
      if (chosen) void this.runErrorAction(chosen, error);
    });
  }

  private async runErrorAction(action: ErrorAction, error: unknown): Promise<void> {
    if (action === 'Rebuild Index') await this.rebuild();
    else if (action === 'Show Log') this.log.show(true);
    else await vscode.commands.executeCommand('workbench.action.openSettings', settingToFix(error));
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private indexInBackground(why: string): void {
    this.log.info(why);
    void this.indexWorkspace({ notify: false });
  }

  private async runIndex(notify: boolean): Promise<IndexReport | undefined> {
    if (this.closing) return undefined;
    let index: PrdIndex | undefined;
    try {
      index = await this.current();
    } catch (error) {
      this.fail(error, 'opening the index', !notify);
      return undefined;
    }
    if (!index) return undefined;
    const abort = new AbortController();
    this.activeRunAbort = abort;
    const options: IndexRunOptions = {
      roots: this.roots(),
      include: this.config.include,
      exclude: this.config.exclude,
      maxFileBytes: this.config.maxFileSize,
      relatedK: this.config.relatedCount,
      relatedThreshold: this.config.relatedThreshold,
      signal: abort.signal,
    };
    this.setState({ kind: 'indexing', done: 0, total: 0 });
    const firstRun = this.report === undefined;
    let report: IndexReport;
    try {
      report = notify ? await this.indexWithNotification(index, options, abort) : await index.index({ ...options, onProgress: (progress) => this.onProgress(progress) });
    } catch (error) {
      this.fail(error, 'indexing the workspace', !notify);
      return undefined;
    } finally {
      if (this.activeRunAbort === abort) this.activeRunAbort = undefined;
    }
    this.report = { finishedAt: new Date(), report };
    this.lastShownError = undefined;
    this.logReport(report);
    this.setState({ kind: 'idle', requirementCount: index.store.stats().requirements });
    if (notify && report.filesFailed > 0) {
      void vscode.window.showWarningMessage(`cvPRD: ${report.filesFailed} PRD file(s) could not be indexed; the rest were.`, 'Show Log')
        .then((chosen) => { if (chosen) this.log.show(true); });
    }
    if (firstRun || report.filesIndexed + report.filesRemoved + report.filesFailed > 0) this.changeEmitter.fire();
    return report;
  }

  private indexWithNotification(index: PrdIndex, options: IndexRunOptions, abort: AbortController): Thenable<IndexReport> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'cvPRD', cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let reportedPercent = 0;
        return index.index({
          ...options,
          onProgress: (step) => {
            this.onProgress(step);
            const percent = step.total > 0 && step.phase === 'index' ? (100 * step.done) / step.total : reportedPercent;
            progress.report({ message: progressMessage(step), increment: percent - reportedPercent });
            reportedPercent = percent;
          },
        });
      },
    );
  }

  private onProgress(step: IndexProgress): void {
    if (step.phase === 'index') this.setState({ kind: 'indexing', done: step.done, total: step.total });
  }

  private logReport(report: IndexReport): void {
    for (const warning of report.warnings) this.log.warn(`${warning.file}: ${warning.message}`);
    for (const problem of report.errors) this.log.error(`${problem.file}: ${problem.message}`);
    if (report.cancelled) this.log.info('the index run was cancelled; the files indexed so far are kept');
  }

  private fail(error: unknown, doing: string, background: boolean): void {
    const action = errorAction(error);
    this.setState({ kind: 'error', message: error instanceof Error ? error.message : String(error), action, setting: action === 'Open Settings' ? settingToFix(error) : undefined });
    this.showError(error, doing, { background });
  }

  private discardDatabase(why: 'rebuild' | 'clear'): Promise<boolean> {
    const removal = this.removeDatabase(why).finally(() => {
      if (this.removingDatabase === removal) this.removingDatabase = undefined;
    });
    this.removingDatabase = removal;
    return removal;
  }

  private async removeDatabase(why: 'rebuild' | 'clear'): Promise<boolean> {
    const dbPath = this.dbPath;
    if (!dbPath) return false;
    // An open in progress must finish before its database goes; its failure is reported to whoever asked for it.
    await this.opening?.catch(() => undefined);
    await this.closeIndex();
    try {
      if (why === 'rebuild' && this.corruptDatabaseSeen && fs.existsSync(dbPath)) {
        const { moveAsideCorruptDatabase } = await import('../core/store/prd-store');
        this.log.warn(`moved the unreadable index aside to ${moveAsideCorruptDatabase(dbPath)}`);
      } else {
        for (const suffix of ['', '-wal', '-shm']) await fs.promises.rm(dbPath + suffix, { force: true });
        this.log.info(`deleted the index ${dbPath} (${why})`);
      }
    } catch (error) {
      this.fail(error, `removing the index database for a ${why}`, false);
      return false;
    }
    this.corruptDatabaseSeen = false;
    this.report = undefined;
    this.setState({ kind: 'idle', requirementCount: undefined });
    this.changeEmitter.fire();
    return true;
  }

  private async closeIndex(): Promise<void> {
    const index = this.index;
    this.index = undefined;
    this.openedWith = undefined;
    this.remoteStatusSubscription?.dispose();
    this.remoteStatusSubscription = undefined;
    await index?.close();
  }

  private onConfigChange(change: ConfigChange): void {
    if (REMOTE_STORE_SETTINGS.some((key) => change.affects(key))) void this.reconnectRemoteStores('the remote store settings changed');
    if (DISCOVERY_SETTINGS.some((key) => change.affects(key))) {
      this.matchers = undefined;
      if (this.index) this.indexInBackground('the include / exclude settings changed');
    }
    if (!REBUILD_SETTINGS.some((key) => change.affects(key)) || !this.openedWith || this.openedWith === this.rebuildRelevantSettings()) return;
    this.log.info('settings the index was built with changed; asking for a rebuild');
    void vscode.window.showInformationMessage('cvPRD: the changed settings take effect once the index is rebuilt.', 'Rebuild Index')
      .then((chosen) => { if (chosen) void this.rebuild(); });
  }

  private rebuildRelevantSettings(): string {
    return JSON.stringify([this.config.modelDir, this.config.idPatterns ?? null, this.config.relatedThreshold, this.config.relatedCount]);
  }

  private setState(state: IndexState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  private fileFolders(): readonly vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  }

  /** The index roots exactly as the core's discovery sees them (their order and count decide the file keys). */
  private roots(): string[] {
    return this.fileFolders().map((folder) => path.resolve(folder.uri.fsPath));
  }

  private watchFolders(): void {
    this.folderWatchers.forEach((watcher) => watcher.dispose());
    this.folderWatchers = this.fileFolders().map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*.{md,docx}'));
      watcher.onDidCreate((uri) => this.onFileEvent(uri));
      watcher.onDidChange((uri) => this.onFileEvent(uri));
      watcher.onDidDelete((uri) => this.onFileEvent(uri));
      return watcher;
    });
  }

  private onFileEvent(uri: vscode.Uri): void {
    if (this.wasCleared || this.closing || !this.isPrdFile(uri)) return;
    const key = uri.toString();
    clearTimeout(this.fileTimers.get(key));
    this.fileTimers.set(key, setTimeout(() => {
      this.fileTimers.delete(key);
      this.log.debug(`changed: ${uri.fsPath}`);
      void this.indexWorkspace({ notify: false });
    }, FILE_EVENT_DEBOUNCE_MS));
  }

  /** The discovery's include / exclude rules (not .gitignore: the run itself applies that) on a changed file. */
  private isPrdFile(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || uri.scheme !== 'file') return false;
    const relative = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
    this.matchers ??= {
      include: picomatch(this.config.include, { dot: false, nocase: true }),
      exclude: picomatch(this.config.exclude, { dot: true }),
    };
    const { include, exclude } = this.matchers;
    if (!include(relative) && !include(`${path.basename(folder.uri.fsPath)}/${relative}`)) return false;
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folderPath = parts.slice(0, depth).join('/');
      if (exclude(`${folderPath}/`) || exclude(`${folderPath}/x`)) return false;
    }
    return !exclude(relative);
  }

  /** Stops watching, cancels a running index run, lets it stop, and closes the index and the model process. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.activeRunAbort?.abort();
      this.fileTimers.forEach((timer) => clearTimeout(timer));
      this.fileTimers.clear();
      this.folderWatchers.forEach((watcher) => watcher.dispose());
      this.subscriptions.forEach((subscription) => subscription.dispose());
      await this.tail;
      // Its failure is reported to whoever asked for the index.
      await this.opening?.catch(() => undefined);
      await this.closeIndex();
    })();
    return this.closing;
  }

  dispose(): void {
    void this.close();
  }
}

function errorAction(error: unknown): ErrorAction {
  switch ((error as Error | undefined)?.name) {
    case 'ModelUnavailableError':
    case 'InvalidIdPatternError':
      return 'Open Settings';
    case 'StoreCorruptError':
      return 'Rebuild Index';
    default:
      return 'Show Log';
  }
}

function settingToFix(error: unknown): string {
  return `${SECTION}.${(error as Error | undefined)?.name === 'InvalidIdPatternError' ? SETTING.idPatterns : SETTING.modelPath}`;
}

function progressMessage(step: IndexProgress): string {
  switch (step.phase) {
    case 'discover':
      return 'Finding PRD files…';
    case 'index':
      return `Indexing PRDs ${step.done}/${step.total}`;
    case 'related':
      return 'Relating PRDs…';
    case 'done':
      return 'Done';
  }
}

/** The service behind a FeatureContext's index, for the features that control indexing (commands, status bar). */
export function indexServiceOf(index: WorkspaceIndex): WorkspaceIndexService {
  if (!(index instanceof WorkspaceIndexService)) throw new Error('cvPRD: expected the WorkspaceIndexService that activate() creates');
  return index;
}
