import type { Admission, HeldRemoval, PlannedWork, TaskHandoverRecord } from '../deprovisioning-store.js';
import { HELD, toHandover, toHeldRemoval, type HandoverRow, type HeldRemovalRow } from '../rows.js';
import type { AsanaWork, UserRecord, WorkItem } from '../mapping-store.js';
import { personKey, resourceOf, userKey, type ResourceKey } from '../work-keys.js';
import type { SqliteContext } from './database.js';
import { weighAnswer, type ReadCache } from './read-cache.js';

/** Answers for at most this many users are kept by the read cache: single users, not pages. */
const SMALL_ANSWER = 10;

/** The brake's admissions, held removals, task handovers and planned work (migration 7); callers own the transaction. */
export class DeprovisioningTables {
  constructor(
    private readonly sql: SqliteContext,
    private readonly cache: ReadCache,
  ) {}

  admitRemoval(item: WorkItem, now: number, windowStart: number, limit: number, reason: string): Admission {
    const s = this.sql.statements;
    if (s.get('SELECT 1 FROM deprovision_admissions WHERE work_id = ?').get(item.id) !== undefined) return { admitted: true };
    const recent = s.get('SELECT count(*) FROM deprovision_admissions WHERE counted = 1 AND at > ?').pluck().get(windowStart) as number;
    // A second removal of a person already held (a reconcile restoring the IdP's intent) waits with the first:
    // only an admin's release lets a held person go, not the window moving on.
    const personHeld = s.get(`SELECT 1 FROM asana_work WHERE failed = ${HELD} AND order_key = ?`).get(item.orderKey) !== undefined;
    if (recent < limit && !personHeld) {
      s.get('INSERT INTO deprovision_admissions (work_id, at, counted) VALUES (?, ?, 1)').run(item.id, now);
      return { admitted: true };
    }
    const heldBefore = s.get(`SELECT count(*) FROM asana_work WHERE failed = ${HELD}`).pluck().get() as number;
    s.get(`UPDATE asana_work SET failed = ${HELD}, last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`).run(reason, item.id);
    const { table, id } = resourceOf(item.resourceKey);
    s.get(`UPDATE ${table} SET sync_state = 'held', sync_error = ? WHERE id = ? AND sync_state <> 'failed'`).run(reason, id);
    return { admitted: false, heldBefore };
  }

  /**
   * A user the IdP reactivates is simply no longer held: their held removal is dropped, and so is a held removal
   * of the same person under a deleted SCIM record when the IdP creates them again (a release would remove them).
   */
  dropHeld(user: UserRecord): void {
    this.sql.statements
      .get(`DELETE FROM asana_work WHERE failed = ${HELD} AND (resource_key = ? OR order_key IN (?, ?))`)
      .run(userKey(user.id), personKey(user.asanaEmail), personKey(user.emailInAsana ?? user.asanaEmail));
  }

  heldRemovals(): HeldRemoval[] {
    const rows = this.sql.statements
      .get(
        `SELECT w.id, w.work, w.enqueued_at, w.last_error, u.user_name FROM asana_work w
         LEFT JOIN users u ON u.id = json_extract(w.work, '$.userId')
         WHERE w.failed = ${HELD} ORDER BY w.id`,
      )
      .all() as HeldRemovalRow[];
    return rows.map(toHeldRemoval);
  }

  releaseRemovals(userIds: readonly string[] | undefined, now: number): number {
    const s = this.sql.statements;
    const released = s
      .get(
        `UPDATE asana_work SET failed = 0, attempts = 0, next_attempt_at = 0, last_error = NULL
         WHERE failed = ${HELD} AND (? IS NULL OR json_extract(work, '$.userId') IN (SELECT value FROM json_each(?)))
         RETURNING id, resource_key`,
      )
      .all(userIds === undefined ? null : 1, JSON.stringify(userIds ?? [])) as { id: number; resource_key: ResourceKey }[];
    for (const { id, resource_key: key } of released) {
      s.get('INSERT OR IGNORE INTO deprovision_admissions (work_id, at, counted) VALUES (?, ?, 0)').run(id, now);
      const resource = resourceOf(key);
      s.get(`UPDATE ${resource.table} SET sync_state = 'pending', sync_error = NULL WHERE id = ? AND sync_state = 'held'`).run(
        resource.id,
      );
    }
    return released.length;
  }

  taskHandover(workId: number): TaskHandoverRecord | undefined {
    const row = this.sql.statements.get('SELECT * FROM task_handovers WHERE work_id = ?').get(workId) as HandoverRow | undefined;
    return row && toHandover(row);
  }

  startTaskHandover(workId: number, userId: string, now: number): TaskHandoverRecord {
    this.sql.statements
      .get('INSERT OR IGNORE INTO task_handovers (work_id, user_id, started_at) VALUES (?, ?, ?)')
      .run(workId, userId, now);
    return this.required(workId);
  }

  chooseHandoverTarget(workId: number, targetGid: string, targetLabel: string): TaskHandoverRecord {
    this.sql.statements
      .get('UPDATE task_handovers SET target_gid = ?, target_label = ? WHERE work_id = ? AND target_gid IS NULL')
      .run(targetGid, targetLabel, workId);
    return this.required(workId);
  }

  beginTaskMove(workId: number, taskGid: string): void {
    this.sql.statements.get('UPDATE task_handovers SET in_flight_task = ? WHERE work_id = ?').run(taskGid, workId);
  }

  settleTaskMove(workId: number, outcome: 'handedOver' | 'notHandedOver' | null): void {
    const add = (name: 'handedOver' | 'notHandedOver') => (outcome === name ? 1 : 0);
    this.sql.statements
      .get(
        `UPDATE task_handovers SET handed_over = handed_over + ?, not_handed_over = not_handed_over + ?,
           in_flight_task = NULL WHERE work_id = ?`,
      )
      .run(add('handedOver'), add('notHandedOver'), workId);
  }

  finishTaskHandover(workId: number, now: number, outcome: string | null): TaskHandoverRecord {
    this.sql.statements
      .get('UPDATE task_handovers SET finished_at = ?, outcome = ? WHERE work_id = ? AND finished_at IS NULL')
      .run(now, outcome, workId);
    return this.required(workId);
  }

  /** Every user read shows its latest handover, so this is read as often as users are (and kept as they are). */
  latestHandovers(userIds: readonly string[]): ReadonlyMap<string, TaskHandoverRecord> {
    return this.cache.get(`handovers ${userIds.join(' ')}`, () => this.loadLatestHandovers(userIds), (answer) =>
      userIds.length <= SMALL_ANSWER ? weighAnswer(answer) : undefined,
    );
  }

  private loadLatestHandovers(userIds: readonly string[]): Map<string, TaskHandoverRecord> {
    if (userIds.length === 0) return new Map();
    // One user (every single-resource read and point lookup) is an indexed equality; a page's users go through json_each.
    const which = userIds.length === 1 ? 'user_id = ?' : 'user_id IN (SELECT value FROM json_each(?))';
    const rows = this.sql.statements
      .get(`SELECT * FROM task_handovers WHERE work_id IN (SELECT max(work_id) FROM task_handovers WHERE ${which} GROUP BY user_id)`)
      .all(userIds.length === 1 ? userIds[0] : JSON.stringify(userIds)) as HandoverRow[];
    return new Map(rows.map((row) => [row.user_id, toHandover(row)]));
  }

  markPlanned(resourceKey: ResourceKey): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements.get(`UPDATE ${table} SET sync_state = 'planned' WHERE id = ? AND sync_state = 'pending'`).run(id);
  }

  resumePlanned(): number {
    const s = this.sql.statements;
    return (
      s.get("UPDATE users SET sync_state = 'pending' WHERE sync_state = 'planned'").run().changes +
      s.get("UPDATE groups SET sync_state = 'pending' WHERE sync_state = 'planned'").run().changes
    );
  }

  plannedWork(): PlannedWork[] {
    const rows = this.sql.statements
      .get(
        `SELECT w.resource_key, w.work, w.failed, coalesce(u.user_name, g.display_name) AS name FROM asana_work w
         LEFT JOIN users u ON w.resource_key = 'User:' || u.id
         LEFT JOIN groups g ON w.resource_key = 'Group:' || g.id AND g.deleted = 0
         WHERE w.failed IN (0, ${HELD}) ORDER BY w.id`,
      )
      .all() as { resource_key: ResourceKey; work: string; failed: number; name: string | null }[];
    return rows.map((row) => ({
      resourceKey: row.resource_key,
      name: row.name,
      work: JSON.parse(row.work) as AsanaWork,
      held: row.failed === HELD,
    }));
  }

  private required(workId: number): TaskHandoverRecord {
    const record = this.taskHandover(workId);
    if (!record) throw new Error(`no task handover for work ${workId}`);
    return record;
  }
}
