// The IndexSnapshot the store would hold for some parsed PRDs (without chunks' embeddings or RELATED_TO pairs,
// which need the model): enough to build the requirements graph with the real parser and builder.
import type { IndexSnapshot, ParsedPrd } from '../../src/core/types';

export function snapshotOfParsed(prds: readonly ParsedPrd[]): IndexSnapshot {
  const snapshot: IndexSnapshot = { prds: [], sections: [], requirements: [], references: [], fileLinks: [], chunks: [], related: [] };
  for (const { file, meta, sections, requirements, references, fileLinks } of prds) {
    snapshot.prds.push({ file, meta });
    snapshot.sections.push(...sections.map((s) => ({ ...s, file })));
    snapshot.requirements.push(...requirements.map((r) => ({ ...r, file })));
    snapshot.references.push(...references.map((r) => ({ ...r, file })));
    snapshot.fileLinks.push(...fileLinks.map((l) => ({ ...l, file })));
  }
  return snapshot;
}
