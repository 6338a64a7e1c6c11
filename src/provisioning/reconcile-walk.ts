import { setTimeout as sleep } from 'node:timers/promises';
import { AsanaError } from '../asana/asana-error.js';
import { paginate } from '../asana/paginate.js';
import type { Page } from '../asana/types.js';

/** Times a walk whose offset expired starts again before it is given up (and reported). */
const MAX_RESTARTS = 3;
/** Rate-limit pauses one call sits out before the pass gives up on it. */
const MAX_PAUSES = 10;
/** A 429 without Retry-After (Asana always sends one; a proxy might not) waits this long. */
const DEFAULT_PAUSE_MS = 5_000;

/** Why a walk ended without reaching the end of its list: the pass reports it and goes on. */
export class WalkAbandoned extends Error {
  override readonly name = 'WalkAbandoned';
}

/**
 * How a reconciliation pass reads Asana (issue 10, "a reconciler that survives real answers"). It is not in a
 * hurry, unlike an IdP's request: a 429 whose Retry-After outlasts the client's retry budget (the cost limit, a
 * busy token) is waited out, not the end of the pass. Asana's offsets are opaque and expire (400, facts.md §5):
 * a walk whose offset expired starts again from the first page, its items keyed by gid so none counts twice.
 */
export class ReconcileWalker {
  calls = 0;

  constructor(private readonly pauseMs: (retryAfterMs: number | undefined) => number = (ms) => ms ?? DEFAULT_PAUSE_MS) {}

  /** One call, waiting out rate limits. */
  async call<T>(fetch: () => Promise<T>): Promise<T> {
    for (let pauses = 0; ; pauses++) {
      this.calls += 1;
      try {
        return await fetch();
      } catch (error) {
        if (!(error instanceof AsanaError && error.status === 429) || pauses >= MAX_PAUSES) throw error;
        await sleep(this.pauseMs(error.retryAfterMs), undefined, { ref: false });
      }
    }
  }

  /**
   * Every item of a paged list, by gid. Throws WalkAbandoned when the offsets keep expiring or Asana refuses the
   * list as too long (a 400 on a later page); any other failure as it is.
   */
  async walk<T extends { gid: string }>(fetchPage: (offset?: string) => Promise<Page<T>>): Promise<Map<string, T>> {
    for (let restarts = 0; ; restarts++) {
      const items = new Map<string, T>();
      let paged = false;
      try {
        for await (const item of paginate((offset) => {
          paged ||= offset !== undefined;
          return this.call(() => fetchPage(offset));
        })) {
          items.set(item.gid, item);
        }
        return items;
      } catch (error) {
        // A 400 on a page after the first: the offset expired, or Asana asks for a narrower query.
        if (!(error instanceof AsanaError && error.status === 400 && paged)) throw error;
        if (restarts >= MAX_RESTARTS) {
          throw new WalkAbandoned(`Asana refused to page the list further (${error.message}), ${restarts + 1} times`);
        }
      }
    }
  }
}
