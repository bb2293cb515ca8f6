import { frontMatter, type PrdTemplate } from './template';

export const minimalPrd: PrdTemplate = {
  id: 'minimal',
  label: 'Minimal',
  description: 'Overview, one requirement, one acceptance criterion',
  render: (values) => {
    const id = (n: number) => `${values.prefix}-${String(n).padStart(3, '0')}`;
    return `${frontMatter(values, [])}

# ${values.title}

## Overview

What this is and why it matters.

## Requirements

### ${id(1)}: First requirement

**Priority:** P1 · **Status:** Open

The system must ...

## Acceptance Criteria

- [ ] ${id(101)}: Given <context>, When <action>, Then <observable result>. Verifies ${id(1)}.
`;
  },
};
