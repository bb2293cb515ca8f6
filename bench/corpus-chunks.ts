// The corpus parsed exactly as the indexer parses it (discovery -> decode -> parse), for the benchmark's synthetic
// scaling and for the texts the Python peer embeds.
import * as fs from 'node:fs';
import { discoverPrdFiles } from '../src/core/discovery';
import { loadTokenCounter } from '../src/core/embed';
import { decodePrdBytes, defaultParseOptions, parsePrd } from '../src/core/parse';
import type { ParsedPrd } from '../src/core/types';

export async function parseCorpus(root: string, modelDir: string): Promise<ParsedPrd[]> {
  const parseOptions = defaultParseOptions(await loadTokenCounter(modelDir));
  const prds: ParsedPrd[] = [];
  for (const file of discoverPrdFiles([root]).files) {
    const decoded = decodePrdBytes(file.key, fs.readFileSync(file.absPath));
    if ('error' in decoded) continue;
    prds.push(parsePrd(file.key, decoded.text, parseOptions));
  }
  return prds;
}
