import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StoreConflict,
  type AsanaWork,
  type GroupRecord,
  type GroupRef,
  type ListOptions,
  type ListResult,
  type MappingStore,
  type UserRecord,
  type WorkEffect,
  type WorkItem,
} from './mapping-store.js';
import { compileFilterToSql, type SqlFilterTarget } from './filter-sql.js';
import { migrations } from './migrations.js';
import { SYNC_SCHEMA } from '../scim/schemas.js';
import { workKeys } from './work-keys.js';
import { StatementCache } from './statement-cache.js';

/** Where SCIM attributes live in the users table (see migrations.ts), for filters and sorting. */
const userTarget: SqlFilterTarget = {
  json: 'u.data',
  columns: {
    id: 'u.id',
    userName: 'u.user_name',
    externalId: 'u.external_id',
    active: 'u.active',
    'meta.created': 'u.created',
    'meta.lastModified': 'u.last_modified',
    [`${SYNC_SCHEMA}:asanaGid`]: 'u.asana_gid',
    [`${SYNC_SCHEMA}:state`]: 'u.sync_state',
    [`${SYNC_SCHEMA}:attempts`]: 'u.sync_attempts',
    [`${SYNC_SCHEMA}:lastError`]: 'u.sync_error',
  },
  sideTables: {
    emails: {
      table: 'user_emails',
      ownerColumn: 'user_id',
      ownerKey: 'u.id',
      columns: { value: 'value', type: 'type', primary: '"primary"' },
    },
    groups: { table: 'group_members', ownerColumn: 'user_id', ownerKey: 'u.id', columns: { value: 'group_id' } },
  },
};

interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  active: number;
  asana_gid: string | null;
  created: string;
  last_modified: string;
  version: number;
  sync_state: UserRecord['sync']['state'];
  sync_attempts: number;
  sync_error: string | null;
  data: string;
}

interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  asana_gid: string | null;
  created: string;
  last_modified: string;
  version: number;
  sync_state: GroupRecord['sync']['state'];
  sync_attempts: number;
  sync_error: string | null;
  data: string;
}

interface WorkRow {
  id: number;
  resource_key: string;
  order_key: string;
  work: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id,
    active: row.active === 1,
    asanaGid: row.asana_gid,
    created: row.created,
    lastModified: row.last_modified,
    version: row.version,
    sync: { state: row.sync_state, attempts: row.sync_attempts, lastError: row.sync_error },
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

function toGroup(row: GroupRow, memberIds: readonly string[]): GroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    asanaGid: row.asana_gid,
    created: row.created,
    lastModified: row.last_modified,
    version: row.version,
    sync: { state: row.sync_state, attempts: row.sync_attempts, lastError: row.sync_error },
    data: JSON.parse(row.data) as Record<string, unknown>,
    memberIds,
  };
}

function toWork(row: WorkRow): WorkItem {
  return {
    id: row.id,
    resourceKey: row.resource_key,
    orderKey: row.order_key,
    work: JSON.parse(row.work) as AsanaWork,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

function userParams(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    user_name: user.userName,
    external_id: user.externalId,
    active: user.active ? 1 : 0,
    asana_gid: user.asanaGid,
    created: user.created,
    last_modified: user.lastModified,
    version: user.version,
    sync_state: user.sync.state,
    sync_attempts: user.sync.attempts,
    sync_error: user.sync.lastError,
    data: JSON.stringify(user.data),
  };
}

/** The emails side table mirrors `emails` so lookups by address use an index (see migrations.ts). */
function emailsOf(user: UserRecord): Array<{ value: string; type: string | null; primary: number }> {
  const emails = user.data['emails'];
  if (!Array.isArray(emails)) return [];
  return emails
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof e.value === 'string')
    .map((e) => ({
      value: e['value'] as string,
      type: typeof e['type'] === 'string' ? e['type'] : null,
      primary: e['primary'] === true ? 1 : 0,
    }));
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The mapping store on one SQLite file, through better-sqlite3 (synchronous: each method is one transaction). */
export class SqliteStore implements MappingStore {
  private readonly db: Database.Database;
  private readonly statements: StatementCache;

  private constructor(db: Database.Database) {
    this.db = db;
    this.statements = new StatementCache(db);
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(path: string): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // FULL: an answered write survives a power loss, not only a process crash (docs/reliability.md).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    SqliteStore.migrate(db);
    return new SqliteStore(db);
  }

  private static migrate(db: Database.Database): void {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(
      db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          new Date().toISOString(),
        );
      }).immediate();
    }
  }

  async ping(): Promise<void> {
    this.statements.get('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.statements.get('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  async listUsers(options: ListOptions): Promise<ListResult<UserRecord>> {
    const where = options.filter ? compileFilterToSql(options.filter, userTarget) : { sql: '1', params: [] };
    const total = this.statements
      .get(`SELECT count(*) FROM users u WHERE ${where.sql}`)
      .pluck()
      .get(...where.params) as number;
    if (options.count === 0 || options.startIndex > total) return { total, items: [] };
    const direction = options.descending ? 'DESC' : 'ASC';
    const sortExpression = options.sortBy ? sortExpressionFor(options.sortBy, userTarget) : undefined;
    // Creation order (rowid) breaks ties, so pages never overlap or skip (RFC 7644 §3.4.2.4).
    const order = sortExpression ? `${sortExpression} ${direction}, u.rowid ${direction}` : `u.rowid ${direction}`;
    const rows = this.statements
      .get(`SELECT u.* FROM users u WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...where.params, options.count, options.startIndex - 1) as UserRow[];
    return { total, items: rows.map(toUser) };
  }

  async groupsOfUsers(userIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupRef[]>> {
    const result = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return result;
    const rows = this.statements
      .get(
        `SELECT gm.user_id AS userId, g.id AS id, g.display_name AS displayName
         FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id IN (SELECT value FROM json_each(?)) ORDER BY g.display_name`,
      )
      .all(JSON.stringify(userIds)) as Array<{ userId: string; id: string; displayName: string }>;
    for (const row of rows) {
      const list = result.get(row.userId) ?? [];
      list.push({ id: row.id, displayName: row.displayName });
      result.set(row.userId, list);
    }
    return result;
  }

  async insertUser(user: UserRecord, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      this.insertUserRow(user);
      return this.enqueue(work);
    });
  }

  async updateUser(user: UserRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      if (!this.updateUserRow(user, expectedVersion)) this.throwMissingOrVersion('users', user.id);
      return this.enqueue(work);
    });
  }

  async deleteUser(id: string, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      const changed = this.statements.get('DELETE FROM users WHERE id = ? AND version = ?').run(id, expectedVersion)
        .changes;
      if (changed === 0) this.throwMissingOrVersion('users', id);
      return this.enqueue(work);
    });
  }

  async revertUser(
    id: string,
    previous: { user: UserRecord; groupIds: readonly string[] } | undefined,
    writtenVersion: number | undefined,
    workIds: readonly number[],
  ): Promise<boolean> {
    return this.write(() => {
      const current = this.statements.get('SELECT version FROM users WHERE id = ?').pluck().get(id) as
        | number
        | undefined;
      if (current !== writtenVersion) return false;
      this.statements
        .get('DELETE FROM asana_work WHERE id IN (SELECT value FROM json_each(?))')
        .run(JSON.stringify(workIds));
      if (!previous) {
        this.statements.get('DELETE FROM users WHERE id = ?').run(id);
      } else if (current === undefined) {
        this.insertUserRow(previous.user);
        const member = this.statements.get('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
        for (const groupId of previous.groupIds) member.run(groupId, id);
      } else {
        this.updateUserRow(previous.user, current);
      }
      return true;
    });
  }

  async getGroup(id: string): Promise<GroupRecord | undefined> {
    const row = this.statements.get('SELECT * FROM groups WHERE id = ?').get(id) as GroupRow | undefined;
    if (!row) return undefined;
    const members = this.statements
      .get('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY rowid')
      .pluck()
      .all(id) as string[];
    return toGroup(row, members);
  }

  async dueWork(now: number, limit: number): Promise<WorkItem[]> {
    const rows = this.statements
      .get(
        `SELECT w.* FROM asana_work w
         WHERE w.id IN (SELECT min(id) FROM asana_work GROUP BY order_key) AND w.next_attempt_at <= ?
         ORDER BY w.next_attempt_at, w.id LIMIT ?`,
      )
      .all(now, limit) as WorkRow[];
    return rows.map(toWork);
  }

  async workFor(resourceKey: string): Promise<WorkItem[]> {
    const rows = this.statements
      .get('SELECT * FROM asana_work WHERE resource_key = ? ORDER BY id')
      .all(resourceKey) as WorkRow[];
    return rows.map(toWork);
  }

  async oldestWorkId(orderKey: string): Promise<number | undefined> {
    const id = this.statements.get('SELECT min(id) FROM asana_work WHERE order_key = ?').pluck().get(orderKey) as
      | number
      | null;
    return id ?? undefined;
  }

  async completeWork(item: WorkItem, effect: WorkEffect): Promise<void> {
    this.write(() => {
      this.statements.get('DELETE FROM asana_work WHERE id = ?').run(item.id);
      if (effect.kind === 'userLinked') {
        this.statements.get('UPDATE users SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.userId);
      } else if (effect.kind === 'teamLinked') {
        this.statements.get('UPDATE groups SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.groupId);
      }
      const { table, id } = resourceOf(item.resourceKey);
      this.statements
        .get(
          `UPDATE ${table} SET sync_attempts = 0, sync_error = NULL,
             sync_state = CASE WHEN EXISTS (SELECT 1 FROM asana_work WHERE resource_key = ?) THEN 'pending'
                               WHEN sync_state = 'failed' THEN 'failed' ELSE 'synced' END
           WHERE id = ?`,
        )
        .run(item.resourceKey, id);
    });
  }

  async deferWork(item: WorkItem, error: string, nextAttemptAt: number): Promise<void> {
    this.write(() => {
      this.statements
        .get('UPDATE asana_work SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
        .run(error, nextAttemptAt, item.id);
      const { table, id } = resourceOf(item.resourceKey);
      this.statements
        .get(`UPDATE ${table} SET sync_state = 'pending', sync_attempts = ?, sync_error = ? WHERE id = ?`)
        .run(item.attempts + 1, error, id);
    });
  }

  async failWork(item: WorkItem, error: string): Promise<void> {
    this.write(() => {
      this.statements.get('DELETE FROM asana_work WHERE id = ?').run(item.id);
      const { table, id } = resourceOf(item.resourceKey);
      this.statements
        .get(`UPDATE ${table} SET sync_state = 'failed', sync_attempts = ?, sync_error = ? WHERE id = ?`)
        .run(item.attempts + 1, error, id);
    });
  }

  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflict('uniqueness', 'a unique attribute is already taken');
      throw error;
    }
  }

  private insertUserRow(user: UserRecord): void {
    this.statements
      .get(
        `INSERT INTO users (id, user_name, external_id, active, asana_gid, created, last_modified, version,
           sync_state, sync_attempts, sync_error, data)
         VALUES (@id, @user_name, @external_id, @active, @asana_gid, @created, @last_modified, @version,
           @sync_state, @sync_attempts, @sync_error, @data)`,
      )
      .run(userParams(user));
    this.writeEmails(user);
  }

  /** Compare-and-swap on the version; false when the row is missing or at another version. */
  private updateUserRow(user: UserRecord, expectedVersion: number): boolean {
    const changed = this.statements
      .get(
        `UPDATE users SET user_name = @user_name, external_id = @external_id, active = @active,
           asana_gid = @asana_gid, last_modified = @last_modified, version = @version, sync_state = @sync_state,
           sync_attempts = @sync_attempts, sync_error = @sync_error, data = @data
         WHERE id = @id AND version = @expected`,
      )
      .run({ ...userParams(user), expected: expectedVersion }).changes;
    if (changed > 0) this.writeEmails(user);
    return changed > 0;
  }

  private throwMissingOrVersion(table: 'users' | 'groups', id: string): never {
    const exists = this.statements.get(`SELECT 1 FROM ${table} WHERE id = ?`).get(id);
    throw exists
      ? new StoreConflict('version', `${table} ${id} changed meanwhile`)
      : new StoreConflict('missing', `${table} ${id} does not exist`);
  }

  private writeEmails(user: UserRecord): void {
    this.statements.get('DELETE FROM user_emails WHERE user_id = ?').run(user.id);
    const insert = this.statements.get('INSERT INTO user_emails (user_id, value, type, "primary") VALUES (?, ?, ?, ?)');
    for (const email of emailsOf(user)) insert.run(user.id, email.value, email.type, email.primary);
  }

  private enqueue(work: readonly AsanaWork[]): WorkItem[] {
    const insert = this.statements.get(
      'INSERT INTO asana_work (resource_key, order_key, work, next_attempt_at) VALUES (?, ?, ?, 0) RETURNING *',
    );
    return work.map((w) => {
      const { resourceKey, orderKey } = workKeys(w);
      return toWork(insert.get(resourceKey, orderKey, JSON.stringify(w)) as WorkRow);
    });
  }
}

function resourceOf(resourceKey: string): { table: 'users' | 'groups'; id: string } {
  const separator = resourceKey.indexOf(':');
  const type = resourceKey.slice(0, separator);
  return { table: type === 'Group' ? 'groups' : 'users', id: resourceKey.slice(separator + 1) };
}

/** sortBy on a column when the attribute has one, else on the JSON document (RFC 7644 §3.4.2.3). */
function sortExpressionFor(path: string, target: SqlFilterTarget): string {
  const column = target.columns[path];
  if (column) return path === 'userName' ? `${column} COLLATE NOCASE` : column;
  const jsonPath = path.startsWith('urn:')
    ? `$."${path.slice(0, path.lastIndexOf(':'))}".${path.slice(path.lastIndexOf(':') + 1)}`
    : `$.${path}`;
  return `json_extract(${target.json}, '${jsonPath.replaceAll("'", "''")}') COLLATE NOCASE`;
}
