/**
 * Asana's rate limits for one token (shared/reference/asana/facts.md §2.7): at most `perWindow` requests in
 * any rolling window (rejected requests count too, as on Asana), and independent pools of concurrent reads
 * (GET, 50) and writes (POST/PUT/PATCH/DELETE, 15). The caller passes the clock so the limiter stays testable.
 * A concurrency 429's Retry-After lasts until the requests in flight "have either completed or timed out"
 * (facts.md §5): the caller says, on admission, how long each request will hold its slot.
 */
export interface RateLimits {
  perWindow: number;
  windowMs: number;
  maxConcurrentReads: number;
  maxConcurrentWrites: number;
}

export type RequestKind = 'read' | 'write';

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; retryAfterSeconds: number };

/** Once this many stamps have expired, and they are most of the queue, drop them in one slice. */
const COMPACT_AFTER = 1024;

export class RateLimiter {
  /** Arrival times in ms, oldest first; stamps before `head` have left the window. */
  private stamps: number[] = [];
  private head = 0;
  /** For each request in flight, when it is expected to end. */
  private readonly inFlight: Record<RequestKind, Set<{ until: number }>> = { read: new Set(), write: new Set() };

  constructor(private readonly limits: RateLimits) {}

  admit(kind: RequestKind, now: number, holdMs = 0): Admission {
    this.expire(now);
    const inWindow = this.stamps.length - this.head;
    this.stamps.push(now);
    if (inWindow >= this.limits.perWindow) {
      return { admitted: false, retryAfterSeconds: this.secondsUntilRoom(now) };
    }
    const max = kind === 'read' ? this.limits.maxConcurrentReads : this.limits.maxConcurrentWrites;
    const inFlight = this.inFlight[kind];
    if (inFlight.size >= max) {
      let lastEnd = now;
      for (const { until } of inFlight) lastEnd = Math.max(lastEnd, until);
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((lastEnd - now) / 1000)) };
    }
    const slot = { until: now + holdMs };
    inFlight.add(slot);
    return { admitted: true, release: () => inFlight.delete(slot) };
  }

  private expire(now: number): void {
    const horizon = now - this.limits.windowMs;
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? now) <= horizon) this.head += 1;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The next request gets in once fewer than `perWindow` stamps remain in the window, i.e. once the stamp
   * at position (count - perWindow) from the oldest has expired.
   */
  private secondsUntilRoom(now: number): number {
    const count = this.stamps.length - this.head;
    const freeingStamp = this.stamps[this.head + count - this.limits.perWindow] ?? now;
    const waitMs = freeingStamp + this.limits.windowMs - now;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
