import { frontMatter, type PrdTemplate } from './template';

export const featurePrd: PrdTemplate = {
  id: 'feature',
  label: 'Feature PRD',
  description: 'Problem, goals, user stories, functional and non-functional requirements, acceptance criteria',
  render: (values) => {
    const id = (n: number) => `${values.prefix}-${String(n).padStart(3, '0')}`;
    return `${frontMatter(values, ['feature'])}

# ${values.title}

## Overview

What this feature is, who it is for, and why now. One paragraph.

## Problem

The problem users have today, with evidence (interviews, tickets, metrics).

## Goals

- The outcome this feature must achieve, measurable where possible.

## Non-Goals

- What this feature deliberately does not do.

## User Stories

### ${id(1)}: First user story

As a <persona>, I want <capability>, so that <benefit>.

## Functional Requirements

### ${id(2)}: First requirement

**Priority:** P1 · **Status:** Open

The system must ... Implements ${id(1)}.

### ${id(3)}: Second requirement

**Priority:** P2 · **Status:** Open

The system should ... Depends on ${id(2)}.

## Non-Functional Requirements

### ${id(101)}: Performance

**Priority:** P1 · **Status:** Open

The system must respond within ... for ... under a load of ...

## Acceptance Criteria

- [ ] ${id(201)}: Given <context>, When <action>, Then <observable result>. Verifies ${id(2)}.
- [ ] ${id(202)}: Given <context>, When <action>, Then <observable result>. Verifies ${id(3)}.

## Success Metrics

- The metric, its baseline and its target.

## Risks

- What could go wrong, and how it is mitigated.

## Open Questions

- What still needs a decision, and who makes it.
`;
  },
};
