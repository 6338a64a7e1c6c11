import type { SqliteContext } from './database.js';

/**
 * Answers to small reads, kept between writes: IdPs poll the same lookups (`userName eq "…"`, `GET /Users/{id}`)
 * far more often than a directory changes. Every write through the store clears it, and a commit by any other
 * connection to the file (the reconcile command) shows in `PRAGMA data_version`, which is checked on every read,
 * so an answer is never older than the last committed write. Bounded: it empties itself when full.
 */
export class ReadCache {
  private readonly entries = new Map<string, unknown>();
  private dataVersion = -1;

  constructor(
    private readonly sql: SqliteContext,
    private readonly maxEntries = 10_000,
  ) {}

  /** The kept answer for `key`, else `load()`'s, kept when `keep` says it is small enough to hold. */
  get<T>(key: string, load: () => T, keep: (answer: T) => boolean): T {
    const version = this.sql.statements.get('PRAGMA data_version').pluck().get() as number;
    if (version !== this.dataVersion) {
      this.entries.clear();
      this.dataVersion = version;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const answer = load();
    if (keep(answer)) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, answer);
    }
    return answer;
  }

  clear(): void {
    this.entries.clear();
  }
}
