import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { RateLimiter, type ReleaseSlot, type RequestBudget, type RequestKind } from '../asana/rate-limiter.js';
import type { BudgetLimits, CoordinationStore } from '../store/coordination.js';

export interface SharedAsanaBudgetOptions {
  readonly store: CoordinationStore;
  /** The Asana token; only its digest reaches the store. */
  readonly token: string;
  /** This process among those using the token: the holder of its slots. */
  readonly holder: string;
  readonly requestsPerMinute: number;
  /** Asana's window is a minute; tests shorten it together with the simulator's. */
  readonly windowMs?: number;
  readonly logger: Logger;
}

/** Wait between looks at the shared budget when it names no time (a concurrency slot held elsewhere). */
const POLL_MS = 50;
const MAX_WAIT_MS = 1_000;
/**
 * How long a slot stays in the concurrency pool without renewal: a process that dies mid-request frees the
 * token's pool this long after its last renewal (its slots stay in the window a window longer).
 */
const IN_FLIGHT_LEASE_MS = 10_000;

/**
 * One Asana budget per token across every process that uses it (bridge replicas, `npm run reconcile`): each
 * request takes a slot in the store, which counts requests in flight and those answered within the window for
 * all of them together, with RateLimiter's rule (a slot is held from sending until a window after the answer).
 * A local RateLimiter with the same limits queues this process's callers first come, first served; of those it
 * admits, one per kind at a time asks the store, in that order, so a process waiting for the budget writes to
 * the store a few times a poll interval, not once per waiting request.
 */
export class SharedAsanaBudget implements RequestBudget {
  readonly #local: RateLimiter;
  readonly #limits: BudgetLimits;
  readonly #budgetKey: string;
  /** The tail of each kind's line of requests asking the store, one at a time. */
  readonly #asking: Record<RequestKind, Promise<unknown>> = { read: Promise.resolve(), write: Promise.resolve() };
  #inFlight = 0;
  #renewal: NodeJS.Timeout | undefined;

  constructor(private readonly options: SharedAsanaBudgetOptions) {
    const windowMs = options.windowMs ?? 60_000;
    this.#local = new RateLimiter({ requestsPerMinute: options.requestsPerMinute, windowMs });
    this.#limits = { perWindow: options.requestsPerMinute, windowMs, maxConcurrentReads: 50, maxConcurrentWrites: 15 };
    this.#budgetKey = `sha256:${createHash('sha256').update(options.token).digest('hex')}`;
  }

  async acquire(kind: RequestKind): Promise<ReleaseSlot> {
    const releaseLocal = await this.#local.acquire(kind);
    try {
      const turn = this.#asking[kind].then(() => this.#takeShared(kind));
      this.#asking[kind] = turn.catch(() => undefined);
      const slotId = await turn;
      this.#started();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        releaseLocal();
        this.#ended();
        this.options.store
          .releaseBudgetSlot(slotId, Date.now() + this.#limits.windowMs)
          .catch((error: unknown) => this.options.logger.error({ err: error }, 'asana budget slot release failed'));
      };
    } catch (error) {
      releaseLocal();
      throw error;
    }
  }

  pause(ms: number): void {
    this.#local.pause(ms);
    this.options.store
      .pauseBudget(this.#budgetKey, Date.now() + Math.min(ms, this.#limits.windowMs))
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'asana budget pause failed'));
  }

  async #takeShared(kind: RequestKind): Promise<number> {
    for (;;) {
      const now = Date.now();
      const grant = await this.options.store.takeBudgetSlot({
        budgetKey: this.#budgetKey,
        holder: this.options.holder,
        kind,
        limits: this.#limits,
        now,
        inFlightUntil: now + IN_FLIGHT_LEASE_MS,
        holdUntil: now + IN_FLIGHT_LEASE_MS + this.#limits.windowMs,
      });
      if (grant.granted) return grant.slotId;
      const waitMs = grant.retryAt === undefined ? POLL_MS : Math.min(MAX_WAIT_MS, Math.max(1, grant.retryAt - now));
      await sleep(waitMs);
    }
  }

  /** While requests are in flight, their slots are renewed every third of the lease. */
  #started(): void {
    this.#inFlight += 1;
    if (this.#renewal !== undefined) return;
    this.#renewal = setInterval(() => {
      const until = Date.now() + IN_FLIGHT_LEASE_MS;
      this.options.store
        .renewBudgetSlots(this.options.holder, until, until + this.#limits.windowMs)
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'asana budget slot renewal failed'));
    }, IN_FLIGHT_LEASE_MS / 3);
    this.#renewal.unref();
  }

  #ended(): void {
    this.#inFlight -= 1;
    if (this.#inFlight > 0) return;
    clearInterval(this.#renewal);
    this.#renewal = undefined;
  }
}
