import { ScimError } from './errors.js';
import type { Filter } from './filter-ast.js';

/**
 * Caps on what one request may carry, so that every request's cost is bounded by its size and no more (issue 15;
 * docs/reliability.md, "Input caps"). Each is far above what Okta and Entra send (idp-behaviour.md): a user has a
 * handful of emails, a group push carries at most a few thousand members per request.
 */
export const INPUT_LIMITS = {
  /** Characters in any one JSON string of a body (an attribute value, a path, a filter of a search body). */
  maxStringLength: 8_192,
  /** Elements of any one JSON array of a body: a group's members, PATCH Operations. */
  maxArrayLength: 10_000,
  /** Keys of any one JSON object of a body: attributes of a resource, sub-attributes of a value. */
  maxObjectKeys: 200,
  /** Nesting of arrays and objects in a body; a SCIM resource nests four deep at most. */
  maxDepth: 32,
  /** Values of one multi-valued attribute of a user (emails, phoneNumbers, addresses). */
  maxValuesPerAttribute: 100,
  /** Names in `attributes` or `excludedAttributes`. */
  maxAttributeNames: 100,
  /** Comparisons and presence tests in one filter (`a eq "x" or b pr` has two). */
  maxFilterTerms: 50,
} as const;

function refuse(what: string, limit: number, unit: string): ScimError {
  return ScimError.invalidValue(`${what} exceeds the limit of ${limit.toLocaleString('en-US')} ${unit}.`);
}

/**
 * Checks a parsed JSON body against the caps in one pass over it, without recursion (the depth is what is being
 * checked), before any parser or validator looks at it. Throws a SCIM 400 (invalidValue) naming the cap.
 */
export function assertWithinInputLimits(body: unknown): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === 'string') {
      if (value.length > INPUT_LIMITS.maxStringLength) {
        throw refuse('A string in the request body', INPUT_LIMITS.maxStringLength, 'characters');
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= INPUT_LIMITS.maxDepth) throw refuse('The nesting of the request body', INPUT_LIMITS.maxDepth, 'levels');
    if (Array.isArray(value)) {
      if (value.length > INPUT_LIMITS.maxArrayLength) {
        throw refuse('An array in the request body', INPUT_LIMITS.maxArrayLength, 'elements');
      }
      for (const item of value as unknown[]) pending.push({ value: item, depth: depth + 1 });
    } else {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > INPUT_LIMITS.maxObjectKeys) {
        throw refuse('An object in the request body', INPUT_LIMITS.maxObjectKeys, 'keys');
      }
      for (const [key, item] of entries) pending.push({ value: key, depth }, { value: item, depth: depth + 1 });
    }
  }
}

/** The cap on the values of one multi-valued attribute, checked where the attribute is normalized. */
export function assertValueCount(label: string, count: number, limit: number): void {
  if (count > limit) throw refuse(label, limit, 'values');
}

/** The cap on the names of `attributes` / `excludedAttributes`. */
export function assertAttributeNameCount(parameter: string, count: number): void {
  if (count > INPUT_LIMITS.maxAttributeNames) {
    throw refuse(`"${parameter}"`, INPUT_LIMITS.maxAttributeNames, 'names');
  }
}

/**
 * The cap on a filter's comparisons and presence tests. Each becomes a term of the store's SQL, and SQLite's
 * planner and program grow with the terms: 4 KB `pr or …` filters (about 270 terms) of varying shapes grew the
 * process by 200 KB each (docs/decisions.md, "Bounded request cost"). IdPs send one to three terms.
 */
export function assertFilterTermCount(filter: Filter): void {
  let terms = 0;
  const pending: Filter[] = [filter];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.kind === 'compare' || node.kind === 'present') terms += 1;
    else if (node.kind === 'and' || node.kind === 'or') pending.push(node.left, node.right);
    else pending.push(node.filter);
  }
  if (terms > INPUT_LIMITS.maxFilterTerms) throw ScimError.invalidFilter(
      `The filter exceeds the limit of ${INPUT_LIMITS.maxFilterTerms} comparisons.`,
    );
}
