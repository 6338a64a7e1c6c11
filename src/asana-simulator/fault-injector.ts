import { z } from 'zod';
import { SimHttpError } from './sim-http-error.js';
import { createRandom, pick, type Random } from './seeded-random.js';
import type { FaultOptions } from './types.js';

/**
 * Fault injection for API requests (never for /_simulator/ control requests): a fixed latency, the next N
 * requests failing with a chosen status or dropped, and a seeded random share of 500/503 answers.
 */
export type Fault = { kind: 'drop' } | { kind: 'fail'; error: SimHttpError };

const faultOptionsSchema = z.strictObject({
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().int().min(0).optional(),
  failNext: z
    .strictObject({
      count: z.number().int().min(0),
      status: z.number().int().min(400).max(599),
      retryAfterSeconds: z.number().int().min(0).optional(),
    })
    .optional(),
  dropNext: z.number().int().min(0).optional(),
});

/** Validates fault options from a caller or the control API; a bad value is a 400. */
export function parseFaultOptions(input: unknown): FaultOptions {
  const parsed = faultOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw SimHttpError.invalid(issue?.path.join('.') || 'faults', issue?.message ?? 'Invalid value');
  }
  return parsed.data;
}

/** Asana answers 429 with Retry-After; a failNext of 429 without retryAfterSeconds still carries one. */
const DEFAULT_429_RETRY_AFTER_SECONDS = 1;

export class FaultInjector {
  private faults: FaultOptions = {};
  private failLeft = 0;
  private dropLeft = 0;
  private readonly random: Random;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  set(faults: FaultOptions): void {
    this.faults = parseFaultOptions(faults);
    this.failLeft = this.faults.failNext?.count ?? 0;
    this.dropLeft = this.faults.dropNext ?? 0;
  }

  clear(): void {
    this.set({});
  }

  /** The faults as they stand now: counters show what is left, not what was set. */
  current(): FaultOptions {
    const { errorRate, latencyMs, failNext } = this.faults;
    return {
      ...(errorRate !== undefined && { errorRate }),
      ...(latencyMs !== undefined && { latencyMs }),
      ...(failNext !== undefined && this.failLeft > 0 && { failNext: { ...failNext, count: this.failLeft } }),
      ...(this.dropLeft > 0 && { dropNext: this.dropLeft }),
    };
  }

  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /** Decides the fate of one API request; counted faults are consumed here, drops before failures. */
  next(): Fault | undefined {
    if (this.dropLeft > 0) {
      this.dropLeft -= 1;
      return { kind: 'drop' };
    }
    const failNext = this.faults.failNext;
    if (failNext !== undefined && this.failLeft > 0) {
      this.failLeft -= 1;
      const retryAfter =
        failNext.retryAfterSeconds ?? (failNext.status === 429 ? DEFAULT_429_RETRY_AFTER_SECONDS : undefined);
      return { kind: 'fail', error: SimHttpError.forStatus(failNext.status, retryAfter) };
    }
    const errorRate = this.faults.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) {
      return { kind: 'fail', error: SimHttpError.forStatus(pick(this.random, [500, 503])) };
    }
    return undefined;
  }
}
