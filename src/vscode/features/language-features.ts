import * as vscode from 'vscode';
import { SETTING } from '../config';
import { RequirementCodeLensProvider } from '../language/code-lens';
import { COMPLETION_TRIGGER_CHARACTERS, RequirementCompletionProvider } from '../language/completion';
import { RequirementHoverProvider } from '../language/hover';
import { RequirementDefinitionProvider, RequirementReferenceProvider } from '../language/navigation';
import { PrdDocumentSymbolProvider, RequirementWorkspaceSymbolProvider } from '../language/symbols';
import type { Feature } from './index';

/** Any markdown: IDs mentioned in notes outside the PRDs resolve too; the providers map documents with index.keyOf. */
const MARKDOWN: vscode.DocumentSelector = [{ language: 'markdown', scheme: 'file' }, { language: 'markdown', scheme: 'vscode-remote' }];

/** Hover, definition, references, completion, CodeLens and symbols on requirement IDs in markdown. */
export const registerLanguageFeatures: Feature = ({ context, index, config, log }) => {
  const codeLens = new RequirementCodeLensProvider(index, config);
  context.subscriptions.push(
    codeLens,
    vscode.languages.registerHoverProvider(MARKDOWN, new RequirementHoverProvider(index, log)),
    vscode.languages.registerDefinitionProvider(MARKDOWN, new RequirementDefinitionProvider(index, log)),
    vscode.languages.registerReferenceProvider(MARKDOWN, new RequirementReferenceProvider(index, log)),
    vscode.languages.registerCompletionItemProvider(MARKDOWN, new RequirementCompletionProvider(index, log), ...COMPLETION_TRIGGER_CHARACTERS),
    vscode.languages.registerCodeLensProvider(MARKDOWN, codeLens),
    vscode.languages.registerDocumentSymbolProvider(MARKDOWN, new PrdDocumentSymbolProvider(index), { label: 'cvPRD' }),
    vscode.languages.registerWorkspaceSymbolProvider(new RequirementWorkspaceSymbolProvider(index, log)),
    index.onDidChange(() => codeLens.refresh()),
    config.onDidChange((change) => {
      if (change.affects(SETTING.codeLensEnabled)) codeLens.refresh();
    }),
  );
};
