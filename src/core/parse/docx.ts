import type { HTMLElement, Node } from 'node-html-parser';

// node-html-parser's NodeType values; the libraries themselves load on first use so that parsing markdown
// never pays for them.
const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  ...[1, 2, 3, 4, 5, 6].map((n) => `p[style-name='Heading ${n}'] => h${n}:fresh`),
  ...[1, 2, 3, 4, 5, 6].map((n) => `p[style-name='heading ${n}'] => h${n}:fresh`),
];

/** Converts a .docx to markdown: Word headings become #..######, lists and tables (as GFM tables) survive. */
export async function docxToMarkdown(bytes: Buffer): Promise<{ markdown: string; warnings: string[] }> {
  const [{ default: mammoth }, { parse }] = await Promise.all([import('mammoth'), import('node-html-parser')]);
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.convertToHtml({ buffer: bytes }, { styleMap: STYLE_MAP });
  } catch (err) {
    throw new Error(`not a readable .docx file (${(err as Error).message.split('\n')[0]})`);
  }
  const root = parse(result.value);
  const blocks = root.childNodes.map((n) => block(n, 0)).filter((b) => b.trim() !== '');
  return {
    markdown: `${blocks.join('\n\n')}\n`,
    warnings: result.messages.map((m) => `${m.type}: ${m.message}`),
  };
}

function block(node: Node, depth: number): string {
  if (node.nodeType === TEXT_NODE) return escapeBlockStart(node.text.trim());
  if (node.nodeType !== ELEMENT_NODE) return '';
  const el = node as HTMLElement;
  const tag = el.tagName.toLowerCase();
  const heading = /^h([1-6])$/.exec(tag);
  if (heading) return `${'#'.repeat(Number(heading[1]))} ${inline(el)}`;
  if (tag === 'ul' || tag === 'ol') return list(el, tag === 'ol', depth);
  if (tag === 'table') return table(el);
  if (tag === 'p') return escapeBlockStart(inline(el));
  return el.childNodes.map((n) => block(n, depth)).filter(Boolean).join('\n\n');
}

function list(el: HTMLElement, ordered: boolean, depth: number): string {
  const indent = '  '.repeat(depth);
  const items = el.childNodes.filter((n): n is HTMLElement => n.nodeType === ELEMENT_NODE && (n as HTMLElement).tagName.toLowerCase() === 'li');
  return items.map((li, i) => {
    const nested = li.childNodes.filter((n) => n.nodeType === ELEMENT_NODE && /^(ul|ol)$/i.test((n as HTMLElement).tagName));
    const own = li.childNodes.filter((n) => !nested.includes(n));
    const text = own.map((n) => (n.nodeType === ELEMENT_NODE ? inline(n as HTMLElement) : n.text)).join(' ').replace(/\s+/g, ' ').trim();
    const marker = ordered ? `${i + 1}.` : '-';
    const sub = nested.map((n) => list(n as HTMLElement, (n as HTMLElement).tagName.toLowerCase() === 'ol', depth + 1));
    return [`${indent}${marker} ${text}`, ...sub].join('\n');
  }).join('\n');
}

function table(el: HTMLElement): string {
  const rows = el.querySelectorAll('tr').map((tr) =>
    tr.childNodes
      .filter((n): n is HTMLElement => n.nodeType === ELEMENT_NODE && /^(td|th)$/i.test((n as HTMLElement).tagName))
      .map((cell) => inline(cell).replace(/\|/g, '\\|')));
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.length));
  const pad = (r: string[]) => [...r, ...Array(width - r.length).fill('')];
  const line = (r: string[]) => `| ${pad(r).join(' | ')} |`;
  return [line(rows[0]), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n');
}

function inline(el: HTMLElement): string {
  return el.childNodes.map((n) => {
    if (n.nodeType === TEXT_NODE) return n.text;
    if (n.nodeType !== ELEMENT_NODE) return '';
    const child = n as HTMLElement;
    const tag = child.tagName.toLowerCase();
    const inner = inline(child);
    if (tag === 'strong' || tag === 'b') return inner.trim() ? `**${inner}**` : inner;
    if (tag === 'em' || tag === 'i') return inner.trim() ? `*${inner}*` : inner;
    if (tag === 'a') {
      const href = child.getAttribute('href');
      return href && !href.startsWith('#') ? `[${inner}](${href})` : inner;
    }
    if (tag === 'br') return ' ';
    if (tag === 'p') return `${inner} `;
    return inner;
  }).join('').replace(/\s+/g, ' ').trim();
}

/** A Word paragraph that happens to begin like markdown syntax ("# 5", "- x", "1. y") must stay a paragraph. */
function escapeBlockStart(text: string): string {
  return text.replace(/^([#>]|[-*+] |\d+\. )/, '\\$1');
}
