import type * as vscode from 'vscode';
import type { Config } from '../config';
import type { WorkspaceIndex } from '../workspace-index';
import { registerCommands } from './commands';
import { registerDiagnostics } from './diagnostics';
import { registerLanguageFeatures } from './language-features';
import { registerPrdExplorer } from './prd-explorer';
import { registerStatusBar } from './status-bar';
import { registerGraphPanel } from '../webviews/graph-panel';
import { registerSearchView } from '../webviews/search-view';

/** What every feature gets from activate(); each registers its disposables in context.subscriptions. */
export interface FeatureContext {
  context: vscode.ExtensionContext;
  index: WorkspaceIndex;
  config: Config;
  log: vscode.LogOutputChannel;
}

export type Feature = (features: FeatureContext) => void;

/** Registered once each, in this order, by activate(). */
export const FEATURES: Feature[] = [registerCommands, registerStatusBar, registerPrdExplorer, registerDiagnostics, registerLanguageFeatures, registerSearchView, registerGraphPanel];
