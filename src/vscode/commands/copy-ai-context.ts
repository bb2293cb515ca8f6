import * as vscode from 'vscode';
import { openIndexOrExplain, type CommandDeps } from './command-deps';
import { targetRequirement } from './target-requirement';

/**
 * cvprd.copyAiContext: the requirement with its dependencies, verifiers and related text, as cited Markdown, on the
 * clipboard. Resolves to the copied text.
 */
export async function copyAiContext(deps: CommandDeps, argument?: unknown): Promise<string | undefined> {
  const index = await openIndexOrExplain(deps);
  if (!index) return undefined;
  const node = targetRequirement(index, deps.index, argument);
  if (!node?.requirementId) return undefined;
  const text = await index.context(`${node.file}::${node.requirementId}`);
  await vscode.env.clipboard.writeText(text);
  const { loadTokenCounter } = await import('../../core/embed/token-counter');
  const countTokens = await loadTokenCounter(deps.config.modelDir);
  const message = `Copied context for ${node.requirementId} (${countTokens(text).toLocaleString('en-US')} tokens)`;
  deps.log.info(message);
  void vscode.window.showInformationMessage(message);
  return text;
}
