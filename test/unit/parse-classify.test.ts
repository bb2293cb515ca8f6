import { strict as assert } from 'node:assert';
import { classifyChunk } from '../../src/core/parse';
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
];

describe('parse: classifyChunk', () => {
  it('has a table of at least 45 cases', () => assert.ok(CASES.length >= 45, `only ${CASES.length} cases`));
  for (const [headingPath, text, expected] of CASES) {
    it(`${headingPath.join(' > ') || '(no heading)'} -> ${expected}`, () => {
      assert.equal(classifyChunk(headingPath, text), expected);
    });
  }
});
