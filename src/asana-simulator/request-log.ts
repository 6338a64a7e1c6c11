import type { LoggedRequest } from './types.js';

/**
 * The log of API requests (control requests are not logged). A sandbox may run for days, so only the most
 * recent entries are kept; old ones are dropped in batches to keep appends O(1) amortized.
 */
const KEEP = 10_000;

export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length >= 2 * KEEP) this.entries = this.entries.slice(-KEEP);
  }

  list(): readonly LoggedRequest[] {
    return this.entries.slice(-KEEP);
  }

  clear(): void {
    this.entries = [];
  }
}
