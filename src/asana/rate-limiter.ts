import { FifoQueue } from './fifo-queue.js';

/** Asana keeps separate concurrency pools for GETs and for writes (POST/PUT/PATCH/DELETE). */
export type RequestKind = 'read' | 'write';

/** Call once when the response (or the failure) has arrived; later calls are ignored. */
export type ReleaseSlot = () => void;

/**
 * The token's request budget as the client sees it: a slot per request, and a pause after a 429. RateLimiter is
 * one process's; the bridge wires in one shared by every process using the token (docs/reliability.md, Replicas).
 */
export interface RequestBudget {
  /** Waits for a slot; resolves with the function that gives it back. */
  acquire(kind: RequestKind): Promise<ReleaseSlot>;
  /** A 429's Retry-After: nobody sharing this budget sends anything until it has passed. */
  pause(ms: number): void;
}

export interface RateLimiterOptions {
  /** Requests allowed in any rolling window; Asana: 150 (free) or 1,500 (paid) per minute per token. */
  requestsPerMinute: number;
  /** Asana allows 50 concurrent GETs per token. */
  maxConcurrentReads?: number;
  /** Asana allows 15 concurrent writes per token (an older page said 20; 15 is the current figure). */
  maxConcurrentWrites?: number;
  /** Length of the rolling window; Asana's is a minute. Tests shrink it to keep the suite fast. */
  windowMs?: number;
  /**
   * Longest pause one Retry-After imposes on the whole token; default 60 s, one of Asana's rate windows. A longer
   * Retry-After still defers the call that received it (see MAX_RETRY_AFTER_MS in send-request.ts); the others
   * resume after this, and if the token is still limited the next call's 429 pauses them again.
   */
  maxPauseMs?: number;
}

interface Waiter {
  readonly seq: number;
  readonly grant: (release: ReleaseSlot) => void;
}

/**
 * Asana's limits are per token, so one RateLimiter serves every client that uses the same token.
 *
 * Rolling window: Asana counts a request when it ARRIVES, which we cannot observe; we only know it arrived no
 * earlier than we sent it and no later than its response (or failure) reached us. So a request occupies a window
 * slot from the moment it is sent until `windowMs` after its response arrived. For any `windowMs` span of arrival
 * times, take the request in it that was sent last: every other request in that span was sent before it and its
 * response came back after the span began, so its slot was still held when the last one was sent. Hence we never
 * send more than `requestsPerMinute` requests that can arrive within one window, and a server that counts by
 * arrival with the same limit never answers 429 for the window. (Rejected requests count too, on both sides.)
 *
 * Waiting callers are served first come, first served; a read never waits behind a write that is blocked only by
 * the write pool, nor the other way round. Nothing polls: a waiter is woken by a release, or by the one timer that
 * is armed only while the oldest eligible waiter is blocked by the window or by a Retry-After pause.
 */
export class RateLimiter implements RequestBudget {
  readonly #requestsPerWindow: number;
  readonly #windowMs: number;
  readonly #maxPauseMs: number;
  readonly #maxInFlight: Record<RequestKind, number>;
  readonly #inFlight: Record<RequestKind, number> = { read: 0, write: 0 };
  readonly #waiting: Record<RequestKind, FifoQueue<Waiter>> = { read: new FifoQueue(), write: new FifoQueue() };
  /** When each completed request's slot frees up; non-decreasing because releases happen in time order. */
  readonly #slotExpiries = new FifoQueue<number>();
  #pausedUntil = 0;
  #nextSeq = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions) {
    this.#requestsPerWindow = positiveInteger('requestsPerMinute', options.requestsPerMinute);
    this.#windowMs = positiveInteger('windowMs', options.windowMs ?? 60_000);
    this.#maxPauseMs = positiveInteger('maxPauseMs', options.maxPauseMs ?? 60_000);
    this.#maxInFlight = {
      read: positiveInteger('maxConcurrentReads', options.maxConcurrentReads ?? 50),
      write: positiveInteger('maxConcurrentWrites', options.maxConcurrentWrites ?? 15),
    };
  }

  /** Waits for a slot; resolves with the function that gives it back. */
  acquire(kind: RequestKind): Promise<ReleaseSlot> {
    return new Promise((resolve) => {
      this.#waiting[kind].push({ seq: this.#nextSeq++, grant: resolve });
      this.#dispatch();
    });
  }

  /** A 429's Retry-After: nobody sharing this token sends anything until it has passed (at most maxPauseMs). */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, performance.now() + Math.min(ms, this.#maxPauseMs));
    this.#dispatch();
  }

  #dispatch(): void {
    const now = performance.now();
    while ((this.#slotExpiries.peek() ?? Infinity) <= now) this.#slotExpiries.shift();
    clearTimeout(this.#timer);
    this.#timer = undefined;

    for (let kind = this.#oldestEligible(); kind !== undefined; kind = this.#oldestEligible()) {
      if (now < this.#pausedUntil) return this.#wakeAt(this.#pausedUntil, now);
      const used = this.#inFlight.read + this.#inFlight.write + this.#slotExpiries.length;
      if (used >= this.#requestsPerWindow) {
        // Every slot may be held by an in-flight request: then no expiry is pending and a release wakes us.
        const expiry = this.#slotExpiries.peek();
        if (expiry !== undefined) this.#wakeAt(expiry, now);
        return;
      }
      const waiter = this.#waiting[kind].shift();
      if (waiter === undefined) return;
      this.#inFlight[kind] += 1;
      waiter.grant(this.#releaser(kind));
    }
  }

  /** The kind whose head waiter came first, among the kinds with a free concurrency slot. */
  #oldestEligible(): RequestKind | undefined {
    let best: RequestKind | undefined;
    let bestSeq = Infinity;
    for (const kind of ['read', 'write'] as const) {
      const head = this.#waiting[kind].peek();
      if (head !== undefined && this.#inFlight[kind] < this.#maxInFlight[kind] && head.seq < bestSeq) {
        best = kind;
        bestSeq = head.seq;
      }
    }
    return best;
  }

  #releaser(kind: RequestKind): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight[kind] -= 1;
      this.#slotExpiries.push(performance.now() + this.#windowMs);
      this.#dispatch();
    };
  }

  #wakeAt(at: number, now: number): void {
    // At least 1 ms: a timer that fires a hair early must not spin.
    this.#timer = setTimeout(() => this.#dispatch(), Math.max(1, Math.ceil(at - now)));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
