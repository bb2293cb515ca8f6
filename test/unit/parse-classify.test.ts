import { strict as assert } from 'node:assert';
import { classifyChunk, defaultParseOptions, parsePrd } from '../../src/core/parse';
import type { ChunkType } from '../../src/core/types';

const PRD = 'Product Requirements Document (PRD)';

// [heading path, text, expected type]. Headings marked "corpus" occur verbatim in the Vrooli PRDs.
const CASES: [string[], string, ChunkType][] = [
  // The two cvPRD mistakes.
  [[PRD, 'Dependencies'], 'Needs the payments gateway and the feature flag service.', 'dependency'],
  [[PRD, 'Constraints'], 'The system must run on the existing cluster.', 'constraint'],
  // Corpus headings (emoji prefixes included).
  [[PRD, '🎯 Overview'], 'Purpose: self-healing supervisor.', 'overview'],
  [[PRD, 'Executive Summary'], 'What this scenario adds.', 'overview'],
  [[PRD, '🎯 Capability Definition', 'Core Capability'], 'Provides privacy-first tracking.', 'overview'],
  [[PRD, '🎯 Capability Definition', 'Intelligence Amplification'], 'Agents get smarter.', 'objective'],
  [[PRD, '🎯 Capability Definition', 'Recursive Value'], 'New scenarios become possible.', 'objective'],
  [[PRD, '💰 Value Proposition', 'Business Value'], 'Saves 10 hours a week.', 'objective'],
  [[PRD, '💰 Value Proposition', 'Long-term Vision'], 'A platform for all teams.', 'objective'],
  [[PRD, 'Revenue Justification'], '$10K per deployment.', 'objective'],
  [[PRD, '🎯 Operational Targets'], 'Targets tracked by the auditor.', 'requirement'],
  [[PRD, '🎯 Operational Targets', '🔴 P0 – Must ship for viability'], '- [ ] OT-P0-001 | CLI | tick', 'requirement'],
  [[PRD, '🎯 Operational Targets', '🟠 P1 – Should have post-launch'], '- [ ] OT-P1-001 | Checks', 'requirement'],
  [[PRD, '🎯 Operational Targets', '🟢 P2 – Future / expansion'], '- [ ] OT-P2-001 | Webhooks', 'requirement'],
  [[PRD, 'Requirements Checklist', 'P0 Requirements (Must Have)'], '- [x] Core loop', 'requirement'],
  [[PRD, 'Requirements Checklist', 'P0 Requirements (Must Have - Core Functionality)'], '- [x] Core loop', 'requirement'],
  [[PRD, 'Requirements Checklist', 'P2 Requirements (Nice to Have)'], '- [ ] Themes', 'requirement'],
  [[PRD, '📊 Success Metrics', 'Functional Requirements'], '- [ ] Due date calculation', 'requirement'],
  [[PRD, '📊 Success Metrics'], 'We will measure adoption.', 'metric'],
  [[PRD, '📊 Success Metrics', 'Performance Criteria'], '| Response Time | < 200ms |', 'metric'],
  [[PRD, '📊 Success Metrics', 'Quality Gates'], '- [ ] All P0 requirements implemented and tested', 'acceptance_criteria'],
  [[PRD, 'Success Metrics', 'Quality Metrics'], 'Coverage above 80%.', 'metric'],
  [[PRD, 'Success Metrics', 'Performance Targets'], 'p95 < 200ms.', 'metric'],
  [[PRD, '🚨 Risk Mitigation', 'Technical Risks'], 'The model may be too slow.', 'risk'],
  [[PRD, '🚨 Risk Mitigation', 'Operational Risks'], 'Watchdog needs root.', 'risk'],
  [[PRD, '🚨 Risk Mitigation'], 'How we reduce risk.', 'risk'],
  [[PRD, '🏗️ Technical Architecture', 'Resource Dependencies'], 'postgres, redis', 'dependency'],
  [[PRD, '🔄 Integration Requirements', 'Upstream Dependencies'], 'Needs scenario-authenticator.', 'dependency'],
  [[PRD, '🤝 Dependencies & Launch Plan'], 'Required resources: postgres.', 'dependency'],
  [[PRD, 'Technical Specifications', 'Known Limitations'], 'Only one tenant.', 'constraint'],
  [[PRD, 'Technical Specifications', 'Security Considerations'], 'Secrets stay in vault.', 'non_functional'],
  [[PRD, 'Performance Requirements'], 'The API shall answer within 200ms.', 'non_functional'],
  [[PRD, 'Non-Functional Requirements'], 'Uptime 99.9%.', 'non_functional'],
  [[PRD, 'Scalability'], 'Handles 10k users.', 'non_functional'],
  [[PRD, 'Security Requirements'], 'All traffic over TLS.', 'non_functional'],
  [[PRD, '✅ Validation Criteria'], '- [ ] CLI passes', 'acceptance_criteria'],
  [[PRD, 'Acceptance Criteria'], 'Given a cart, when paying, then an order exists.', 'acceptance_criteria'],
  [[PRD, 'Out of Scope'], 'Crypto payments.', 'out_of_scope'],
  [[PRD, 'Non-Goals'], 'Replacing the billing system.', 'out_of_scope'],
  [[PRD, 'User Stories'], 'Shoppers save carts.', 'user_story'],
  [[PRD, 'Stakeholders'], 'Product, Legal, Support.', 'stakeholder'],
  [[PRD, 'Target Audience Alignment'], 'Developers and ops teams.', 'stakeholder'],
  [[PRD, 'Assumptions'], 'Users have a modern browser.', 'assumption'],
  [[PRD, 'Future Enhancements'], 'Dark mode.', 'feature'],
  [[PRD, 'Key Features'], 'Search, filters.', 'feature'],
  [[PRD, 'Goals'], 'Reduce churn.', 'objective'],
  // Nearest heading that classifies wins over an outer one.
  [[PRD, 'Risks', 'External Dependencies'], 'Backup provider.', 'dependency'],
  [[PRD, 'Out of Scope', 'Features we will not build'], 'Offline mode.', 'feature'],
  // Headings that say nothing defer to the outer heading, then to the text.
  [[PRD, 'Success Metrics', 'Notes'], 'Measured weekly.', 'metric'],
  [[PRD, 'Technical Specifications', 'API Endpoints'], 'GET /api/v1/health', 'other'],
  [[PRD, 'Appendix', 'Scenarios'], 'As a nurse, I want to see my shifts so that I can plan.', 'user_story'],
  [[PRD, 'Appendix', 'Login flow'], 'Given a user, when they log in, then they see the dashboard.', 'acceptance_criteria'],
  [[PRD, 'Appendix', 'Storage'], 'The service shall keep 30 days of history.', 'requirement'],
  [[PRD, 'Appendix', 'Glossary'], 'PRD: product requirements document.', 'other'],
  // The document's own title is not read as "requirements"; its introduction is an overview.
  [[PRD], 'This PRD describes the checkout.', 'overview'],
  [['Task Planner - Product Requirements Document (PRD)', 'Architecture'], 'Go API and React UI.', 'other'],
  [[], 'Text before any heading.', 'overview'],
  // Open questions are not requirements: an explicit 'other' that an outer heading cannot override.
  [['Security and Privacy Requirements', 'Open Questions'], 'Who decides the wipe period?', 'other'],
  [[PRD, 'Requirements', 'FAQ'], 'Can guests book rooms? No.', 'other'],
  [[PRD, 'Risks and Open Questions'], 'The vendor may not ship in time.', 'risk'],
];

/** Markdown with one heading per element of the path (# for the first, ## for the second, ...) and the text under the last. */
function document(headingPath: string[], text: string): string {
  return [...headingPath.map((h, i) => `${'#'.repeat(i + 1)} ${h}\n`), text, ''].join('\n');
}

// The same kind of table, through parsePrd: what the parser knows beyond the words of the headings. The first
// heading is the document's only H1, its title, which names the product and says nothing about the type of what
// is under it; a heading that defines a requirement stands for that requirement's type.
const IN_DOCUMENT: [string[], string, ChunkType][] = [
  // samples/PRD.md: "availability" made this user story non_functional.
  [['Huddle Team Calendar', 'User Stories', "US-001: See my team's availability at a glance"], 'As a team lead, I want to see who is free.', 'user_story'],
  // samples/prds/sync-engine.prd.md: "Background" made this requirement an overview.
  [['Sync Engine', 'Functional Requirements', 'FR-014: Background sync cadence'], 'A client syncs every 60 seconds.', 'requirement'],
  [['Sync Engine', 'Functional Requirements', 'FR-014: Background sync cadence', 'Notes'], 'On Wi-Fi it syncs more often.', 'requirement'],
  [['Huddle Team Calendar', 'User Stories', 'US-002: Book a meeting', 'Details'], 'One click books the slot.', 'user_story'],
  // samples/prds/security.md: the title made both of these non_functional.
  [['Security and Privacy Requirements'], '', 'overview'],
  [['Security and Privacy Requirements', 'Open Questions'], '', 'other'],
  [['Security and Privacy Requirements', 'Related Documents'], 'See the sync engine PRD.', 'other'],
  // samples/PRD.md: "Product Overview" in the title made every unnamed section an overview.
  [['Huddle Team Calendar — Product Overview', 'Related Documents'], 'See the sync engine PRD.', 'other'],
  // Corpus titles: "Vision", "Threat" and "Dependency" in them typed whole PRDs' technical sections.
  [['Ultralytics YOLO Vision Intelligence Suite - Product Requirements Document', 'Technical Specifications', 'Architecture'], 'A Python service.', 'other'],
  [['VirusTotal Threat Intelligence Resource PRD', 'Implementation Notes'], 'Uses the v3 API.', 'other'],
  [['Product Requirements Document (PRD) - Scenario Dependency Analyzer', 'Technical Architecture', 'Data Models'], 'A Scenario has a name.', 'other'],
  // samples/prds/notifications-prd.md: a heading that says nothing over a list of requirements.
  [['Notifications', 'Delivery Channels'], '- [x] FR-024: Push notifications.\n- [ ] FR-025: Slack direct messages.', 'requirement'],
  [['Notifications', 'Checks'], '- [ ] AC-020: A reminder shows at 09:50.', 'acceptance_criteria'],
];

// [heading path, text defining the requirement, its ID, expected type of the requirement].
const REQUIREMENTS_IN_DOCUMENT: [string[], string, string, ChunkType][] = [
  [['Huddle Team Calendar', 'User Stories', "US-001: See my team's availability at a glance"], 'As a team lead, I want to see who is free.', 'US-001', 'user_story'],
  [['Sync Engine', 'Functional Requirements', 'FR-014: Background sync cadence'], 'A client syncs every 60 seconds.', 'FR-014', 'requirement'],
  // Corpus (deployment-manager, landing-page template): a feature-area heading names the topic of operational
  // targets, it does not make them dependencies, metrics or acceptance criteria.
  [[PRD, 'Operational Targets', 'P0 – Must ship', 'Dependency Swapping'], '- [x] OT-P0-007 | Swap Suggestions | Suggest swaps', 'OT-P0-007', 'requirement'],
  [[PRD, 'Operational Targets', 'P0 – Must ship', 'Metrics Core'], '- [x] OT-P0-020 | Event tracking | Track views', 'OT-P0-020', 'requirement'],
  [[PRD, 'Operational Targets', 'P0 – Must ship', 'Pre-Deployment Validation'], '- [x] OT-P0-023 | Validation Checks | Run 6 checks', 'OT-P0-023', 'requirement'],
  // ... but one naming a kind of requirement still does.
  [[PRD, 'Operational Targets', 'P1 – Should have', 'Performance & Accessibility'], '- [ ] OT-P1-001 | Fast load | Under 2 s', 'OT-P1-001', 'non_functional'],
  [[PRD, 'Functional Requirements', 'FR-1: Checkout'], '- FR-1.1: Pay by card.', 'FR-1.1', 'requirement'],
  [[PRD, 'Stories', 'US-7: Save a cart'], '- AC-7: Given a cart, When I leave, Then it is kept.', 'AC-7', 'acceptance_criteria'],
];

describe('parse: classifyChunk', () => {
  it('has a table of at least 45 cases', () => assert.ok(CASES.length >= 45, `only ${CASES.length} cases`));
  for (const [headingPath, text, expected] of CASES) {
    it(`${headingPath.join(' > ') || '(no heading)'} -> ${expected}`, () => {
      assert.equal(classifyChunk(headingPath, text), expected);
    });
  }
});

describe('parse: section and requirement types in a document', () => {
  for (const [headingPath, text, expected] of IN_DOCUMENT) {
    it(`section ${headingPath.join(' > ')} -> ${expected}`, () => {
      const section = parsePrd('t.md', document(headingPath, text), defaultParseOptions()).sections.find((s) => s.key === headingPath.join(' > '));
      assert.equal(section?.type, expected);
    });
  }
  for (const [headingPath, text, id, expected] of REQUIREMENTS_IN_DOCUMENT) {
    it(`requirement ${id} under ${headingPath.join(' > ')} -> ${expected}`, () => {
      const found = parsePrd('t.md', document(headingPath, text), defaultParseOptions()).requirements.filter((r) => r.id === id);
      assert.deepEqual(found.map((r) => r.type), [expected]);
    });
  }

  it('reads a level-1 heading as a category, not a title, when the document has several', () => {
    const prd = parsePrd('t.md', '# Security Requirements\n\nAll traffic over TLS.\n\n## Audit\n\nLogs kept a year.\n\n# Open Questions\n\nWho owns keys?\n', defaultParseOptions());
    assert.deepEqual(prd.sections.map((s) => [s.key, s.type]), [
      ['Security Requirements', 'non_functional'],
      ['Security Requirements > Audit', 'non_functional'],
      ['Open Questions', 'other'],
    ]);
  });
});
