import MarkdownIt from 'markdown-it';
type Token = MarkdownIt.Token;
import path from 'node:path';
import {
  PRIORITIES, type Chunk, type ChunkType, type FileLink, type ParsedPrd, type ParseOptions, type ParseWarning, type Priority, type Reference,
  type Requirement, type Section, type Status,
} from '../types';
import { classifyChunk, classifyRequirement, type KnownHeading } from './classify';
import { splitIntoParts, type SourceLine } from './chunker';
import { readFrontMatter } from './front-matter';
import { compileIdPatterns, type CompiledIdPatterns } from './id-patterns';
import { detectPriority, detectStatus, explicitStatus, statusWord } from './markers';
import { blankCodeSpans, findMentions } from './references';
import { specificTitle, titleFromPath } from './title';

/** Key of the section holding text that comes before the first heading. */
export const PREAMBLE_KEY = '(preamble)';

// Inline parsing is the costliest step and only links need it, so the block parser skips it and
// collectLinks runs it on demand, sharing the block pass's env (which holds reference-style link definitions).
const md = new MarkdownIt({ html: true, linkify: false });
md.core.ruler.disable(['inline', 'text_join', 'replacements', 'smartquotes']);
const mdInline = new MarkdownIt({ html: true, linkify: false });

interface SectionState {
  section: Section;
  parent?: SectionState;
  /** Priority marked in this heading or an enclosing one (the front matter's is not included). */
  headingPriority?: Priority;
  /** 0-based first line of the own body (the line after the heading). */
  bodyStart: number;
  /** 0-based exclusive end of the own body (the next heading of any level). */
  bodyEnd: number;
  requirement?: RequirementState;
  status?: Status;
  headingLine: number;
  headingText: string;
}

interface RequirementState {
  req: Requirement;
  section: SectionState;
  /** Source lines of the requirement's text, for chunking with line numbers. */
  lines: SourceLine[];
  /** 0-based line ranges [start, end) the definition occupies; removed from the section's own chunk. */
  occupies: [number, number];
  /** Lines of requirements nested in this list item, left out of its text. */
  nested: [number, number][];
  parent?: RequirementState;
}

interface ListItemState {
  start: number;
  end: number;
  contentIndent: number;
  leadSeen: boolean;
  label?: string;
  req?: RequirementState;
}

interface TableState {
  start: number;
  end: number;
  headers: string[];
  inHead: boolean;
  row: string[];
  rowLine: number;
  bodyRows: number;
  requirementRows: number;
}

const TITLE_MAX = 120;

/**
 * Parses one PRD's markdown. Never throws on document content (problems become warnings); throws
 * InvalidIdPatternError when options.idPatterns holds an invalid pattern.
 */
export function parsePrd(file: string, text: string, options: ParseOptions): ParsedPrd {
  const ids = compileIdPatterns(options.idPatterns);
  return new PrdParser(file, text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, options, ids).parse();
}

class PrdParser {
  private readonly warnings: ParseWarning[] = [];
  private lines: string[] = [];
  private readonly sections: SectionState[] = [];
  private readonly requirements: RequirementState[] = [];
  private readonly references: Reference[] = [];
  private readonly fileLinks: FileLink[] = [];
  private readonly keyCounts = new Map<string, number>();
  private stack: SectionState[] = [];
  private readonly listStack: ListItemState[] = [];
  private table?: TableState;
  private readonly tables: TableState[] = [];
  private paragraphReq?: RequirementState;
  private fmPriority?: Priority;
  private fmTags: string[] = [];
  /** markdown-it's environment: holds the document's link reference definitions for on-demand inline parsing. */
  private readonly env: MarkdownIt.Env = {};

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly options: ParseOptions,
    private readonly ids: CompiledIdPatterns,
  ) {}

  parse(): ParsedPrd {
    const fm = readFrontMatter(this.file, this.text, this.warnings);
    this.fmPriority = fm.priority;
    this.fmTags = fm.tags;
    this.lines = this.text.split('\n');
    for (let i = 0; i < fm.lineCount; i++) this.lines[i] = '';
    if (!this.lines.some((l) => l.trim())) {
      this.warnings.push({ file: this.file, line: 1, message: `${this.file}: the file is empty${fm.lineCount ? ' apart from front matter' : ''}` });
    }
    const tokens = md.parse(this.lines.join('\n'), this.env);
    const firstHeading = tokens.find((t) => t.type === 'heading_open' && t.level === 0)?.map?.[0] ?? this.lines.length;
    if (this.lines.slice(0, firstHeading).some((l) => l.trim())) this.openPreamble();
    this.walk(tokens);
    this.closeSectionsDownTo(0, this.lines.length);

    const title = fm.title ?? this.titleFromHeadings() ?? titleFromPath(this.file);
    this.finishHeadingRequirements();
    this.classify();
    this.linkNestedRequirements();
    this.inheritPriorities();
    const requirements = this.requirements.map((r) => r.req);
    const sections = this.sections.map((s) => s.section);
    return {
      file: this.file,
      meta: {
        title, status: fm.status, owner: fm.owner, version: fm.version, priority: fm.priority, tags: fm.tags, frontMatter: fm.data,
      },
      sections,
      requirements,
      references: dedupeReferences(this.references),
      fileLinks: this.fileLinks,
      chunks: this.buildChunks(title),
      warnings: this.warnings,
    };
  }

  // ---- token walk ----

  private walk(tokens: Token[]): void {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.nesting === 1 && (t.level === 0 || t.type === 'paragraph_open')) this.paragraphReq = undefined;
      switch (t.type) {
        case 'heading_open':
          if (t.level === 0 && t.map) this.openSection(t.map[0], t.map[1], Number(t.tag.slice(1)), tokens[i + 1]);
          break;
        case 'list_item_open':
          this.listStack.push({ start: t.map![0], end: t.map![1], contentIndent: contentIndent(this.lines[t.map![0]] ?? ''), leadSeen: false });
          break;
        case 'list_item_close':
          this.closeListItem(this.listStack.pop()!);
          break;
        case 'table_open':
          this.table = { start: t.map![0], end: t.map![1], headers: [], inHead: false, row: [], rowLine: t.map![0], bodyRows: 0, requirementRows: 0 };
          this.tables.push(this.table);
          break;
        case 'table_close':
          this.table = undefined;
          break;
        case 'thead_open':
          if (this.table) this.table.inHead = true;
          break;
        case 'thead_close':
          if (this.table) this.table.inHead = false;
          break;
        case 'tr_open':
          if (this.table) { this.table.row = []; this.table.rowLine = t.map?.[0] ?? this.table.rowLine; }
          break;
        case 'tr_close':
          if (this.table && !this.table.inHead) this.tableRow(this.table);
          else if (this.table) this.table.headers = this.table.row;
          break;
        case 'fence':
          this.checkFence(t);
          break;
        case 'inline':
          this.inline(t, tokens[i - 1]);
          break;
      }
    }
  }

  private inline(t: Token, opener: Token | undefined): void {
    const line = t.map?.[0] ?? this.table?.rowLine ?? 0;
    let owner = this.currentOwner();
    if (opener?.type === 'heading_open' && opener.level === 0) {
      owner = this.currentSection()?.requirement ?? owner;
    } else if (this.table && opener?.type !== 'paragraph_open') {
      // A cell: its mentions are read by tableRow once the row, and so its requirement, is complete.
      this.table.row.push(t.content.trim());
      if (!this.table.inHead) this.collectLinks(t, line);
      return;
    } else if (opener?.type === 'paragraph_open') {
      const item = this.listStack[this.listStack.length - 1];
      if (item && !item.leadSeen && t.map && t.map[0] === item.start) {
        item.leadSeen = true;
        owner = this.listRequirement(item, t.content) ?? owner;
      } else if (!item) {
        owner = this.paragraphRequirement(t) ?? owner;
      }
    }
    this.collectMentions(t.content, line, owner);
    this.collectLinks(t, line);
  }

  private currentSection(): SectionState | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The innermost requirement the current text is part of. */
  private currentOwner(): RequirementState | undefined {
    for (let i = this.listStack.length - 1; i >= 0; i--) if (this.listStack[i].req) return this.listStack[i].req;
    if (this.paragraphReq) return this.paragraphReq;
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i].requirement) return this.stack[i].requirement;
    return undefined;
  }

  // ---- sections ----

  private openPreamble(): void {
    const section: Section = {
      key: PREAMBLE_KEY, title: PREAMBLE_KEY, level: 0, headingPath: [], lines: { start: 1, end: 1 }, body: '', type: 'other',
      priority: this.fmPriority,
    };
    const state: SectionState = { section, bodyStart: 0, bodyEnd: this.lines.length, headingLine: -1, headingText: '' };
    this.keyCounts.set(PREAMBLE_KEY, 1);
    this.sections.push(state);
    this.stack.push(state);
  }

  /** A heading on 0-based line `line`; its body starts at `bodyStart` (after a setext underline, if any). */
  private openSection(line: number, bodyStart: number, level: number, inline: Token | undefined): void {
    const title = (inline?.content ?? '').trim();
    const last = this.sections[this.sections.length - 1];
    if (last && last.bodyEnd > line) last.bodyEnd = line;
    this.closeSectionsDownTo(level, line);
    const parent = this.currentSection();
    const headingPath = parent ? [...parent.section.headingPath, title] : [title];
    const base = headingPath.join(' > ');
    const n = (this.keyCounts.get(base) ?? 0) + 1;
    this.keyCounts.set(base, n);
    const section: Section = {
      key: n > 1 ? `${base} #${n}` : base,
      title,
      level,
      headingPath,
      parentKey: parent?.section.key,
      lines: { start: line + 1, end: line + 1 },
      body: '',
      type: 'other',
    };
    const state: SectionState = {
      section, parent, bodyStart, bodyEnd: this.lines.length, headingLine: line, headingText: title,
      headingPriority: detectPriority(title) ?? parent?.headingPriority, status: statusWord(title) ?? parent?.status,
    };
    section.priority = state.headingPriority ?? this.fmPriority;
    this.sections.push(state);
    this.stack.push(state);
    const lead = leadingIdAt(title, this.ids);
    if (lead) {
      const rest = title.slice(lead.index + lead.id.length);
      state.requirement = this.addRequirement(lead.id, 'heading', state, titleOf(rest) || lead.id, '', line, line);
    }
  }

  /** Closes the open sections of `level` and deeper (and the preamble, which any heading ends). */
  private closeSectionsDownTo(level: number, nextHeadingLine: number): void {
    for (let top = this.currentSection(); top && (top.section.level >= level || top.section.level === 0); top = this.currentSection()) {
      const s = this.stack.pop()!;
      let end = nextHeadingLine - 1;
      while (end > s.headingLine && end > 0 && !(this.lines[end] ?? '').trim()) end--;
      const start = s.headingLine < 0 ? firstContentLine(this.lines) : s.headingLine + 1;
      s.section.lines = { start, end: Math.max(end + 1, start) };
      const bodyLines = this.lines.slice(s.bodyStart, Math.min(s.bodyEnd, this.lines.length));
      s.section.body = trimBlankLines(bodyLines).join('\n');
    }
  }

  // ---- requirements ----

  /** Registers a requirement defined on 0-based lines start..end (inclusive); text and lines are filled in by the caller. */
  private addRequirement(
    id: string, source: Requirement['source'], section: SectionState, title: string, text: string,
    start: number, end: number, extra: { priority?: Priority; status?: Status } = {},
  ): RequirementState {
    const req: Requirement = {
      id, title: title.slice(0, TITLE_MAX), text, type: 'requirement', priority: extra.priority, status: extra.status, tags: [],
      headingPath: section.section.headingPath, sectionKey: section.section.key, lines: { start: start + 1, end: end + 1 }, source,
    };
    const state: RequirementState = { req, section, lines: [], occupies: [start, end + 1], nested: [], parent: this.currentOwner() };
    this.requirements.push(state);
    return state;
  }

  private listRequirement(item: ListItemState, content: string): RequirementState | undefined {
    const { rest, checked } = stripCheckbox(content);
    const lead = leadingIdAt(rest, this.ids);
    const section = this.currentSection();
    if (!lead || !section) {
      item.label = firstLine(rest);
      return undefined;
    }
    const after = rest.slice(lead.index + lead.id.length);
    const cells = after.split(/\s+\|\s+|^\s*\|\s*/).map((c) => c.trim()).filter(Boolean);
    const title = cells.length > 1 ? stripEmphasis(cells[0]) : titleOf(after);
    const state = this.addRequirement(lead.id, 'list', section, title || lead.id, '', item.start, item.start, {
      status: checked === undefined ? undefined : checked ? 'done' : 'open',
    });
    item.req = state;
    return state;
  }

  private closeListItem(item: ListItemState): void {
    const state = item.req;
    if (!state) return;
    const kept: SourceLine[] = [];
    for (let i = item.start; i < Math.min(item.end, this.lines.length); i++) {
      if (state.nested.some(([s, e]) => i >= s && i < e)) continue;
      const raw = this.lines[i];
      const text = i === item.start ? stripCheckbox(raw.slice(item.contentIndent)).rest : dedent(raw, item.contentIndent);
      kept.push({ line: i + 1, text });
    }
    while (kept.length && !kept[kept.length - 1].text.trim()) kept.pop();
    state.lines = kept;
    state.req.text = kept.map((l) => l.text).join('\n');
    const lastLine = kept.length ? kept[kept.length - 1].line : item.start + 1;
    state.req.lines = { start: item.start + 1, end: Math.max(lastLine, item.start + 1) };
    let end = item.end;
    while (end > item.start + 1 && !(this.lines[end - 1] ?? '').trim()) end--;
    state.occupies = [item.start, end];
    if (state.parent?.req.source === 'list') state.parent.nested.push(state.occupies);
    const labels = this.listStack.map((l) => l.label).filter((l): l is string => !!l);
    this.finishRequirement(state, labels);
  }

  private paragraphRequirement(t: Token): RequirementState | undefined {
    const lead = leadingIdAt(t.content, this.ids);
    const section = this.currentSection();
    if (!lead || !section || !t.map || this.table) return undefined;
    const [start, end] = t.map;
    const state = this.addRequirement(lead.id, 'paragraph', section, titleOf(t.content.slice(lead.index + lead.id.length)) || lead.id,
      t.content, start, end - 1);
    state.lines = this.lines.slice(start, end).map((text, i) => ({ line: start + i + 1, text }));
    this.paragraphReq = state;
    this.finishRequirement(state, []);
    return state;
  }

  private tableRow(table: TableState): void {
    table.bodyRows++;
    const cells = table.row;
    const idCol = cells.findIndex((c) => this.ids.whole.test(stripEmphasis(c)));
    const section = this.currentSection();
    const line = table.rowLine;
    if (idCol < 0 || !section) {
      this.collectMentions(cells.join(' | '), line, this.currentOwner());
      return;
    }
    table.requirementRows++;
    const id = stripEmphasis(cells[idCol]);
    const role = (i: number) => columnRole(table.headers[i] ?? '');
    const col = (r: string) => cells.findIndex((_, i) => i !== idCol && role(i) === r);
    let titleCol = col('title');
    if (titleCol < 0) titleCol = cells.findIndex((c, i) => i !== idCol && !role(i) && c.trim() !== '');
    const priorityCol = col('priority');
    const statusCol = col('status');
    const title = titleCol >= 0 ? stripEmphasis(cells[titleCol]) : id;
    const details = cells
      .map((c, i) => (i === idCol || i === titleCol || !c ? '' : table.headers[i] ? `${stripEmphasis(table.headers[i])}: ${c}` : c))
      .filter(Boolean);
    const text = [`${id}: ${title}`, ...details].join('\n');
    const state = this.addRequirement(id, 'table', section, title, text, line, line, {
      priority: priorityCol >= 0 ? detectPriority(cells[priorityCol]) : undefined,
      status: statusCol >= 0 ? statusWord(cells[statusCol]) : undefined,
    });
    state.lines = [{ line: line + 1, text }];
    this.finishRequirement(state, []);
    this.collectMentions(cells.join(' | '), line, state);
  }

  /** Priority, status, tags and type, once the requirement's text is known. */
  private finishRequirement(state: RequirementState, labels: string[]): void {
    const r = state.req;
    const head = state.lines[0]?.text ?? '';
    const afterId = head.slice(head.indexOf(r.id) + r.id.length);
    const label = /^[\s*_:|-]*[[(]\s*(P[0-3]|critical|high|medium|low)\s*[\])]/i.exec(afterId)?.[1];
    // The front matter's priority is added by inheritPriorities, once types and references are known.
    r.priority = explicitPriority(r.text) ?? r.priority ?? detectPriority(r.id) ?? (label ? detectPriority(label) : undefined)
      ?? labels.map((l) => detectPriority(l)).filter(Boolean).pop() ?? state.section.headingPriority;
    r.status = explicitStatus(blankCodeSpans(r.text)) ?? r.status ?? detectStatus(head) ?? state.section.status;
    r.tags = unique([...this.fmTags, ...inlineTags(r.text)]);
  }

  private finishHeadingRequirements(): void {
    for (const s of this.sections) {
      const state = s.requirement;
      if (!state) continue;
      state.req.text = s.section.body;
      state.req.lines = { ...s.section.lines };
      const body = this.lines.slice(s.bodyStart, s.bodyEnd).map((text, i) => ({ line: s.bodyStart + i + 1, text }));
      // The chunk text is the body: the heading is already in the embedded prefix, the keyword index's heading
      // column and the hit's title, so repeating it would make it every search snippet. A heading with no body
      // keeps the heading as its text, so that it still has a chunk.
      state.lines = body.some((l) => /[\p{L}\p{N}]/u.test(l.text)) ? body : [{ line: s.headingLine + 1, text: s.headingText }];
      state.occupies = [s.headingLine, s.bodyEnd];
      this.finishRequirement(state, []);
    }
  }

  /**
   * Types requirements, then sections. A heading that defines a requirement stands for that requirement's type
   * (for its own section and those below it); the document's title (its only level-1 heading) says nothing.
   */
  private classify(): void {
    const h1s = this.sections.filter((s) => s.section.level === 1);
    const titleSection = h1s.length === 1 ? h1s[0] : undefined;
    const known = (s: SectionState, own?: RequirementState): KnownHeading[] => {
      const out: KnownHeading[] = [];
      for (let a: SectionState | undefined = s; a && a.section.level > 0; a = a.parent) {
        out.unshift(a.requirement && a.requirement !== own ? a.requirement.req.type : a === titleSection || a.requirement ? 'neutral' : undefined);
      }
      return out;
    };
    // Document order puts a heading requirement before everything defined under it.
    const ordered = [...this.requirements].sort((a, b) => a.req.lines.start - b.req.lines.start);
    for (const state of ordered) {
      const r = state.req;
      r.type = classifyRequirement(r.id, r.headingPath, r.text, known(state.section, state));
    }
    const defined = new Map<SectionState, ChunkType[]>();
    for (const { req, section } of this.requirements) if (req.source !== 'heading') push(defined, section, req.type);
    for (const s of this.sections) {
      if (s.requirement) {
        s.section.type = s.requirement.req.type;
        continue;
      }
      const type = classifyChunk(s.section.headingPath, s.section.body, known(s));
      // A heading that says nothing ("Delivery Channels") over a list of requirements is a section of requirements.
      s.section.type = type === 'other' && defined.has(s) ? mostCommon(defined.get(s)!) : type;
    }
  }

  /**
   * Requirements with no priority of their own take the front matter's. Acceptance criteria instead take the
   * highest priority of the requirements of this PRD they verify: a user filtering by "critical" wants the
   * criteria of the critical requirements, not every criterion of a PRD whose front matter says critical.
   */
  private inheritPriorities(): void {
    const priorityOf = new Map<string, Priority[]>();
    for (const { req } of this.requirements) {
      if (req.type === 'acceptance_criteria') continue;
      req.priority ??= this.fmPriority;
      if (req.priority) push(priorityOf, req.id, req.priority);
    }
    const verifies = new Map<string, string[]>();
    for (const ref of this.references) if (ref.kind === 'VERIFIES' && ref.fromId !== undefined) push(verifies, ref.fromId, ref.toId);
    for (const { req } of this.requirements) {
      if (req.priority || req.type !== 'acceptance_criteria') continue;
      const verified = (verifies.get(req.id) ?? []).flatMap((id) => priorityOf.get(id) ?? []);
      req.priority = verified.length ? PRIORITIES[Math.min(...verified.map((p) => PRIORITIES.indexOf(p)))] : undefined;
    }
  }

  /**
   * A requirement defined under another one (below its heading or nested in its list item): an acceptance
   * criterion verifies it, and a sub-ID like FR-1.2 under FR-1 refines it. Other IDs that merely sit there
   * (FR-2 listed under "### FR-1") are not assumed to be related.
   */
  private linkNestedRequirements(): void {
    for (const state of this.requirements) {
      const parent = state.parent;
      if (!parent || parent.req.id === state.req.id) continue;
      const kind = state.req.type === 'acceptance_criteria' ? 'VERIFIES' : state.req.id.startsWith(`${parent.req.id}.`) ? 'REFINES' : undefined;
      if (kind) this.references.push({ fromId: state.req.id, fromSectionKey: state.req.sectionKey, toId: parent.req.id, kind, line: state.req.lines.start });
    }
  }

  // ---- references and links ----

  private collectMentions(content: string, line: number, owner: RequirementState | undefined): void {
    const mentions = findMentions(content, this.ids.find);
    if (!mentions.length) return;
    const sectionKey = this.currentSection()?.section.key ?? PREAMBLE_KEY;
    for (const m of mentions) {
      if (m.id === owner?.req.id) continue;
      const at = line + 1 + countNewlines(content, m.index);
      if (owner && m.reversed) {
        this.references.push({ fromId: m.id, fromSectionKey: sectionKey, toId: owner.req.id, kind: m.kind, line: at });
      } else {
        this.references.push({ fromId: owner?.req.id, fromSectionKey: sectionKey, toId: m.id, kind: owner || !m.reversed ? m.kind : 'REFERENCES', line: at });
      }
    }
  }

  private collectLinks(t: Token, line: number): void {
    const sectionKey = this.currentSection()?.section.key ?? PREAMBLE_KEY;
    let at = line + 1;
    const mayLink = t.content.includes('](') || (this.env.references !== undefined && t.content.includes(']'));
    const children = mayLink ? mdInline.parseInline(t.content, this.env)[0]?.children ?? [] : [];
    for (const child of children) {
      if (child.type === 'softbreak' || child.type === 'hardbreak') at++;
      if (child.type !== 'link_open') continue;
      const target = resolveLocalLink(this.file, String(child.attrGet('href') ?? ''));
      if (target) this.fileLinks.push({ target, line: at, fromSectionKey: sectionKey });
    }
    const clean = blankCodeSpans(t.content);
    const wiki = /\[\[([^\]|#\n]+)(?:#[^\]|\n]*)?(?:\|[^\]\n]*)?\]\]/g;
    for (let m = wiki.exec(clean); m; m = wiki.exec(clean)) {
      this.fileLinks.push({ target: m[1].trim(), line: line + 1 + countNewlines(clean, m.index), fromSectionKey: sectionKey });
    }
  }

  private checkFence(t: Token): void {
    if (!t.map) return;
    const [start, end] = t.map;
    const marker = t.markup;
    const last = this.lines[end - 1] ?? '';
    const closer = new RegExp(`^[\\s>]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    if (end - 1 > start && closer.test(last)) return;
    this.warnings.push({
      file: this.file, line: start + 1,
      message: `${this.file}:${start + 1}: code fence ${marker} is never closed; the text after it is read as code`,
    });
  }

  // ---- title ----

  private titleFromHeadings(): string | undefined {
    const h1s = this.sections.filter((s) => s.section.level === 1);
    const first = h1s[0] && specificTitle(h1s[0].section.title);
    if (first) return first;
    for (const s of h1s.slice(1)) {
      if (/\bprd\b|product requirements/i.test(s.section.title)) {
        const t = specificTitle(s.section.title);
        if (t) return t;
      }
    }
    return undefined;
  }

  // ---- chunks ----

  private buildChunks(title: string): Chunk[] {
    const chunks: Chunk[] = [];
    const prefixFor = (headingPath: string[]) => (headingPath.length ? `${title} > ${headingPath.join(' > ')}\n` : `${title}\n`);
    const emit = (base: Omit<Chunk, 'key' | 'part' | 'text' | 'embedText' | 'lines'>, key: string, lines: SourceLine[], firstLine?: number) => {
      const prefix = prefixFor(base.headingPath);
      const parts = splitIntoParts(lines, prefix, this.options.countTokens, this.options.maxTokens, this.options.overlapParagraphs);
      parts.forEach((p, part) => chunks.push({
        ...base, key: part ? `${key}::${part}` : key, part, text: p.text, embedText: prefix + p.text,
        lines: part === 0 && firstLine !== undefined ? { start: Math.min(firstLine, p.lines.start), end: p.lines.end } : p.lines,
      }));
    };
    const reqKeys = new Map<string, number>();
    // Lines that define requirements: they get requirement chunks and are left out of their section's chunk.
    const occupied = new Uint8Array(this.lines.length);
    const occupy = ([a, b]: [number, number]) => occupied.fill(1, a, b);
    for (const state of this.requirements) {
      const r = state.req;
      const n = (reqKeys.get(r.id) ?? 0) + 1;
      reqKeys.set(r.id, n);
      const key = `${this.file}::req:${r.id}${n > 1 ? `#${n}` : ''}`;
      const lines = state.lines.length ? state.lines : [{ line: r.lines.start, text: `${r.id}: ${r.title}` }];
      // A heading requirement's text leaves out its heading, but its first part still starts there: a hit opens on the heading.
      emit({
        kind: 'requirement', type: r.type, priority: r.priority, status: r.status, tags: r.tags, requirementId: r.id,
        sectionKey: r.sectionKey, headingPath: r.headingPath,
      }, key, lines, r.source === 'heading' ? r.lines.start : undefined);
      if (r.source !== 'heading') occupy(state.occupies);
    }
    for (const table of this.tables) {
      if (table.bodyRows > 0 && table.requirementRows === table.bodyRows) occupy([table.start, table.end]);
    }
    for (const s of this.sections) {
      if (s.requirement) continue;
      const sec = s.section;
      const lines: SourceLine[] = [];
      for (let i = s.bodyStart; i < Math.min(s.bodyEnd, this.lines.length); i++) if (!occupied[i]) lines.push({ line: i + 1, text: this.lines[i] });
      if (!lines.some((l) => /[\p{L}\p{N}]/u.test(l.text))) continue;
      const text = lines.map((l) => l.text).join('\n');
      emit({
        kind: 'section', type: sec.type, priority: sec.priority, status: s.status, tags: unique([...this.fmTags, ...inlineTags(text)]),
        sectionKey: sec.key, headingPath: sec.headingPath,
      }, `${this.file}::sec:${sec.key}`, lines);
    }
    return chunks;
  }
}
// ---- helpers ----

/** The ID a text starts with (after emphasis, brackets or an emoji), with its offset. */
function leadingIdAt(text: string, ids: CompiledIdPatterns): { id: string; index: number } | undefined {
  const skip = /^[^\p{L}\p{N}`]{0,8}/u.exec(text)?.[0].length ?? 0;
  ids.at.lastIndex = skip;
  const m = ids.at.exec(text);
  return m ? { id: m[0], index: skip } : undefined;
}

function stripCheckbox(text: string): { rest: string; checked?: boolean } {
  const m = /^\s*\[([ xX])\]\s+/.exec(text);
  return m ? { rest: text.slice(m[0].length), checked: m[1] !== ' ' } : { rest: text };
}

function stripEmphasis(text: string): string {
  return text.replace(/^[*_~]+|[*_~]+$/g, '').replace(/\*\*/g, '').trim();
}

/** A short title from the text after an ID: up to a ' | ' cell break or the end of the first sentence. */
function titleOf(rest: string): string {
  const line = firstLine(rest).replace(/^[\s*_\])]*[:|.–—-]?[\s*_]*/, '');
  const cell = line.split(/\s+\|\s+/)[0];
  const sentence = /^(.+?[.!?])(\s|$)/.exec(cell)?.[1] ?? cell;
  const t = stripEmphasis(sentence.replace(/\*\*/g, '')).trim();
  return t.length > TITLE_MAX ? `${t.slice(0, TITLE_MAX - 1)}…` : t;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function contentIndent(line: string): number {
  return /^\s*(?:[-*+]|\d{1,9}[.)])\s+/.exec(line)?.[0].length ?? 0;
}

function dedent(line: string, width: number): string {
  const lead = /^ */.exec(line)![0].length;
  return line.slice(Math.min(lead, width));
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a].trim()) a++;
  while (b > a && !lines[b - 1].trim()) b--;
  return lines.slice(a, b);
}

function firstContentLine(lines: string[]): number {
  const i = lines.findIndex((l) => l.trim());
  return i < 0 ? 1 : i + 1;
}

function countNewlines(text: string, upTo: number): number {
  let n = 0;
  for (let i = 0; i < upTo; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function columnRole(header: string): 'title' | 'description' | 'priority' | 'status' | undefined {
  const h = header.toLowerCase().replace(/[*_`]/g, '').trim();
  if (/\b(priority|prio|moscow|importance)\b/.test(h)) return 'priority';
  if (/\b(status|state|done|progress)\b/.test(h)) return 'status';
  if (/\b(title|name|requirement|feature|summary|story|capability|target)\b/.test(h)) return 'title';
  if (/\b(description|details?|desc|text|notes?|acceptance|criteria|rationale)\b/.test(h)) return 'description';
  return undefined;
}

function explicitPriority(text: string): Priority | undefined {
  const m = /\bpriority\s*\**\s*[:=]\s*\**\s*([^\n|;,]+)/i.exec(blankCodeSpans(text));
  return m ? detectPriority(m[1]) : undefined;
}



/** `Tags: a, b` lines and unambiguous inline #tags (a letter first, not a colour like #fff, not in code). */
function inlineTags(text: string): string[] {
  if (!text.includes('#') && !/tags?\W*:/i.test(text)) return [];
  const clean = blankCodeSpans(text).replace(/```[\s\S]*?(```|$)/g, '');
  const tags: string[] = [];
  const line = /^[ \t]*(?:[-*+][ \t]+)?\**tags?\**[ \t]*:\**[ \t]*(.+)$/gim;
  for (let m = line.exec(clean); m; m = line.exec(clean)) {
    tags.push(...m[1].split(/[,;]/).map((t) => t.replace(/[*_`#]/g, '').trim()).filter(Boolean));
  }
  const hash = /(?<=^|[\s(])#([\p{L}][\p{L}\p{N}_/-]*[\p{L}\p{N}])(?=$|[\s,.;:!?)])/gmu;
  for (let m = hash.exec(clean); m; m = hash.exec(clean)) {
    if (/^[0-9a-f]{3,8}$/i.test(m[1])) continue;
    tags.push(m[1]);
  }
  return tags;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function mostCommon<T>(items: T[]): T {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function resolveLocalLink(file: string, href: string): string | undefined {
  if (!href || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return undefined;
  let target = href.split(/[?#]/)[0];
  try { target = decodeURIComponent(target); } catch { /* keep the raw href: a stray '%' is not worth a warning */ }
  if (!/\.(md|markdown|docx)$/i.test(target)) return undefined;
  const from = file.replace(/\\/g, '/');
  const joined = target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(from), target);
  return path.posix.normalize(joined);
}

function dedupeReferences(refs: Reference[]): Reference[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.fromId ?? ''}\u0000${r.fromSectionKey}\u0000${r.toId}\u0000${r.kind}\u0000${r.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
