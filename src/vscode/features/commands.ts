import * as vscode from 'vscode';
import type { CommandDeps } from '../commands/command-deps';
import { copyAiContext } from '../commands/copy-ai-context';
import { exportGraph } from '../commands/export-graph';
import { clearIndex, indexWorkspace, rebuildIndex, showIndexStatus, validatePrds } from '../commands/index-commands';
import { newPrd } from '../commands/new-prd';
import { openLocation } from '../commands/open-location';
import { checkStoreConnections, setFalkorDbPassword, setQdrantApiKey, syncRemoteStores } from '../commands/remote-store-commands';
import { findSimilar, showDependencies, showImpact } from '../commands/requirement-links';
import { searchPrds, searchSelection } from '../commands/search';
import { indexServiceOf } from '../index-service';
import type { FeatureContext } from '.';

// Command arguments come from menus, links and tests, untyped.
type CommandHandler = (deps: CommandDeps, ...args: any[]) => unknown;

/** Every command of the manifest; each resolves to a value tests can check (see the functions' comments). */
const COMMANDS: Record<string, { title: string; run: CommandHandler }> = {
  'cvprd.indexWorkspace': { title: 'Index Workspace', run: indexWorkspace },
  'cvprd.rebuildIndex': { title: 'Rebuild Index', run: rebuildIndex },
  'cvprd.search': { title: 'Search PRDs', run: searchPrds },
  'cvprd.searchSelection': { title: 'Search Selection', run: searchSelection },
  'cvprd.showDependencies': { title: 'Show Dependencies of Requirement', run: showDependencies },
  'cvprd.showImpact': { title: 'Show Impact of Requirement', run: showImpact },
  'cvprd.findSimilar': { title: 'Find Similar Requirements', run: findSimilar },
  'cvprd.validate': { title: 'Validate PRDs', run: validatePrds },
  'cvprd.newPrd': { title: 'New PRD from Template', run: newPrd },
  'cvprd.copyAiContext': { title: 'Copy AI Context for Requirement', run: copyAiContext },
  'cvprd.exportGraph': { title: 'Export Graph', run: exportGraph },
  'cvprd.showIndexStatus': { title: 'Show Index Status', run: showIndexStatus },
  'cvprd.clearIndex': { title: 'Clear Index', run: clearIndex },
  'cvprd.showLog': { title: 'Show Log', run: ({ log }) => log.show() },
  'cvprd.syncRemoteStores': { title: 'Sync Remote Stores', run: syncRemoteStores },
  'cvprd.checkStoreConnections': { title: 'Check Store Connections', run: checkStoreConnections },
  'cvprd.setQdrantApiKey': { title: 'Set Qdrant API Key', run: setQdrantApiKey },
  'cvprd.setFalkorDbPassword': { title: 'Set FalkorDB Password', run: setFalkorDbPassword },
  'cvprd.explorer.refresh': { title: 'Refresh PRD Explorer', run: ({ index }) => index.refresh() },
  'cvprd.openLocation': {
    title: 'Open in Editor',
    run: ({ index }, fileKey: string, startLine?: number, endLine?: number) => openLocation(index, fileKey, { start: startLine, end: endLine }),
  },
};

/**
 * Registers the commands. A failing command shows its error with the action that fixes it (or Show Log), logs it,
 * and resolves to undefined.
 */
export function registerCommands({ context, index, config, log }: FeatureContext): void {
  const deps: CommandDeps = { index: indexServiceOf(index), config, log, secrets: context.secrets };
  for (const [id, command] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await command.run(deps, ...args);
      } catch (error) {
        deps.index.showError(error, `cvPRD: ${command.title}`);
        return undefined;
      }
    }));
  }
}
