import { readFileSync } from 'node:fs';
import type { AssertionResult } from './run-collection.js';

/**
 * An assertion that may fail because it encodes the Microsoft reference server's own habits or a documented
 * limit of Asana, not what an IdP needs. Each one is listed with its reason in docs/compatibility.md.
 */
export interface AllowedFailure {
  readonly collection: string;
  readonly request: string;
  readonly assertion: string;
  readonly reason: string;
}

/** A collection's assertions sorted against the list. */
export interface Verdict {
  readonly passed: AssertionResult[];
  /** Failed, and listed. */
  readonly allowed: Array<AssertionResult & { reason: string }>;
  /** Failed, and not listed: the run fails. */
  readonly unexpected: AssertionResult[];
  /** Listed, but passed or did not run: the run fails, so the list stays honest. */
  readonly stale: AllowedFailure[];
}

export function loadAllowedFailures(path: string): AllowedFailure[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { allowedFailures?: unknown };
  const list = parsed.allowedFailures;
  const valid = (entry: unknown): entry is AllowedFailure => {
    if (typeof entry !== 'object' || entry === null) return false;
    const e = entry as Record<string, unknown>;
    return ['collection', 'request', 'assertion', 'reason'].every((k) => typeof e[k] === 'string' && e[k] !== '');
  };
  if (!Array.isArray(list) || !list.every(valid)) {
    throw new Error(`${path}: "allowedFailures" must be a list of {collection, request, assertion, reason}`);
  }
  return list;
}

/**
 * Sorts one collection's results. An entry covers every failure of its request path and assertion name (the
 * Microsoft collection repeats some request names in one folder); it is stale when none of them failed.
 */
export function judge(
  collection: string,
  results: readonly AssertionResult[],
  list: readonly AllowedFailure[],
): Verdict {
  const entries = list.filter((entry) => entry.collection === collection);
  const find = (r: AssertionResult) => entries.find((e) => e.request === r.request && e.assertion === r.assertion);
  const used = new Set<AllowedFailure>();
  const verdict: Verdict = { passed: [], allowed: [], unexpected: [], stale: [] };
  for (const result of results) {
    if (result.passed) {
      verdict.passed.push(result);
      continue;
    }
    const entry = find(result);
    if (entry) {
      used.add(entry);
      verdict.allowed.push({ ...result, reason: entry.reason });
    } else verdict.unexpected.push(result);
  }
  verdict.stale.push(...entries.filter((entry) => !used.has(entry)));
  return verdict;
}
