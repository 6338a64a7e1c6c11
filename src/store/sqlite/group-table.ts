import type { GroupRecord, ListOptions, ListResult } from '../mapping-store.js';
import { compileFilterToSql } from '../filter-sql.js';
import type { SqliteContext } from './database.js';
import { queryPage } from './page-query.js';
import { groupParams, toGroup, type GroupRow } from '../rows.js';
import { groupTarget, sortExpressionFor } from '../sql-targets.js';

/**
 * Queries and writes of the groups table and its memberships; callers own the transaction. A deleted group
 * is a tombstone (deleted = 1) until its Asana clean-up has run: invisible to SCIM, still known to the work.
 */
export class GroupTable {
  constructor(private readonly sql: SqliteContext) {}

  get(id: string): GroupRecord | undefined {
    const row = this.sql.statements.get('SELECT * FROM groups WHERE id = ? AND deleted = 0').get(id) as
      | GroupRow
      | undefined;
    return row ? toGroup(row, this.members(id)) : undefined;
  }

  list(options: ListOptions, withMembers: boolean): ListResult<GroupRecord> {
    const filter = options.filter ? compileFilterToSql(options.filter, groupTarget) : { sql: '1', params: [] };
    const where = { sql: `g.deleted = 0 AND (${filter.sql})`, params: filter.params };
    const direction = options.descending ? 'DESC' : 'ASC';
    const order = options.sortBy
      ? `${sortExpressionFor(options.sortBy, groupTarget)} ${direction}, g.rowid ${direction}`
      : `g.rowid ${direction}`;
    const page = queryPage<GroupRow>(this.sql, { table: 'groups g', alias: 'g', where, order, ...options });
    return { total: page.total, items: page.rows.map((row) => toGroup(row, withMembers ? this.members(row.id) : [])) };
  }

  /** The Asana team gid of a group, tombstones included, without loading its members. */
  teamGid(id: string): string | null | undefined {
    return this.sql.statements.get('SELECT asana_gid FROM groups WHERE id = ?').pluck().get(id) as
      | string
      | null
      | undefined;
  }

  /** True when some group (deleted or not) is linked to this Asana team. */
  isTeamLinked(asanaGid: string): boolean {
    return this.sql.statements.get('SELECT 1 FROM groups WHERE asana_gid = ?').get(asanaGid) !== undefined;
  }

  insert(group: GroupRecord): void {
    this.sql.statements
      .get(
        `INSERT INTO groups (id, display_name, external_id, asana_gid, created, last_modified, version,
           sync_state, sync_attempts, sync_error, data)
         VALUES (@id, @display_name, @external_id, @asana_gid, @created, @last_modified, @version,
           @sync_state, @sync_attempts, @sync_error, @data)`,
      )
      .run(groupParams(group));
    this.writeMembers(group.id, group.memberIds);
  }

  /**
   * Compare-and-swap on the version of a live group; false when missing, deleted or at another version (a delete
   * keeps the version, so a write that read the group before it must not bring it back). The team gid and the sync
   * state are the work queue's (see WorkQueue): a write that read them earlier keeps them. `revive` lets an undone
   * delete write its tombstone back to life.
   */
  update(group: GroupRecord, expectedVersion: number, revive = false): boolean {
    const changed = this.sql.statements
      .get(
        `UPDATE groups SET display_name = @display_name, external_id = @external_id,
           last_modified = @last_modified, version = @version, data = @data, deleted = 0
         WHERE id = @id AND version = @expected AND (deleted = 0 OR @revive = 1)`,
      )
      .run({ ...groupParams(group), expected: expectedVersion, revive: revive ? 1 : 0 }).changes;
    if (changed > 0) this.writeMembers(group.id, group.memberIds);
    return changed > 0;
  }

  /** Tombstones the group and forgets its memberships; false when missing or at another version. */
  markDeleted(id: string, expectedVersion: number): boolean {
    const changed = this.sql.statements
      .get("UPDATE groups SET deleted = 1, sync_state = 'pending' WHERE id = ? AND version = ? AND deleted = 0")
      .run(id, expectedVersion).changes;
    if (changed > 0) this.sql.statements.get('DELETE FROM group_members WHERE group_id = ?').run(id);
    return changed > 0;
  }

  /** Memberships are only kept for live groups (markDeleted forgets a tombstone's). */
  hasMember(groupId: string, userId: string): boolean {
    return (
      this.sql.statements.get('SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?').get(groupId, userId) !==
      undefined
    );
  }

  /** The live groups a user is a member of. */
  groupsOfMember(userId: string): string[] {
    return this.sql.statements
      .get('SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = ? AND g.deleted = 0')
      .pluck()
      .all(userId) as string[];
  }

  /**
   * Live groups whose member list changed without a write of their own (a member deleted, or such a delete
   * undone): a new version, so one ETag never names two member lists.
   */
  touch(ids: readonly string[], at: string): void {
    this.sql.statements
      .get(
        `UPDATE groups SET version = version + 1, last_modified = ?
         WHERE id IN (SELECT value FROM json_each(?)) AND deleted = 0`,
      )
      .run(at, JSON.stringify(ids));
  }

  /** Drops a tombstone once no work is queued for it any more; true when it did. */
  purgeIfDone(id: string): boolean {
    return (
      this.sql.statements
        .get(
          `DELETE FROM groups WHERE id = ? AND deleted = 1
             AND NOT EXISTS (SELECT 1 FROM asana_work WHERE resource_key = 'Group:' || groups.id AND failed = 0)`,
        )
        .run(id).changes > 0
    );
  }

  delete(id: string): void {
    this.sql.statements.get('DELETE FROM groups WHERE id = ?').run(id);
  }

  /** The version of the group and whether it is a tombstone. */
  state(id: string): { version: number; deleted: boolean } | undefined {
    const row = this.sql.statements.get('SELECT version, deleted FROM groups WHERE id = ?').get(id) as
      | { version: number; deleted: number }
      | undefined;
    return row ? { version: row.version, deleted: row.deleted === 1 } : undefined;
  }

  members(groupId: string): string[] {
    return this.sql.statements
      .get('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY rowid')
      .pluck()
      .all(groupId) as string[];
  }

  /** Makes the stored memberships equal `memberIds`, keeping existing rows (and so their order). */
  private writeMembers(groupId: string, memberIds: readonly string[]): void {
    this.sql.statements
      .get('DELETE FROM group_members WHERE group_id = ? AND user_id NOT IN (SELECT value FROM json_each(?))')
      .run(groupId, JSON.stringify(memberIds));
    const insert = this.sql.statements.get('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
    for (const userId of memberIds) insert.run(groupId, userId);
  }
}
