import pg from 'pg';
import { migrations } from '../migrations.js';
import { StoreConflict } from '../mapping-store.js';

/** What the table modules run statements on: the pool (reads) or a transaction's client (writes). */
export interface Queryable {
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<Row>>;
}

/**
 * bigint (int8) columns and count(*) come back as numbers: millisecond timestamps and counts stay far below 2^53,
 * and the records carry numbers on both engines.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Chosen once, by hand: the key of the advisory lock every replica takes to migrate ('scim' in ASCII). */
const MIGRATION_LOCK = 0x7363696d;
/** SQLSTATEs of a transaction PostgreSQL rolled back for a concurrent one: run it again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 20;

export interface PostgresContext {
  readonly pool: pg.Pool;
  /**
   * Runs `fn` in one SERIALIZABLE transaction, again when PostgreSQL aborts it for a concurrent one, so every write
   * method sees the database as if it were alone, as SQLite's immediate transactions do. Unique and foreign-key
   * violations become StoreConflicts, as in the SQLite store.
   */
  transaction<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one READ COMMITTED transaction holding the advisory lock named `lock` until it ends: transactions
   * under one lock run one at a time across replicas, each statement seeing what the previous holder committed.
   * For claims and the Asana budget, which many replicas contend for: as SERIALIZABLE they would mostly be rolled
   * back and retried.
   */
  serialized<T>(lock: string, fn: (db: Queryable) => Promise<T>): Promise<T>;
}

/** Connects to `url` and applies pending migrations (once, whichever replica gets the lock first). */
export async function openDatabase(url: string): Promise<PostgresContext> {
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    pool,
    transaction: (fn) => transaction(pool, 'BEGIN ISOLATION LEVEL SERIALIZABLE', undefined, fn),
    serialized: (lock, fn) => transaction(pool, 'BEGIN ISOLATION LEVEL READ COMMITTED', lock, fn),
  };
}

/**
 * The same versioned migrations as SQLite (migrations.ts, each one's `postgres` text), each in its own transaction.
 * Replicas starting together queue on a session advisory lock: the first applies what is pending, the others then
 * find it applied. A replica of an older version finds versions it does not know and runs on: migrations only add
 * (docs/decisions.md), so old code keeps working on the new schema during a rolling upgrade.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.postgres);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function transaction<T>(
  pool: pg.Pool,
  begin: string,
  lock: string | undefined,
  fn: (db: Queryable) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query(begin);
      if (lock !== undefined) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        continue;
      }
      if (code === '23505') throw new StoreConflict('uniqueness', 'a unique attribute is already taken');
      if (code === '23503') throw new StoreConflict('reference', 'a referenced resource does not exist');
      throw error;
    } finally {
      client.release();
    }
  }
}
