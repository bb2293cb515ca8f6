// Reads named entries out of a zip (a jar is one) with Node alone, so set-up needs no unzip tool.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Returns a Map from each requested entry name to its bytes; throws naming the archive when one is missing. */
export function extractEntries(zipPath, names) {
  const zip = readFileSync(zipPath);
  const eocd = findEndOfCentralDirectory(zip, zipPath);
  const entryCount = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const wanted = new Set(names);
  const found = new Map();
  for (let i = 0; i < entryCount; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_SIGNATURE) throw new Error(`${zipPath}: corrupt zip central directory`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (wanted.has(name)) found.set(name, readEntry(zip, zipPath, name, localOffset, method, compressedSize, size));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  const missing = names.filter((n) => !found.has(n));
  if (missing.length) throw new Error(`${zipPath}: missing entries ${missing.join(', ')}`);
  return found;
}

function findEndOfCentralDirectory(zip, zipPath) {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw new Error(`${zipPath}: not a zip archive (no end of central directory)`);
}

function readEntry(zip, zipPath, name, localOffset, method, compressedSize, size) {
  if (zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) throw new Error(`${zipPath}: corrupt local header for ${name}`);
  const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  const raw = zip.subarray(start, start + compressedSize);
  let data;
  if (method === 0) data = Buffer.from(raw);
  else if (method === 8) data = inflateRawSync(raw);
  else throw new Error(`${zipPath}: ${name} uses unsupported compression method ${method}`);
  if (data.length !== size) throw new Error(`${zipPath}: ${name} inflated to ${data.length} bytes, expected ${size}`);
  return data;
}
