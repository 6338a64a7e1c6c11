import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SqliteContext } from './database.js';

/** What a kept answer may cost, in bytes, at most, all entries together. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** The cache's entry, its digest key and the box, beyond the answer itself. */
const ENTRY_OVERHEAD_BYTES = 200;

/** An answer, boxed: "no such user" (undefined) is an answer worth keeping too. */
interface Entry {
  readonly answer: unknown;
}

/**
 * Answers to small reads, kept between writes: IdPs poll the same lookups (`userName eq "…"`, `GET /Users/{id}`)
 * far more often than a directory changes. Every write through the store clears it, and a commit by any other
 * connection to the file (the reconcile command) shows in `PRAGMA data_version`, which is checked on every read,
 * so an answer is never older than the last committed write.
 *
 * Bounded in bytes, not entries: a key is the SHA-256 of the query (a 4 KB filter compiles to SQL many times that
 * size, which the key would otherwise hold), and each answer is weighed as it is kept; the least recently used
 * answers go first once the total passes the bound (issue 15: 10,000 distinct expensive queries must not grow the
 * process).
 */
export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  private dataVersion = -1;
  private cleared = 0;

  constructor(
    private readonly sql: SqliteContext,
    maxBytes = DEFAULT_MAX_BYTES,
  ) {
    this.entries = new LRUCache({ maxSize: maxBytes });
  }

  /**
   * The kept answer for `query`, else `load()`'s, kept when `weigh` gives its size in bytes (undefined: too large
   * to be worth keeping).
   */
  get<T>(query: string, load: () => T, weigh: (answer: T) => number | undefined): T {
    this.followOtherConnections();
    const key = hash('sha256', query, 'base64url');
    const kept = this.entries.get(key);
    if (kept !== undefined) return kept.answer as T;
    const answer = load();
    const weight = weigh(answer);
    // An answer larger than the whole bound is not kept (lru-cache's maxEntrySize defaults to maxSize).
    if (weight !== undefined) this.entries.set(key, { answer }, { size: weight + ENTRY_OVERHEAD_BYTES });
    return answer;
  }

  clear(): void {
    this.entries.clear();
    this.cleared++;
  }

  /**
   * A number that changes whenever an answer may have changed: on every clear, ours or one caused by another
   * connection's commit. Answers kept above the store (the HTTP layer's serialized answers) are valid while it
   * stays the same.
   */
  generation(): number {
    this.followOtherConnections();
    return this.cleared;
  }

  /** A number that changes whenever another connection (the reconcile command, a replica) has committed. */
  othersCommits(): number {
    this.followOtherConnections();
    return this.dataVersion;
  }

  private followOtherConnections(): void {
    const version = this.sql.statements.get('PRAGMA data_version').pluck().get() as number;
    if (version !== this.dataVersion) {
      this.clear();
      this.dataVersion = version;
    }
  }
}

/**
 * An answer's size in bytes, near enough for a bound: its JSON text, two bytes a character (V8 strings), doubled
 * for the objects that hold it. Maps count as their entries.
 */
export function weighAnswer(answer: unknown): number {
  const text = JSON.stringify(answer, (_key, value: unknown) => (value instanceof Map ? [...value] : value)) ?? '';
  return text.length * 4;
}
