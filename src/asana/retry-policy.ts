import type { AsanaError } from './asana-error.js';

/**
 * Whether an Asana operation may be sent again after a failure whose outcome is unknown.
 * - `always`: repeating it leaves Asana as one call would (every GET, addUser/removeUser, PUT /teams).
 * - `if-not-sent`: repeating it may duplicate its effect (POST /teams: team names are not unique), so only
 *   retry when Asana surely did not act on it.
 */
export type Repeatability = 'always' | 'if-not-sent';

const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(cap, base · 2^attempt)). Spreading retries over the
 * whole interval keeps many callers that failed together from retrying together. `attempt` counts from 0.
 */
export function backoffDelayMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
}

/**
 * A failure may be retried when repeating can succeed (`error.retryable`) and cannot duplicate an effect: either
 * the operation is safe to repeat, or Asana surely did not act on it — a 429 is a refusal before any work, and
 * `notSent` means no connection was ever made.
 */
export function mayRetry(error: AsanaError, repeatability: Repeatability, notSent: boolean): boolean {
  if (!error.retryable) return false;
  return repeatability === 'always' || error.status === 429 || notSent;
}
