import * as path from 'node:path';
import * as vscode from 'vscode';
import { compileIdPatterns, DEFAULT_ID_PATTERNS } from '../../core/parse/id-patterns';
import { SECTION, SETTING } from '../config';
import { PRD_TEMPLATES, type PrdTemplate } from '../templates';
import type { CommandDeps } from './command-deps';

export interface NewPrdArguments {
  /** Template id (feature, api, minimal) or label. */
  template?: string;
  title?: string;
  /** Default with arguments: the proposed fresh prefix, without asking. */
  prefix?: string;
  /** The file to create (a Uri or an absolute path); it must not exist. Skips the save dialog. */
  target?: vscode.Uri | string;
}

export interface NewPrdResult {
  uri: vscode.Uri;
  prefix: string;
  /** False when the configured ID patterns do not match `<prefix>-001` (the user is offered to add one). */
  idsRecognised: boolean;
}

/** Prefixes of the ID shapes recognised by default: a new PRD's own prefix should not look like one of them. */
const DEFAULT_PREFIXES = ['FR', 'NFR', 'REQ', 'US', 'AC', 'UC', 'BR', 'OT'];
const PREFIX_SHAPE = /^[A-Z][A-Z0-9]{0,7}$/;

/**
 * cvprd.newPrd: template -> title -> ID prefix (a fresh one proposed) -> where to save; writes the file only then
 * and opens it. Every step can come from the argument instead of a prompt; with an argument the proposed prefix is
 * taken without asking.
 */
export async function newPrd(deps: CommandDeps, args?: NewPrdArguments): Promise<NewPrdResult | undefined> {
  const template = args?.template !== undefined ? templateNamed(args.template) : await pickTemplate();
  if (!template) return undefined;
  const title = (args?.title ?? (await askTitle()))?.trim();
  if (!title) return undefined;
  const used = await usedPrefixes(deps);
  const prefix = (args ? args.prefix ?? proposePrefix(title, used) : await askPrefix(title, used))?.trim().toUpperCase();
  if (!prefix) return undefined;
  if (!PREFIX_SHAPE.test(prefix)) throw new Error(`"${prefix}" is not a usable ID prefix: use 1 to 8 letters and digits, starting with a letter.`);
  const uri = args?.target !== undefined ? await newFileAt(args.target) : await askTarget(title);
  if (!uri) return undefined;

  const text = template.render({ title, prefix, date: new Date().toISOString().slice(0, 10) });
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  deps.log.info(`created ${uri.fsPath} from the ${template.label} template (IDs ${prefix}-001...)`);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

  const idsRecognised = compileIdPatterns(deps.config.idPatterns ?? DEFAULT_ID_PATTERNS).whole.test(`${prefix}-001`);
  if (!idsRecognised) offerIdPattern(deps, prefix);
  return { uri, prefix, idsRecognised };
}

function templateNamed(name: string): PrdTemplate {
  const template = PRD_TEMPLATES.find((candidate) => candidate.id === name || candidate.label.toLowerCase() === name.toLowerCase());
  if (!template) throw new Error(`Unknown PRD template "${name}"; the templates are ${PRD_TEMPLATES.map((t) => t.id).join(', ')}.`);
  return template;
}

async function pickTemplate(): Promise<PrdTemplate | undefined> {
  const items = PRD_TEMPLATES.map((template) => ({ label: template.label, description: template.description, template }));
  return (await vscode.window.showQuickPick(items, { title: 'cvPRD: New PRD from Template', placeHolder: 'Template' }))?.template;
}

function askTitle(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'cvPRD: New PRD from Template',
    prompt: 'Title of the PRD',
    placeHolder: 'e.g. Offline Sync',
    validateInput: (value) => (value.trim() ? undefined : 'Give the PRD a title.'),
  });
}

function askPrefix(title: string, used: Set<string>): Thenable<string | undefined> {
  const proposal = proposePrefix(title, used);
  return vscode.window.showInputBox({
    title: 'cvPRD: New PRD from Template',
    prompt: `Prefix of its requirement IDs (${proposal}-001, ${proposal}-002...)`,
    value: proposal,
    validateInput: (value) => {
      const prefix = value.trim().toUpperCase();
      if (!PREFIX_SHAPE.test(prefix)) return 'Use 1 to 8 letters and digits, starting with a letter.';
      if (used.has(prefix)) return { message: `${prefix} is already used by requirements in this workspace.`, severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  });
}

/** The title's initials (2 to 4 letters), made unique against the workspace's prefixes and the default ID shapes. */
export function proposePrefix(title: string, used: ReadonlySet<string>): string {
  const words = title.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [];
  const taken = (candidate: string) => used.has(candidate) || DEFAULT_PREFIXES.includes(candidate);
  let base = words.map((word) => word[0]).join('').toUpperCase().slice(0, 4);
  if (base.length < 2) base = (words[0] ?? 'PRD').slice(0, 3).toUpperCase();
  if (!taken(base)) return base;
  const lastWord = (words[words.length - 1] ?? '').toUpperCase();
  for (const letter of lastWord.slice(1)) {
    const candidate = `${base}${letter}`.slice(0, 8);
    if (/^[A-Z0-9]+$/.test(candidate) && !taken(candidate)) return candidate;
  }
  for (let n = 2; ; n++) {
    if (!taken(`${base}${n}`)) return `${base}${n}`;
  }
}

/** The part before the first '-' of every requirement ID in the index (FR for FR-001, OT for OT-P0-001). */
async function usedPrefixes(deps: CommandDeps): Promise<Set<string>> {
  const used = new Set<string>();
  let index;
  try {
    index = await deps.index.current();
  } catch (error) {
    deps.log.warn(`new PRD: the index could not be opened, so the proposed ID prefix is not checked against it: ${(error as Error).message}`);
    return used;
  }
  for (const requirement of index?.snapshot().requirements ?? []) used.add(requirement.id.split('-')[0].toUpperCase());
  return used;
}

async function askTarget(title: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'new';
  return vscode.window.showSaveDialog({
    title: 'cvPRD: Save the new PRD',
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'prds', `${slug}.prd.md`) : undefined,
    filters: { Markdown: ['md'] },
    saveLabel: 'Create PRD',
  });
}

async function newFileAt(target: vscode.Uri | string): Promise<vscode.Uri> {
  const uri = typeof target === 'string' ? vscode.Uri.file(path.resolve(target)) : target;
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (exists) throw new Error(`${uri.fsPath} exists already; choose a new file for the PRD.`);
  return uri;
}

function offerIdPattern(deps: CommandDeps, prefix: string): void {
  const pattern = `${prefix}-\\d{1,5}`;
  void vscode.window.showInformationMessage(
    `cvPRD does not recognise IDs like ${prefix}-001 yet. Add the pattern ${pattern} to this workspace's ID patterns?`,
    'Add ID Pattern',
  ).then(async (chosen) => {
    if (!chosen) return;
    const patterns = [...(deps.config.idPatterns ?? DEFAULT_ID_PATTERNS), pattern];
    await vscode.workspace.getConfiguration(SECTION).update(SETTING.idPatterns, patterns, vscode.ConfigurationTarget.Workspace);
    deps.log.info(`added the ID pattern ${pattern} to the workspace settings`);
  }).then(undefined, (error: Error) => deps.index.showError(error, `adding the ID pattern ${pattern}`));
}
