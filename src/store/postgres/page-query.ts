import type { Queryable } from './database.js';

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
 * One page of a filtered, ordered list (RFC 7644 §3.4.2.4) and the total, as the SQLite store's queryPage: the
 * total is counted only when the page cannot tell it.
 */
export async function queryPage<Row extends Record<string, unknown>>(
  db: Queryable,
  query: PageQuery,
): Promise<{ total: number; rows: Row[] }> {
  const { table, alias, where, order } = query;
  const offset = Math.max(0, Math.trunc(query.startIndex) - 1);
  const limit = Math.max(0, Math.trunc(query.count));
  const rows =
    limit === 0
      ? []
      : (
          await db.query<Row>(
            `SELECT ${alias}.* FROM ${table} WHERE ${where.sql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
            where.params,
          )
        ).rows;
  if (limit > 0 && rows.length < limit && (rows.length > 0 || offset === 0)) {
    return { total: offset + rows.length, rows };
  }
  const counted = await db.query<{ total: number }>(`SELECT count(*) AS total FROM ${table} WHERE ${where.sql}`, where.params);
  return { total: counted.rows[0]?.total ?? 0, rows };
}
