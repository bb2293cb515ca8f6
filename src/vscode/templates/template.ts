export interface TemplateValues {
  title: string;
  /** Requirement ID prefix: the template numbers its IDs `<prefix>-001`, `<prefix>-002`... */
  prefix: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface PrdTemplate {
  id: string;
  label: string;
  description: string;
  render(values: TemplateValues): string;
}

export function frontMatter(values: TemplateValues, tags: string[]): string {
  return [
    '---',
    `title: ${JSON.stringify(values.title)}`,
    'status: draft',
    'owner: ""',
    'version: 0.1.0',
    'priority: medium',
    `tags: [${tags.join(', ')}]`,
    `created: ${values.date}`,
    '---',
  ].join('\n');
}
