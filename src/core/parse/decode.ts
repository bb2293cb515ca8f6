import type { ParseWarning } from '../types';

export type DecodeResult = { text: string; warnings: ParseWarning[] } | { error: string };

const SNIFF_BYTES = 8192;

/** Turns a file's bytes into PRD text: rejects binaries, tolerates bad UTF-8, strips a BOM, normalises line ends. */
export function decodePrdBytes(file: string, bytes: Buffer): DecodeResult {
  const warnings: ParseWarning[] = [];
  let text: string;
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes);
  } else {
    if (looksBinary(bytes)) return { error: `${file}: binary file, skipped` };
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('utf-8').decode(bytes);
      const at = text.indexOf('\uFFFD');
      const line = at < 0 ? 1 : lineOfOffset(text, at);
      warnings.push({ file, line, message: `${file}: invalid UTF-8 (first bad byte on line ${line}); undecodable bytes shown as U+FFFD` });
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  return { text, warnings };
}

function looksBinary(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return n > 0 && control / n > 0.1;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
