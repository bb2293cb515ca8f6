// What the explorer and the editor features read from the index, derived once per snapshot: each PRD's heading tree
// with its requirements, and requirement definitions by ID. PrdIndex hands out the same snapshot object until the
// index changes, so a WeakMap keyed by it caches exactly one model per index generation.
import { requirementKey } from '../../core/graph/requirement-graph';
import type { IndexSnapshot, StoredPrd, StoredRequirement, StoredSection } from '../../core/types';

export interface OutlineSection {
  kind: 'section';
  section: StoredSection;
  children: OutlineEntry[];
  /** Requirements anywhere below this section. */
  requirementCount: number;
}

export interface OutlineRequirement {
  kind: 'requirement';
  requirement: StoredRequirement;
  /** The GraphNode key (`req:<file>::<id>`) commands such as cvprd.showDependencies accept. */
  key: string;
  /** False for a second definition of the same ID in one PRD (the graph and the validator keep the first). */
  firstInFile: boolean;
  /** What a requirement heading contains: sub-headings and the requirements listed under it. */
  children: OutlineEntry[];
  requirementCount: number;
}

export type OutlineEntry = OutlineSection | OutlineRequirement;

export interface PrdOutline {
  kind: 'prd';
  prd: StoredPrd;
  file: string;
  title: string;
  /** Top-level headings (usually the one H1) and requirements outside any heading. */
  entries: OutlineEntry[];
  requirementCount: number;
}

export interface PrdModel {
  /** Every PRD, sorted by title, then file. */
  prds: PrdOutline[];
  outline(file: string): PrdOutline | undefined;
  /** The requirements of a file in line order, duplicates included. */
  requirementsIn(file: string): OutlineRequirement[];
  /** Requirement ID -> its first definition in each PRD that defines it, sorted by file. */
  definitionsById: ReadonlyMap<string, OutlineRequirement[]>;
}

const models = new WeakMap<IndexSnapshot, PrdModel>();

export function prdModelOf(snapshot: IndexSnapshot): PrdModel {
  let model = models.get(snapshot);
  if (!model) models.set(snapshot, (model = buildModel(snapshot)));
  return model;
}

function buildModel(snapshot: IndexSnapshot): PrdModel {
  const sectionsByFile = groupByFile(snapshot.sections);
  const requirementsByFile = groupByFile(snapshot.requirements);
  const outlines = new Map<string, PrdOutline>();
  const requirementEntries = new Map<string, OutlineRequirement[]>();
  const firstDefinitions: OutlineRequirement[] = [];

  for (const prd of snapshot.prds) {
    const { outline, requirements } = buildOutline(prd, sectionsByFile.get(prd.file) ?? [], requirementsByFile.get(prd.file) ?? []);
    outlines.set(prd.file, outline);
    requirementEntries.set(prd.file, requirements);
    firstDefinitions.push(...requirements.filter((entry) => entry.firstInFile));
  }

  const definitionsById = new Map<string, OutlineRequirement[]>();
  for (const entry of firstDefinitions.sort((a, b) => compare(a.requirement.file, b.requirement.file))) {
    const list = definitionsById.get(entry.requirement.id);
    if (list) list.push(entry);
    else definitionsById.set(entry.requirement.id, [entry]);
  }

  const prds = [...outlines.values()].sort((a, b) => a.title.localeCompare(b.title) || compare(a.file, b.file));
  return {
    prds,
    outline: (file) => outlines.get(file),
    requirementsIn: (file) => requirementEntries.get(file) ?? [],
    definitionsById,
  };
}

function buildOutline(prd: StoredPrd, sections: StoredSection[], requirements: StoredRequirement[]): { outline: PrdOutline; requirements: OutlineRequirement[] } {
  const byLine = <T extends { lines: { start: number } }>(a: T, b: T) => a.lines.start - b.lines.start;
  const sectionsInOrder = [...sections].sort(byLine);
  const requirementsInOrder = [...requirements].sort(byLine);
  const sectionStarts = new Map(sectionsInOrder.map((section) => [section.key, section.lines.start]));

  // A requirement written as a heading ("### FR-010: Local event store") stands for its heading's section: the tree
  // shows the requirement there instead of a section holding only itself.
  const entryOfSection = new Map<string, OutlineEntry>();
  const seenIds = new Set<string>();
  const requirementList: OutlineRequirement[] = [];
  const looseRequirements: OutlineRequirement[] = [];
  for (const requirement of requirementsInOrder) {
    const entry: OutlineRequirement = {
      kind: 'requirement', requirement, key: requirementKey(requirement.file, requirement.id),
      firstInFile: !seenIds.has(requirement.id), children: [], requirementCount: 0,
    };
    seenIds.add(requirement.id);
    requirementList.push(entry);
    const isHeadingOfItsSection = requirement.source === 'heading' && sectionStarts.get(requirement.sectionKey) === requirement.lines.start;
    if (isHeadingOfItsSection && !entryOfSection.has(requirement.sectionKey)) entryOfSection.set(requirement.sectionKey, entry);
    else looseRequirements.push(entry);
  }
  for (const section of sectionsInOrder) {
    if (!entryOfSection.has(section.key)) entryOfSection.set(section.key, { kind: 'section', section, children: [], requirementCount: 0 });
  }

  const topLevel: OutlineEntry[] = [];
  const attach = (parentKey: string | undefined, entry: OutlineEntry) => {
    const parent = parentKey !== undefined ? entryOfSection.get(parentKey) : undefined;
    (parent && parent !== entry ? parent.children : topLevel).push(entry);
  };
  for (const section of sectionsInOrder) attach(section.parentKey, entryOfSection.get(section.key)!);
  for (const entry of looseRequirements) attach(entry.requirement.sectionKey, entry);

  const entries = sortAndCount(topLevel);
  return {
    outline: { kind: 'prd', prd, file: prd.file, title: prd.meta.title || prd.file, entries, requirementCount: requirementList.length },
    requirements: requirementList,
  };
}

/** Sorts every level by line and fills in requirementCount; returns the entries. */
function sortAndCount(entries: OutlineEntry[]): OutlineEntry[] {
  entries.sort((a, b) => lineOf(a) - lineOf(b));
  for (const entry of entries) {
    sortAndCount(entry.children);
    entry.requirementCount = entry.children.reduce((sum, child) => sum + child.requirementCount + (child.kind === 'requirement' ? 1 : 0), 0);
  }
  return entries;
}

function lineOf(entry: OutlineEntry): number {
  return entry.kind === 'section' ? entry.section.lines.start : entry.requirement.lines.start;
}

function groupByFile<T extends { file: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.file);
    if (group) group.push(row);
    else groups.set(row.file, [row]);
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
