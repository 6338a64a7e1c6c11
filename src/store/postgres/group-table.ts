import type { GroupRecord, ListOptions, ListResult } from '../mapping-store.js';
import { compileFilterToSql } from '../filter-sql.js';
import { groupParams, toGroup, type GroupRow } from '../rows.js';
import { postgresDialect } from '../sql-dialect.js';
import { sortExpressionFor } from '../sql-targets.js';
import type { Queryable } from './database.js';
import { queryPage } from './page-query.js';
import { pgGroupTarget } from './targets.js';

type Row = GroupRow & Record<string, unknown>;

/** Queries and writes of the groups table and its memberships, as sqlite/group-table.ts; callers own the transaction. */
export class PgGroupTable {
  async get(db: Queryable, id: string): Promise<GroupRecord | undefined> {
    const row = (await db.query<Row>('SELECT * FROM groups WHERE id = $1 AND deleted = 0', [id])).rows[0];
    return row ? toGroup(row, await this.members(db, id)) : undefined;
  }

  async list(db: Queryable, options: ListOptions, withMembers: boolean): Promise<ListResult<GroupRecord>> {
    const filter = options.filter
      ? compileFilterToSql(options.filter, pgGroupTarget, postgresDialect)
      : { sql: 'true', params: [] };
    const where = { sql: `g.deleted = 0 AND (${filter.sql})`, params: filter.params };
    const direction = options.descending ? 'DESC' : 'ASC';
    const order = options.sortBy
      ? `${sortExpressionFor(options.sortBy, pgGroupTarget, postgresDialect)} ${direction}, g.rowid ${direction}`
      : `g.rowid ${direction}`;
    const page = await queryPage<Row>(db, { table: 'groups g', alias: 'g', where, order, ...options });
    const items: GroupRecord[] = [];
    for (const row of page.rows) items.push(toGroup(row, withMembers ? await this.members(db, row.id) : []));
    return { total: page.total, items };
  }

  async teamGid(db: Queryable, id: string): Promise<string | null | undefined> {
    const row = (await db.query<{ asana_gid: string | null }>('SELECT asana_gid FROM groups WHERE id = $1', [id])).rows[0];
    return row ? row.asana_gid : undefined;
  }

  async isTeamLinked(db: Queryable, asanaGid: string): Promise<boolean> {
    return (await db.query('SELECT 1 FROM groups WHERE asana_gid = $1 LIMIT 1', [asanaGid])).rows.length > 0;
  }

  async insert(db: Queryable, group: GroupRecord): Promise<void> {
    const p = groupParams(group);
    await db.query(
      `INSERT INTO groups (id, display_name, external_id, asana_gid, created, last_modified, version,
         sync_state, sync_attempts, sync_error, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [p['id'], p['display_name'], p['external_id'], p['asana_gid'], p['created'], p['last_modified'], p['version'],
        p['sync_state'], p['sync_attempts'], p['sync_error'], p['data']],
    );
    await this.writeMembers(db, group.id, group.memberIds);
  }

  /** Compare-and-swap on the version of a live group, or of a tombstone an undo revives (see sqlite/group-table.ts). */
  async update(db: Queryable, group: GroupRecord, expectedVersion: number, revive = false): Promise<boolean> {
    const p = groupParams(group);
    const { rowCount } = await db.query(
      `UPDATE groups SET display_name = $2, external_id = $3, last_modified = $4, version = $5, data = $6, deleted = 0
       WHERE id = $1 AND version = $7 AND (deleted = 0 OR $8)`,
      [p['id'], p['display_name'], p['external_id'], p['last_modified'], p['version'], p['data'], expectedVersion, revive],
    );
    if ((rowCount ?? 0) > 0) await this.writeMembers(db, group.id, group.memberIds);
    return (rowCount ?? 0) > 0;
  }

  async markDeleted(db: Queryable, id: string, expectedVersion: number): Promise<boolean> {
    const { rowCount } = await db.query(
      "UPDATE groups SET deleted = 1, sync_state = 'pending' WHERE id = $1 AND version = $2 AND deleted = 0",
      [id, expectedVersion],
    );
    if ((rowCount ?? 0) > 0) await db.query('DELETE FROM group_members WHERE group_id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async hasMember(db: Queryable, groupId: string, userId: string): Promise<boolean> {
    const { rows } = await db.query('SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2', [groupId, userId]);
    return rows.length > 0;
  }

  async groupsOfMember(db: Queryable, userId: string): Promise<string[]> {
    const { rows } = await db.query<{ group_id: string }>(
      'SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = $1 AND g.deleted = 0',
      [userId],
    );
    return rows.map((r) => r.group_id);
  }

  async touch(db: Queryable, ids: readonly string[], at: string): Promise<void> {
    await db.query('UPDATE groups SET version = version + 1, last_modified = $1 WHERE id = ANY($2::text[]) AND deleted = 0', [
      at,
      ids,
    ]);
  }

  async purgeIfDone(db: Queryable, id: string): Promise<boolean> {
    const { rowCount } = await db.query(
      `DELETE FROM groups WHERE id = $1 AND deleted = 1
         AND NOT EXISTS (SELECT 1 FROM asana_work WHERE resource_key = 'Group:' || groups.id AND failed = 0)`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  async delete(db: Queryable, id: string): Promise<void> {
    await db.query('DELETE FROM groups WHERE id = $1', [id]);
  }

  async state(db: Queryable, id: string): Promise<{ version: number; deleted: boolean } | undefined> {
    const row = (await db.query<{ version: number; deleted: number }>('SELECT version, deleted FROM groups WHERE id = $1', [id]))
      .rows[0];
    return row ? { version: row.version, deleted: row.deleted === 1 } : undefined;
  }

  async members(db: Queryable, groupId: string): Promise<string[]> {
    const { rows } = await db.query<{ user_id: string }>(
      'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY rowid',
      [groupId],
    );
    return rows.map((r) => r.user_id);
  }

  async addMembers(db: Queryable, groupId: string, userIds: readonly string[]): Promise<void> {
    await db.query(
      `INSERT INTO group_members (group_id, user_id) SELECT $1, m FROM unnest($2::text[]) WITH ORDINALITY AS t(m, n)
       ORDER BY n ON CONFLICT DO NOTHING`,
      [groupId, userIds],
    );
  }

  /** Makes the stored memberships equal `memberIds`, keeping existing rows (and so their order). */
  private async writeMembers(db: Queryable, groupId: string, memberIds: readonly string[]): Promise<void> {
    await db.query('DELETE FROM group_members WHERE group_id = $1 AND NOT (user_id = ANY($2::text[]))', [groupId, memberIds]);
    await this.addMembers(db, groupId, memberIds);
  }
}
