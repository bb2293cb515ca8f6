import { frontMatter, type PrdTemplate } from './template';

export const apiPrd: PrdTemplate = {
  id: 'api',
  label: 'API PRD',
  description: 'Consumers, endpoints, errors, versioning, limits, security, acceptance criteria',
  render: (values) => {
    const id = (n: number) => `${values.prefix}-${String(n).padStart(3, '0')}`;
    return `${frontMatter(values, ['api'])}

# ${values.title}

## Overview

What the API offers, and to whom.

## Consumers

- **<client>**: what it needs from the API and how often it calls it.

## Functional Requirements

### ${id(1)}: Create a resource

**Priority:** P0 · **Status:** Open

\`POST /v1/<resources>\` creates a resource from a JSON body and answers \`201 Created\` with its URL in
\`Location\`.

### ${id(2)}: Read a resource

**Priority:** P0 · **Status:** Open

\`GET /v1/<resources>/{id}\` answers \`200 OK\` with the resource, or \`404 Not Found\`. Depends on ${id(1)}.

### ${id(3)}: Errors

**Priority:** P1 · **Status:** Open

Every error answers with a problem document (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`.

## Non-Functional Requirements

### ${id(101)}: Latency

**Priority:** P1 · **Status:** Open

95% of requests answer within 200 ms at 100 requests per second.

### ${id(102)}: Rate limits

**Priority:** P1 · **Status:** Open

Each client may make N requests per minute; over the limit the API answers \`429\` with \`Retry-After\`.

### ${id(103)}: Authentication

**Priority:** P0 · **Status:** Open

Every request carries an OAuth 2.0 bearer token; requests without a valid token answer \`401\`.

## Versioning

Breaking changes get a new major version in the path (\`/v2\`); the previous version stays available for
six months after the next one ships.

## Acceptance Criteria

- [ ] ${id(201)}: Given a valid body, When a client posts it, Then the API answers 201 and the resource can be read back. Verifies ${id(1)}.
- [ ] ${id(202)}: Given an unknown id, When a client reads it, Then the API answers 404 with a problem document. Verifies ${id(2)}.
- [ ] ${id(203)}: Given a client over its limit, When it calls again, Then the API answers 429 with Retry-After. Verifies ${id(102)}.

## Open Questions

- What still needs a decision, and who makes it.
`;
  },
};
