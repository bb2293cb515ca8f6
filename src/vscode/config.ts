import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_BYTES } from '../core/discovery';
import { defaultModelDir } from '../core/embed/model-dir';
import type { SeverityOption } from '../core/graph/validate';
import { defaultRemoteName } from '../core/backends/remote-names';
import type { RemoteStoresConfig } from '../core/backends/remote-stores';
import type { SearchMode } from '../core/types';

export type RemoteStoreSettings = Required<Pick<RemoteStoresConfig, 'vectorStore' | 'graphStore' | 'qdrant' | 'falkordb'>>;

export const SECTION = 'cvprd';

/** Setting keys below `cvprd.`, as the manifest declares them. */
export const SETTING = {
  include: 'include',
  exclude: 'exclude',
  maxFileSize: 'maxFileSize',
  idPatterns: 'idPatterns',
  modelPath: 'modelPath',
  searchMode: 'search.mode',
  resultCount: 'search.resultCount',
  relatedThreshold: 'related.threshold',
  relatedCount: 'related.count',
  unverifiedSeverity: 'validation.unverifiedRequirements',
  crossPrdDuplicates: 'validation.crossPrdDuplicates',
  codeLensEnabled: 'codeLens.enabled',
  vectorStore: 'vectorStore',
  graphStore: 'graphStore',
  qdrantUrl: 'qdrant.url',
  qdrantCollection: 'qdrant.collection',
  falkordbUrl: 'falkordb.url',
  falkordbGraphName: 'falkordb.graphName',
  remoteTimeoutMs: 'remote.timeoutMs',
} as const;

/** The settings that choose and address the remote stores: changing one reconnects them. */
export const REMOTE_STORE_SETTINGS = [
  SETTING.vectorStore, SETTING.graphStore, SETTING.qdrantUrl, SETTING.qdrantCollection, SETTING.falkordbUrl,
  SETTING.falkordbGraphName, SETTING.remoteTimeoutMs,
] as const;

export interface ConfigChange {
  /** True when the change touches `cvprd.<key>`; `exclude` also reacts to `files.exclude`. */
  affects(key: string): boolean;
}

/**
 * The `cvprd.*` settings, typed. Getters read the live configuration, so a value is never stale; onDidChange tells
 * features when to re-read. Workspace trust is applied here: untrusted workspaces always get the bundled model.
 */
export class Config implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ConfigChange>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly extensionPath: string) {
    this.subscriptions = [
      this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(SECTION) && !event.affectsConfiguration('files.exclude')) return;
        this.changeEmitter.fire({
          affects: (key) => event.affectsConfiguration(`${SECTION}.${key}`)
            || (key === SETTING.exclude && event.affectsConfiguration('files.exclude')),
        });
      }),
      // Trust changes which model folder and stores count: the workspace's settings for them only apply once trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changeEmitter.fire({
        affects: (key) => key === SETTING.modelPath || (REMOTE_STORE_SETTINGS as readonly string[]).includes(key),
      })),
    ];
  }

  private get settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get include(): string[] {
    return stringList(this.settings.get(SETTING.include), DEFAULT_INCLUDE);
  }

  /** cvprd.exclude plus the files.exclude patterns set to true (each also covering what is below it). */
  get exclude(): string[] {
    const own = stringList(this.settings.get(SETTING.exclude), DEFAULT_EXCLUDE);
    // files.exclude is resource-scoped: read it per workspace folder (the core applies one exclude list to every root).
    const scopes = vscode.workspace.workspaceFolders?.map((folder) => folder.uri) ?? [undefined];
    const hidden = scopes.flatMap((scope) => {
      const filesExclude = vscode.workspace.getConfiguration('files', scope).get<Record<string, unknown>>('exclude') ?? {};
      return Object.entries(filesExclude).filter(([, on]) => on === true).flatMap(([glob]) => [glob, `${glob}/**`]);
    });
    return [...new Set([...own, ...hidden])];
  }

  get maxFileSize(): number {
    const value = this.settings.get<number>(SETTING.maxFileSize);
    return typeof value === 'number' && value > 0 ? value : DEFAULT_MAX_FILE_BYTES;
  }

  /** undefined when the setting is empty: the core's default ID shapes apply. */
  get idPatterns(): string[] | undefined {
    const patterns = stringList(this.settings.get(SETTING.idPatterns), []);
    return patterns.length > 0 ? patterns : undefined;
  }

  get bundledModelDir(): string {
    return defaultModelDir(this.extensionPath);
  }

  /** The model folder in effect: the setting (absolute, `~/`, or relative to the first workspace folder) or the bundled one. */
  get modelDir(): string {
    const configured = (this.settings.get<string>(SETTING.modelPath) ?? '').trim();
    if (!vscode.workspace.isTrusted || configured === '') return this.bundledModelDir;
    if (configured === '~' || configured.startsWith('~/')) return path.join(os.homedir(), configured.slice(1));
    if (path.isAbsolute(configured)) return configured;
    const firstFolder = vscode.workspace.workspaceFolders?.[0];
    return firstFolder ? path.resolve(firstFolder.uri.fsPath, configured) : path.resolve(configured);
  }

  get searchMode(): SearchMode {
    const value = this.settings.get<string>(SETTING.searchMode);
    return value === 'semantic' || value === 'keyword' ? value : 'hybrid';
  }

  get resultCount(): number {
    return clampInteger(this.settings.get(SETTING.resultCount), 20, 1, 200);
  }

  get relatedThreshold(): number {
    const value = this.settings.get<number>(SETTING.relatedThreshold);
    return typeof value === 'number' && value >= 0 && value <= 1 ? value : 0.6;
  }

  get relatedCount(): number {
    return clampInteger(this.settings.get(SETTING.relatedCount), 5, 0, 50);
  }

  get unverifiedSeverity(): SeverityOption {
    return severity(this.settings.get(SETTING.unverifiedSeverity), 'info');
  }

  get crossPrdDuplicates(): SeverityOption {
    return severity(this.settings.get(SETTING.crossPrdDuplicates), 'off');
  }

  get codeLensEnabled(): boolean {
    return this.settings.get<boolean>(SETTING.codeLensEnabled) ?? true;
  }

  /**
   * The remote stores as chosen in settings, without secrets (they come from SecretStorage). Untrusted workspaces
   * always get the embedded stores: a workspace setting must not send the index to a server it names.
   */
  get remoteStores(): RemoteStoreSettings {
    const trusted = vscode.workspace.isTrusted;
    const name = (key: string) => (this.settings.get<string>(key) ?? '').trim() || this.defaultRemoteName;
    const timeoutMs = clampInteger(this.settings.get(SETTING.remoteTimeoutMs), 5000, 100, 120_000);
    return {
      vectorStore: trusted && this.settings.get<string>(SETTING.vectorStore) === 'qdrant' ? 'qdrant' : 'embedded',
      graphStore: trusted && this.settings.get<string>(SETTING.graphStore) === 'falkordb' ? 'falkordb' : 'embedded',
      qdrant: { url: (this.settings.get<string>(SETTING.qdrantUrl) ?? '').trim(), collection: name(SETTING.qdrantCollection), timeoutMs },
      falkordb: { url: (this.settings.get<string>(SETTING.falkordbUrl) ?? '').trim(), graphName: name(SETTING.falkordbGraphName), timeoutMs },
    };
  }

  /** cvprd-<first folder>-<hash of its path>: distinct per repository on a shared server. */
  private get defaultRemoteName(): string {
    const firstFolder = vscode.workspace.workspaceFolders?.[0];
    return defaultRemoteName(firstFolder ? firstFolder.uri.fsPath : 'workspace');
  }

  dispose(): void {
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

function stringList(value: unknown, fallback: readonly string[]): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '') : [...fallback];
}

function clampInteger(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function severity(value: unknown, fallback: SeverityOption): SeverityOption {
  return value === 'error' || value === 'warning' || value === 'info' || value === 'off' ? value : fallback;
}
