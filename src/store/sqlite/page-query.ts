import type { SqliteContext } from './database.js';

export interface PageQuery {
  /** e.g. `users u`; rows are selected as `<alias>.*`. */
  readonly table: string;
  readonly alias: string;
  readonly where: { readonly sql: string; readonly params: readonly unknown[] };
  readonly order: string;
  readonly startIndex: number;
  readonly count: number;
}

/**
 * One page of a filtered, ordered list (RFC 7644 §3.4.2.4) and the total. LIMIT and OFFSET are written into the
 * SQL as integers: bound as parameters, they make this SQLite build re-prepare the statement on every run
 * (docs/benchmarks.md). The total is counted only when the page cannot tell it: a page that is partial, and not an
 * empty page past the first index, ends the list.
 */
export function queryPage<Row>(sql: SqliteContext, query: PageQuery): { total: number; rows: Row[] } {
  const { table, alias, where, order } = query;
  const offset = Math.max(0, Math.trunc(query.startIndex) - 1);
  const limit = Math.max(0, Math.trunc(query.count));
  const rows =
    limit === 0
      ? []
      : (sql.statements
          .get(`SELECT ${alias}.* FROM ${table} WHERE ${where.sql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`)
          .all(...where.params) as Row[]);
  if (limit > 0 && rows.length < limit && (rows.length > 0 || offset === 0)) {
    return { total: offset + rows.length, rows };
  }
  const total = sql.statements
    .get(`SELECT count(*) FROM ${table} WHERE ${where.sql}`)
    .pluck()
    .get(...where.params) as number;
  return { total, rows };
}
