import { setTimeout as sleep } from 'node:timers/promises';
import type { AsanaCallObserver } from './call-observer.js';
import type { RequestBudget } from './rate-limiter.js';
import { backoffDelayMs, mayRetry, type Repeatability } from './retry-policy.js';
import type { AsanaEnvelope, AsanaRequest, AttemptOutcome } from './send-request.js';

/** pino-compatible; receives no token, no headers and no bodies. */
export interface AsanaLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetryContext {
  readonly send: (request: AsanaRequest) => Promise<AttemptOutcome>;
  readonly limiter: RequestBudget;
  /** Time allowed for retrying, counted from the first failure; a wait that would overrun it is not started. */
  readonly retryBudgetMs: number;
  readonly random: () => number;
  readonly logger?: AsanaLogger;
  readonly observer?: AsanaCallObserver;
}

export interface AsanaCall {
  /** Asana's operationId, for the logs. */
  readonly operation: string;
  readonly request: AsanaRequest;
  readonly repeatability: Repeatability;
}

/**
 * Sends one Asana call through the token's limiter, retrying what may be retried (see retry-policy.ts) until it
 * succeeds or the retry budget is spent; then the last AsanaError is thrown as it is, retryable or not, so the
 * caller (provisioning) can queue the work for later.
 */
export async function callWithRetry(context: RetryContext, call: AsanaCall): Promise<AsanaEnvelope> {
  const { limiter, logger } = context;
  const { operation, request } = call;
  const kind = request.method === 'GET' ? 'read' : 'write';
  let firstFailureAt: number | undefined;

  for (let attempt = 0; ; attempt += 1) {
    const release = await limiter.acquire(kind);
    const sentAt = performance.now();
    let outcome: AttemptOutcome;
    try {
      outcome = await context.send(request);
    } finally {
      release();
    }
    const status = outcome.ok ? outcome.status : outcome.error.status;
    const durationMs = performance.now() - sentAt;
    const ms = Math.round(durationMs);
    context.observer?.onAttempt({ operation, method: request.method, status, durationMs });
    logger?.debug({ operation, method: request.method, path: request.path, attempt, status, ms }, 'asana request');
    if (outcome.ok) return outcome.envelope;

    const { error } = outcome;
    // A 429 means this token is over its limit for everyone who uses it, not just for this call.
    const pausedMs = error.status === 429 ? error.retryAfterMs : undefined;
    if (pausedMs !== undefined) limiter.pause(pausedMs);
    if (!mayRetry(error, call.repeatability, outcome.notSent)) throw error;

    const now = performance.now();
    firstFailureAt ??= now;
    // A Retry-After, or for a call that got no answer the time it may still take to land (send-request.ts).
    const waitMs = pausedMs ?? error.retryAfterMs ?? backoffDelayMs(attempt, context.random);
    if (now - firstFailureAt + waitMs >= context.retryBudgetMs) throw error;
    logger?.warn(
      { operation, method: request.method, path: request.path, attempt, status, waitMs },
      'asana call retrying',
    );
    // After a 429 this call waits its whole Retry-After even where the limiter's shared pause is shorter.
    await sleep(waitMs);
  }
}
