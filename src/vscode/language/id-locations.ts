// Where requirement IDs sit on the lines of a document. The index stores lines, not columns; the editor wants ranges.
import * as vscode from 'vscode';

function idPattern(id: string): RegExp {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Whole IDs only: FR-010 is not inside FR-0101, XFR-010 or FR-010-A.
  return new RegExp(`(?<![A-Za-z0-9-])${escaped}(?![A-Za-z0-9]|-[A-Za-z0-9])`, 'g');
}

/** The columns at which `id` occurs as a whole ID in a line. */
export function idColumns(lineText: string, id: string): number[] {
  return [...lineText.matchAll(idPattern(id))].map((match) => match.index!);
}

/** The ranges of `id` on a 0-based line of a document; the whole line when the ID is not (or no longer) there. */
export function idRangesOnLine(lineText: string, line: number, id: string): vscode.Range[] {
  const columns = idColumns(lineText, id);
  if (columns.length === 0) return [new vscode.Range(line, 0, line, lineText.length)];
  return columns.map((column) => new vscode.Range(line, column, line, column + id.length));
}

/**
 * The line of a document where `id` is, looking first at the line the index recorded (0-based) and then outward,
 * so that lines shifted by unsaved edits still find their ID. Undefined when the document no longer mentions it.
 */
export function findIdLine(document: vscode.TextDocument, id: string, indexedLine: number): number | undefined {
  const pattern = idPattern(id);
  const mentions = (line: number) => {
    pattern.lastIndex = 0;
    return pattern.test(document.lineAt(line).text);
  };
  const last = document.lineCount - 1;
  const start = Math.min(Math.max(indexedLine, 0), last);
  for (let distance = 0; start - distance >= 0 || start + distance <= last; distance++) {
    if (start - distance >= 0 && mentions(start - distance)) return start - distance;
    if (distance > 0 && start + distance <= last && mentions(start + distance)) return start + distance;
  }
  return undefined;
}

/**
 * Reads lines of workspace files for one request: open documents as the editor has them (unsaved edits included),
 * other files from disk, each file once.
 */
export class LineReader {
  private readonly files = new Map<string, Promise<string[] | undefined>>();

  /** The text of a 0-based line, or undefined when the file cannot be read or is shorter. */
  async line(uri: vscode.Uri, line: number): Promise<string | undefined> {
    const key = uri.toString();
    let lines = this.files.get(key);
    if (!lines) this.files.set(key, (lines = readLines(uri)));
    return (await lines)?.[line];
  }
}

async function readLines(uri: vscode.Uri): Promise<string[] | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText().split(/\r?\n/);
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).split(/\r?\n/);
  } catch {
    // A file deleted since it was indexed: its locations fall back to the start of the recorded line.
    return undefined;
  }
}
