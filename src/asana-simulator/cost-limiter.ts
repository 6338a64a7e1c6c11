/**
 * Asana's cost limit (facts.md §2.7, §5): besides counting requests, Asana charges GETs for the graph they
 * traverse, per rolling window; the balance "may go negative", and while it is not positive the next request is
 * refused with 429 and Retry-After. Asana publishes neither the cost of a request nor the quota; here a GET costs the
 * number of objects it answers (at least 1) and the quota is a setting.
 */
export class CostLimiter {
  /** Charges in arrival order: [time, cost]. */
  private charges: Array<[number, number]> = [];
  private spent = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Undefined when a GET may go ahead now; otherwise the Retry-After in seconds. */
  refusal(now: number): number | undefined {
    this.expire(now);
    if (this.spent < this.limit) return undefined;
    // Room returns once enough of the oldest charges have left the window to bring the balance positive.
    let spent = this.spent;
    for (const [at, cost] of this.charges) {
      spent -= cost;
      if (spent < this.limit) return Math.max(1, Math.ceil((at + this.windowMs - now) / 1000));
    }
    return 1;
  }

  charge(now: number, cost: number): void {
    this.charges.push([now, cost]);
    this.spent += cost;
  }

  private expire(now: number): void {
    const horizon = now - this.windowMs;
    let drop = 0;
    for (const [at, cost] of this.charges) {
      if (at > horizon) break;
      this.spent -= cost;
      drop += 1;
    }
    if (drop > 0) this.charges = this.charges.slice(drop);
  }
}
