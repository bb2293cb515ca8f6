const GENERIC = /^(?:the\s+)?(?:product\s+requirements?\s+(?:document|doc|spec(?:ification)?)|prd|requirements?(?:\s+document)?)(?:\s*\(\s*prd\s*\))?$/i;
const SEPARATOR = /\s+[-–—:|]\s+|:\s+/;

/** Heading text as a reader would say it: no leading emoji, no emphasis markers. */
function cleanTitle(heading: string): string {
  return heading
    .replace(/[*_`]/g, '')
    .replace(/^[^\p{L}\p{N}[(]+/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// A heading reduced to one of these words ("PRD - Resource") names no product either.
const GENERIC_WORD = /^(resource|scenario|service|app|application|project|product|template|system|feature)$/i;

/** The specific part of a PRD heading ("X - Product Requirements Document" -> "X"), or undefined when it is generic. */
export function specificTitle(heading: string): string | undefined {
  const title = cleanTitle(heading)
    .replace(/\s*\((?:prd|product requirements? document)\)/gi, '')
    .replace(/^(.*?\S)(?:\s*[-–—:|])?\s+(?:prd|product requirements? document)$/i, '$1')
    .trim();
  if (!title || GENERIC.test(title)) return undefined;
  const parts = title.split(SEPARATOR).map((p) => p.trim()).filter(Boolean);
  if (parts.length > 1) {
    const specific = parts.filter((p) => !GENERIC.test(p));
    if (specific.length && specific.length < parts.length) {
      const joined = specific.join(' - ');
      return GENERIC_WORD.test(joined) ? undefined : joined;
    }
  }
  return title;
}

const GENERIC_FILE = /^(prd|readme|index|requirements?|spec|product-requirements?(-document)?)$/i;

/** scenarios/pregnancy-tracker/PRD.md -> "pregnancy-tracker"; docs/auth-spec.md -> "auth-spec". */
export function titleFromPath(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const base = (parts.pop() ?? file).replace(/\.[^.]+$/, '');
  if (GENERIC_FILE.test(base) && parts.length) return parts[parts.length - 1];
  return base;
}
