import * as vscode from 'vscode';
import type { LineRange } from '../../core/types';
import type { WorkspaceIndex } from '../workspace-index';

/**
 * Opens an indexed file and selects lines start..end (1-based, inclusive), revealed in the middle of the editor.
 * Word files open in whatever editor VS Code has for them, without a selection. viewColumn: where (default the active group).
 */
export async function openLocation(
  index: WorkspaceIndex, fileKey: string, lines?: Partial<LineRange>, viewColumn?: vscode.ViewColumn,
): Promise<vscode.TextEditor | undefined> {
  const uri = index.uriOf(fileKey);
  if (!uri) throw new Error(`${fileKey} is not in any open workspace folder.`);
  if (fileKey.toLowerCase().endsWith('.docx')) {
    await vscode.commands.executeCommand('vscode.open', uri);
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const lastLine = document.lineCount - 1;
  const start = Math.min(Math.max((lines?.start ?? 1) - 1, 0), lastLine);
  const end = Math.min(Math.max((lines?.end ?? lines?.start ?? 1) - 1, start), lastLine);
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  const editor = await vscode.window.showTextDocument(document, { preview: true, viewColumn });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
