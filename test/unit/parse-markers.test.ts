import { strict as assert } from 'node:assert';
import { detectPriority, detectStatus } from '../../src/core/parse';
import type { Priority, Status } from '../../src/core/types';

describe('parse: detectPriority', () => {
  const cases: [string, Priority | undefined][] = [
    ['Priority: High', 'high'],
    ['**Priority:** critical', 'critical'],
    ['priority = P3', 'low'],
    ['OT-P0-001', 'critical'],
    ['OT-P1-004', 'high'],
    ['🔴 P0 – Must ship for viability', 'critical'],
    ['🟠 P1 – Should have post-launch', 'high'],
    ['🟢 P2 – Future / expansion', 'medium'],
    ['P1 Requirements (Should Have)', 'high'],
    ['P3', 'low'],
    ['🔴 Blockers', 'critical'],
    ['🟠 Important', 'high'],
    ['🟡 Later', 'medium'],
    ['🟢 Someday', 'low'],
    ['Must have', 'critical'],
    ['Should Have', 'high'],
    ['Could have', 'medium'],
    ["Won't have (this time)", 'low'],
    ['Must', 'critical'],
    ['Could', 'medium'],
    ['High', 'high'],
    ['Low priority', 'low'],
    ['Nice to have', 'medium'],
    // Prose and lookalikes carry no priority.
    ['Users must be able to log in', undefined],
    ['The API should answer quickly', undefined],
    ['Uses GPT-4 and AES-256', undefined],
    ['Version 1.0 (Current)', undefined],
    ['MP3 export', undefined],
    ['High availability cluster', undefined],
  ];
  for (const [text, expected] of cases) it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(detectPriority(text), expected));
});

describe('parse: detectStatus', () => {
  const cases: [string, Status | undefined][] = [
    ['Status: Done', 'done'],
    ['**Status:** In progress', 'in_progress'],
    ['status: blocked by legal review', 'blocked'],
    ['Status: Deprecated', 'deprecated'],
    ['Email receipts (Blocked)', 'blocked'],
    ['Export [Done]', 'done'],
    ['Search (in progress)', 'in_progress'],
    ['Export data (with medical disclaimers)', undefined],
    ['Nothing to see', undefined],
  ];
  for (const [text, expected] of cases) it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(detectStatus(text), expected));
});
