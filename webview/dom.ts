// Small DOM builders shared by the webviews: text always goes in as text nodes, never as HTML.

/** An element with attributes and children; an undefined or false attribute is left out, true sets it empty. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

/** `text` with the [start, end) ranges wrapped in <mark>. */
export function highlighted(text: string, ranges: readonly [number, number][]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > text.length || start >= end) continue;
    fragment.append(text.slice(at, start), element('mark', {}, text.slice(start, end)));
    at = end;
  }
  fragment.append(text.slice(at));
  return fragment;
}

/** An icon button (a codicon) with its title as tooltip and accessible name. */
export function button(icon: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', { class: 'icon', title, 'aria-label': title }, element('span', { class: `codicon codicon-${icon}` }));
  node.addEventListener('click', onClick);
  return node;
}

export function checkbox(text: string, checked: boolean, onChange: (checked: boolean) => void): { label: HTMLLabelElement; input: HTMLInputElement } {
  const input = element('input', { type: 'checkbox' });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return { label: element('label', { class: 'check' }, input, text), input };
}

export function select(ariaLabel: string, options: [value: string, text: string][], value: string): HTMLSelectElement {
  const node = element('select', { 'aria-label': ariaLabel }, ...options.map(([optionValue, text]) => element('option', { value: optionValue }, text)));
  node.value = value;
  return node;
}
