import type { GroupRef, ListOptions, ListResult, UserRecord } from '../mapping-store.js';
import { compileFilterToSql } from '../filter-sql.js';
import { toUser, userParams, type UserRow } from '../rows.js';
import { postgresDialect } from '../sql-dialect.js';
import { sortExpressionFor } from '../sql-targets.js';
import type { Queryable } from './database.js';
import { queryPage } from './page-query.js';
import { pgUserTarget } from './targets.js';

/** Queries and writes of the users table and its emails side table, as sqlite/user-table.ts; callers own the transaction. */
export class PgUserTable {
  async get(db: Queryable, id: string): Promise<UserRecord | undefined> {
    const row = (await db.query<UserRow & Record<string, unknown>>('SELECT * FROM users WHERE id = $1', [id])).rows[0];
    return row ? toUser(row) : undefined;
  }

  async byIds(db: Queryable, ids: readonly string[]): Promise<Map<string, UserRecord>> {
    const { rows } = await db.query<UserRow & Record<string, unknown>>('SELECT * FROM users WHERE id = ANY($1::text[])', [ids]);
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }

  async list(db: Queryable, options: ListOptions): Promise<ListResult<UserRecord>> {
    const where = options.filter
      ? compileFilterToSql(options.filter, pgUserTarget, postgresDialect)
      : { sql: 'true', params: [] };
    const direction = options.descending ? 'DESC' : 'ASC';
    // Creation order (rowid) breaks ties, so pages never overlap or skip (RFC 7644 §3.4.2.4).
    const order = options.sortBy
      ? `${sortExpressionFor(options.sortBy, pgUserTarget, postgresDialect)} ${direction}, u.rowid ${direction}`
      : `u.rowid ${direction}`;
    const page = await queryPage<UserRow & Record<string, unknown>>(db, { table: 'users u', alias: 'u', where, order, ...options });
    return { total: page.total, items: page.rows.map(toUser) };
  }

  async groupsOf(db: Queryable, userIds: readonly string[]): Promise<Map<string, GroupRef[]>> {
    const result = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return result;
    const { rows } = await db.query<{ userId: string; id: string; displayName: string }>(
      `SELECT gm.user_id AS "userId", g.id AS id, g.display_name AS "displayName"
       FROM group_members gm JOIN groups g ON g.id = gm.group_id
       WHERE gm.user_id = ANY($1::text[]) AND g.deleted = 0 ORDER BY g.display_name COLLATE "C"`,
      [userIds],
    );
    for (const row of rows) {
      const list = result.get(row.userId) ?? [];
      list.push({ id: row.id, displayName: row.displayName });
      result.set(row.userId, list);
    }
    return result;
  }

  async insert(db: Queryable, user: UserRecord): Promise<void> {
    const p = userParams(user);
    await db.query(
      `INSERT INTO users (id, user_name, asana_email, email_in_asana, external_id, active, asana_gid, created,
         last_modified, version, sync_state, sync_attempts, sync_error, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [p['id'], p['user_name'], p['asana_email'], p['email_in_asana'], p['external_id'], p['active'], p['asana_gid'],
        p['created'], p['last_modified'], p['version'], p['sync_state'], p['sync_attempts'], p['sync_error'], p['data']],
    );
    await this.writeEmails(db, user);
  }

  /** Compare-and-swap on the version; the Asana gid and sync state are the work queue's (see sqlite/user-table.ts). */
  async update(db: Queryable, user: UserRecord, expectedVersion: number): Promise<boolean> {
    const p = userParams(user);
    const { rowCount } = await db.query(
      `UPDATE users SET user_name = $2, asana_email = $3, email_in_asana = coalesce(email_in_asana, $4),
         external_id = $5, active = $6, last_modified = $7, version = $8, data = $9
       WHERE id = $1 AND version = $10`,
      [p['id'], p['user_name'], p['asana_email'], p['email_in_asana'], p['external_id'], p['active'],
        p['last_modified'], p['version'], p['data'], expectedVersion],
    );
    if ((rowCount ?? 0) > 0) await this.writeEmails(db, user);
    return (rowCount ?? 0) > 0;
  }

  async delete(db: Queryable, id: string, expectedVersion: number | undefined): Promise<boolean> {
    const { rowCount } =
      expectedVersion === undefined
        ? await db.query('DELETE FROM users WHERE id = $1', [id])
        : await db.query('DELETE FROM users WHERE id = $1 AND version = $2', [id, expectedVersion]);
    return (rowCount ?? 0) > 0;
  }

  /** What a reconciliation saw Asana hold for the person. */
  async setEmailInAsana(db: Queryable, id: string, email: string, guest: boolean): Promise<void> {
    await db.query('UPDATE users SET email_in_asana = $2, asana_guest = $3 WHERE id = $1', [id, email, guest ? 1 : 0]);
  }

  async version(db: Queryable, id: string): Promise<number | undefined> {
    return (await db.query<{ version: number }>('SELECT version FROM users WHERE id = $1', [id])).rows[0]?.version;
  }

  private async writeEmails(db: Queryable, user: UserRecord): Promise<void> {
    await db.query('DELETE FROM user_emails WHERE user_id = $1', [user.id]);
    const emails = user.data['emails'];
    if (!Array.isArray(emails)) return;
    for (const email of emails) {
      if (typeof email !== 'object' || email === null || typeof email.value !== 'string') continue;
      const primary = typeof email.primary === 'boolean' ? Number(email.primary) : null;
      await db.query('INSERT INTO user_emails (user_id, value, type, "primary") VALUES ($1, $2, $3, $4)', [
        user.id,
        email.value,
        typeof email.type === 'string' ? email.type : null,
        primary,
      ]);
    }
  }
}
