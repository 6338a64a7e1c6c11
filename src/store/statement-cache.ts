import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/** SQL text the kept statements may add up to, in characters; see the class comment for what that bounds. */
const DEFAULT_MAX_SQL_CHARACTERS = 64 * 1024;
/**
 * Longer statements are prepared for one use and not kept. better-sqlite3 frees a statement only when V8
 * collects its wrapper, and V8 does not see the native memory behind it; a statement dropped at once dies young
 * and is collected by the next minor GC, whereas one evicted from the cache has usually been promoted and waits
 * for a major GC, which a process with a small heap seldom runs (docs/decisions.md, "Bounded request cost").
 */
const MAX_CACHED_SQL_CHARACTERS = 2_048;

/**
 * Prepared statements by SQL text. The filters IdPs send compile to a few shapes (values are parameters), so
 * caching keeps the read path free of re-preparation. Bounded by the total length of the kept SQL rather than a
 * count of statements, because a compiled statement's memory grows with its SQL: with a count alone, hostile
 * filters grew the process by hundreds of MB (issue 15). The least recently used statements go first; the budget
 * is small, because the statements IdPs need (point lookups, pages) are a handful.
 */
export class StatementCache {
  private readonly statements: LRUCache<string, Database.Statement>;

  constructor(
    private readonly db: Database.Database,
    maxCharacters = DEFAULT_MAX_SQL_CHARACTERS,
  ) {
    this.statements = new LRUCache({
      maxSize: maxCharacters,
      sizeCalculation: (_statement, sql) => sql.length,
      maxEntrySize: MAX_CACHED_SQL_CHARACTERS,
    });
  }

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement !== undefined) return statement;
    statement = this.db.prepare(sql);
    // Longer SQL than MAX_CACHED_SQL_CHARACTERS is not kept (maxEntrySize).
    this.statements.set(sql, statement);
    return statement;
  }
}
