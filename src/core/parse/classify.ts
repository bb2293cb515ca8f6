import type { ChunkType } from '../types';

type Rule = [RegExp, ChunkType];

// Ordered: the first rule that matches a heading decides. Specific phrases come before the generic ones they
// contain ("non-functional requirements" before "requirements", "acceptance criteria" before "criteria").
const HEADING_RULES: Rule[] = [
  [/\b(out of scope|non[- ]?goals?|not in scope|won'?t have|wont have|exclusions?|anti[- ]?goals?)\b/, 'out_of_scope'],
  [/^p[0-3]\b|\b(must|should|could) have\b|\bnice to have\b|\bmust ship\b/, 'requirement'],
  [/\b(market (opportunity|validation|analysis|research)|business (impact|case))\b/, 'objective'],
  [/\b(user stor(y|ies)|user journeys?|jobs to be done)\b/, 'user_story'],
  [/\b(acceptance (criteria|tests?)|definition of done|validation criteria|completion criteria|quality gates?|test execution gates|verification|validation|given when then)\b/, 'acceptance_criteria'],
  [/\b(non[- ]?functional|performance requirements?|security requirements?|scalability|reliability|availability|usability|accessibility|compliance|privacy|data protection|security (considerations|standards)|performance standards|quality attributes)\b/, 'non_functional'],
  [/\b(metrics?|kpis?|performance (criteria|targets|benchmarks)|success criteria|measures of success|okrs?)\b/, 'metric'],
  [/\b(risks?|threats?|mitigations?|known issues)\b/, 'risk'],
  [/\b(dependenc(y|ies)|prerequisites?|upstream|integration points|cross-scenario interactions|third[- ]party services)\b/, 'dependency'],
  [/\b(constraints?|limitations?|restrictions?)\b/, 'constraint'],
  [/\b(assumptions?)\b/, 'assumption'],
  [/\b(stakeholders?|personas?|target (users|audience)|audience|user (roles|types|segments)|raci|owners?)\b/, 'stakeholder'],
  [/\b(features?|capabilities|enhancements?|functionality)\b/, 'feature'],
  [/\b(requirements?|operational targets)\b/, 'requirement'],
  [/\b(goals?|objectives?|vision|value|purpose|why it matters|motivation|revenue|mission|amplification)\b/, 'objective'],
  [/\b(overview|executive summary|summary|introduction|background|problem statement|context|capability definition|core capability|scope)\b/, 'overview'],
  // Open questions are not requirements, nor yet assumptions (nothing is assumed) or risks: an explicit 'other'
  // that stops an outer heading ("Security Requirements") from claiming them. Last, so "Risks and open questions" is a risk.
  [/\b(open|unresolved|outstanding) questions?\b|^questions$|\bfaqs?\b|\bfrequently asked questions\b/, 'other'],
];

const TEXT_RULES: Rule[] = [
  [/\bas an? [^,.\n]{1,80},? i (want|need|can|would like)\b/, 'user_story'],
  [/\bgiven\b[\s\S]{0,300}\bwhen\b[\s\S]{0,300}\bthen\b/, 'acceptance_criteria'],
  [/\b(out of scope|non[- ]?goal)\b/, 'out_of_scope'],
  [/\b(shall|must|is required to)\b/, 'requirement'],
];

const GENERIC_TITLE = /\bproduct requirements? document\b|\(prd\)|\bprd\b/g;

function normaliseHeading(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[*_`~]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}'\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const headingCache = new Map<string, ChunkType | null>();
const HEADING_CACHE_MAX = 10_000;

/** The type a heading gives its contents, or undefined when the heading says nothing about it. */
export function classifyHeading(heading: string): ChunkType | undefined {
  let type = headingCache.get(heading);
  if (type === undefined) {
    const h = normaliseHeading(heading).replace(GENERIC_TITLE, ' ');
    type = HEADING_RULES.find(([re]) => re.test(h))?.[1] ?? null;
    if (headingCache.size >= HEADING_CACHE_MAX) headingCache.clear();
    headingCache.set(heading, type);
  }
  return type ?? undefined;
}

/**
 * What the parser knows about a heading beyond its words: 'neutral' when it says nothing about the type of
 * what is under it (the document's title names the product, not a kind of content), or the type of the
 * requirement the heading defines ("### US-001: See my team's availability" stands for a user story, whatever
 * its words say). Undefined: the heading's words decide.
 */
export type KnownHeading = 'neutral' | ChunkType | undefined;

/**
 * Nearest heading that classifies wins; otherwise the text decides; otherwise the introduction under the
 * document title (or before any heading) is an overview, and anything else 'other'.
 * `known[i]` overrides the words of `headingPath[i]`.
 */
export function classifyChunk(headingPath: readonly string[], text: string, known: readonly KnownHeading[] = []): ChunkType {
  for (let i = headingPath.length - 1; i >= 0; i--) {
    const k = known[i];
    if (k === 'neutral') continue;
    const type = k ?? classifyHeading(headingPath[i]);
    if (type) return type;
  }
  const t = text.toLowerCase();
  for (const [re, type] of TEXT_RULES) if (re.test(t)) return type;
  return headingPath.length <= 1 ? 'overview' : 'other';
}

const ID_TYPE_HINTS: Rule[] = [
  [/^NFR-/i, 'non_functional'],
  [/^US-/i, 'user_story'],
  [/^AC-/i, 'acceptance_criteria'],
  [/^UC-/i, 'feature'],
];

/**
 * IDs that name a requirement (functional requirement, requirement, operational target, business rule). Under
 * them a heading may only narrow the kind of requirement; "#### Metrics Core" or "#### Pre-Deployment
 * Validation" above OT-P0-023 names its topic, it does not make it a metric or an acceptance criterion.
 */
const REQUIREMENT_ID = /^(FR|REQ|OT|BR)-/i;
const REQUIREMENT_KINDS: readonly ChunkType[] = ['requirement', 'feature', 'non_functional', 'constraint'];
const NOT_REQUIREMENT_KINDS: readonly ChunkType[] = ['other', 'overview', 'objective', 'stakeholder'];

/**
 * A requirement's type: its ID prefix when that is telling, else its headings (its own heading is passed as
 * 'neutral' in `known`: its title names the requirement, not a category); never a non-requirement kind like 'overview'.
 */
export function classifyRequirement(id: string, headingPath: readonly string[], text: string, known: readonly KnownHeading[] = []): ChunkType {
  for (const [re, type] of ID_TYPE_HINTS) if (re.test(id)) return type;
  const type = classifyChunk(headingPath, text, known);
  if (REQUIREMENT_ID.test(id)) return REQUIREMENT_KINDS.includes(type) ? type : 'requirement';
  return NOT_REQUIREMENT_KINDS.includes(type) ? 'requirement' : type;
}
