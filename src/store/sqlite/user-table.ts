import type { GroupRef, ListOptions, ListResult, UserRecord } from '../mapping-store.js';
import { compileFilterToSql } from '../filter-sql.js';
import type { SqliteContext } from './database.js';
import { queryPage } from './page-query.js';
import { weighAnswer, type ReadCache } from './read-cache.js';
import { toUser, userParams, type UserRow } from '../rows.js';
import { sortExpressionFor, userTarget } from '../sql-targets.js';

/** Answers of at most this many users are kept by the read cache: point lookups, not pages. */
const SMALL_ANSWER = 10;

/** Queries and writes of the users table and its emails side table; callers own the transaction. */
export class UserTable {
  /**
   * The rowids in creation order, kept apart from the read cache: reading them costs about 30 ms at 100,000 users,
   * and only an insert or a delete changes them, not the sync-state writes the work queue makes all the time. 8
   * bytes a user.
   */
  private creationOrder: { readonly rowids: Float64Array; readonly othersCommits: number } | undefined;

  constructor(
    private readonly sql: SqliteContext,
    private readonly cache: ReadCache,
  ) {}

  get(id: string): UserRecord | undefined {
    return this.cache.get(`id ${id}`, () => {
      const row = this.sql.statements.get('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
      return row ? toUser(row) : undefined;
    }, weighAnswer);
  }

  byIds(ids: readonly string[]): Map<string, UserRecord> {
    const rows = this.sql.statements
      .get('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as UserRow[];
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }

  list(options: ListOptions): ListResult<UserRecord> {
    if (!options.filter && !options.sortBy) return this.pageInCreationOrder(options);
    const where = options.filter ? compileFilterToSql(options.filter, userTarget) : { sql: '1', params: [] };
    const direction = options.descending ? 'DESC' : 'ASC';
    // Creation order (rowid) breaks ties, so pages never overlap or skip (RFC 7644 §3.4.2.4).
    const order = options.sortBy
      ? `${sortExpressionFor(options.sortBy, userTarget)} ${direction}, u.rowid ${direction}`
      : `u.rowid ${direction}`;
    const key = `list ${where.sql} ${JSON.stringify(where.params)} ${order} ${options.startIndex} ${options.count}`;
    return this.cache.get(key, () => {
      const page = queryPage<UserRow>(this.sql, { table: 'users u', alias: 'u', where, order, ...options });
      return { total: page.total, items: page.rows.map(toUser) };
    }, (answer) => (answer.items.length <= SMALL_ANSWER ? weighAnswer(answer) : undefined));
  }

  /**
   * The unfiltered list, as IdPs import it (`startIndex=…&count=100` to the end), paged by key instead of OFFSET:
   * the rowids in creation order are read once from the smallest index and kept until a user is inserted or
   * deleted, here or by another connection, so a page at any depth is one range scan of `count` rows, and the
   * total is the array's length (docs/benchmarks.md, "Reads at scale"). An OFFSET page steps over every row before it.
   */
  private pageInCreationOrder(options: ListOptions): ListResult<UserRecord> {
    const othersCommits = this.cache.othersCommits();
    if (this.creationOrder?.othersCommits !== othersCommits) {
      this.creationOrder = { rowids: this.rowidsInCreationOrder(), othersCommits };
    }
    const { rowids } = this.creationOrder;
    const total = rowids.length;
    const count = Math.max(0, Math.min(Math.trunc(options.count), total - (options.startIndex - 1)));
    if (count === 0) return { total, items: [] };
    const first = options.startIndex - 1;
    const [low, high] = options.descending
      ? [rowids[total - first - count], rowids[total - first - 1]]
      : [rowids[first], rowids[first + count - 1]];
    const rows = this.sql.statements
      .get(`SELECT * FROM users WHERE rowid BETWEEN ? AND ? ORDER BY rowid ${options.descending ? 'DESC' : 'ASC'}`)
      .all(low, high) as UserRow[];
    return { total, items: rows.map(toUser) };
  }

  /** Read from the userName index, a fraction of the table's size, and sorted here (a numeric typed-array sort). */
  private rowidsInCreationOrder(): Float64Array {
    const rowids = this.sql.statements.get('SELECT rowid FROM users INDEXED BY users_user_name').pluck().all() as number[];
    return Float64Array.from(rowids).sort();
  }

  groupsOf(userIds: readonly string[]): ReadonlyMap<string, readonly GroupRef[]> {
    return this.cache.get(`groups ${userIds.join(' ')}`, () => this.loadGroupsOf(userIds), (answer) =>
      userIds.length <= SMALL_ANSWER ? weighAnswer(answer) : undefined,
    );
  }

  private loadGroupsOf(userIds: readonly string[]): Map<string, GroupRef[]> {
    const result = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return result;
    // One user (every single-resource read) is an indexed equality; a page's users go through json_each.
    const which = userIds.length === 1 ? 'gm.user_id = ?' : 'gm.user_id IN (SELECT value FROM json_each(?))';
    const rows = this.sql.statements
      .get(
        `SELECT gm.user_id AS userId, g.id AS id, g.display_name AS displayName
         FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE ${which} AND g.deleted = 0 ORDER BY g.display_name`,
      )
      .all(userIds.length === 1 ? userIds[0] : JSON.stringify(userIds)) as Array<{
      userId: string;
      id: string;
      displayName: string;
    }>;
    for (const row of rows) {
      const list = result.get(row.userId) ?? [];
      list.push({ id: row.id, displayName: row.displayName });
      result.set(row.userId, list);
    }
    return result;
  }

  insert(user: UserRecord): void {
    // Dropped before the statement runs: a rolled-back insert costs a re-read, never a stale page.
    this.creationOrder = undefined;
    this.sql.statements
      .get(
        `INSERT INTO users (id, user_name, asana_email, email_in_asana, external_id, active, asana_gid, created,
           last_modified, version, sync_state, sync_attempts, sync_error, data)
         VALUES (@id, @user_name, @asana_email, @email_in_asana, @external_id, @active, @asana_gid, @created,
           @last_modified, @version, @sync_state, @sync_attempts, @sync_error, @data)`,
      )
      .run(userParams(user));
    this.writeEmails(user);
  }

  /**
   * Compare-and-swap on the version; false when the row is missing or at another version. The Asana gid and the
   * sync state are the work queue's (see WorkQueue): a write that read them earlier keeps them as they are now.
   */
  update(user: UserRecord, expectedVersion: number): boolean {
    const changed = this.sql.statements
      .get(
        `UPDATE users SET user_name = @user_name, asana_email = @asana_email,
           email_in_asana = coalesce(email_in_asana, @email_in_asana), external_id = @external_id, active = @active,
           last_modified = @last_modified, version = @version, data = @data
         WHERE id = @id AND version = @expected`,
      )
      .run({ ...userParams(user), expected: expectedVersion }).changes;
    if (changed > 0) this.writeEmails(user);
    return changed > 0;
  }

  delete(id: string, expectedVersion: number): boolean {
    this.creationOrder = undefined;
    return this.sql.statements.get('DELETE FROM users WHERE id = ? AND version = ?').run(id, expectedVersion).changes > 0;
  }

  /** What a reconciliation saw Asana hold for the person. */
  setEmailInAsana(id: string, email: string, guest: boolean): void {
    this.sql.statements.get('UPDATE users SET email_in_asana = ?, asana_guest = ? WHERE id = ?').run(email, guest ? 1 : 0, id);
  }

  version(id: string): number | undefined {
    return this.sql.statements.get('SELECT version FROM users WHERE id = ?').pluck().get(id) as number | undefined;
  }

  /** The emails side table mirrors `emails` so lookups by address use an index (see migrations.ts). */
  private writeEmails(user: UserRecord): void {
    this.sql.statements.get('DELETE FROM user_emails WHERE user_id = ?').run(user.id);
    const emails = user.data['emails'];
    if (!Array.isArray(emails)) return;
    const insert = this.sql.statements.get(
      'INSERT INTO user_emails (user_id, value, type, "primary") VALUES (?, ?, ?, ?)',
    );
    for (const email of emails) {
      if (typeof email !== 'object' || email === null || typeof email.value !== 'string') continue;
      const primary = typeof email.primary === 'boolean' ? Number(email.primary) : null;
      insert.run(user.id, email.value, typeof email.type === 'string' ? email.type : null, primary);
    }
  }
}
