import type { Admission, HeldRemoval, PlannedWork, TaskHandoverRecord } from '../deprovisioning-store.js';
import { HELD, toHandover, toHeldRemoval, type HandoverRow, type HeldRemovalRow } from '../rows.js';
import type { AsanaWork, UserRecord, WorkItem } from '../mapping-store.js';
import { personKey, resourceOf, userKey, type ResourceKey } from '../work-keys.js';
import type { Queryable } from './database.js';

/**
 * The brake's admissions, held removals, task handovers and planned work (migration 7), as
 * sqlite/deprovisioning-tables.ts, whose comments state each rule; callers own the transaction.
 */
export class PgDeprovisioningTables {
  async admitRemoval(
    db: Queryable,
    item: WorkItem,
    now: number,
    windowStart: number,
    limit: number,
    reason: string,
  ): Promise<Admission> {
    if ((await db.query('SELECT 1 FROM deprovision_admissions WHERE work_id = $1', [item.id])).rows.length > 0) {
      return { admitted: true };
    }
    const recent = await count(db, 'SELECT count(*) AS n FROM deprovision_admissions WHERE counted = 1 AND at > $1', [windowStart]);
    const personHeld =
      (await db.query(`SELECT 1 FROM asana_work WHERE failed = ${HELD} AND order_key = $1`, [item.orderKey])).rows.length > 0;
    if (recent < limit && !personHeld) {
      await db.query('INSERT INTO deprovision_admissions (work_id, at, counted) VALUES ($1, $2, 1)', [item.id, now]);
      return { admitted: true };
    }
    const heldBefore = await count(db, `SELECT count(*) AS n FROM asana_work WHERE failed = ${HELD}`, []);
    await db.query(
      `UPDATE asana_work SET failed = ${HELD}, last_error = $1, claimed_by = NULL, lease_until = NULL WHERE id = $2`,
      [reason, item.id],
    );
    const { table, id } = resourceOf(item.resourceKey);
    await db.query(`UPDATE ${table} SET sync_state = 'held', sync_error = $1 WHERE id = $2 AND sync_state <> 'failed'`, [
      reason,
      id,
    ]);
    return { admitted: false, heldBefore };
  }

  /**
   * Whether the brake holds any removal, read outside the write's transaction (postgres-store.ts insertUser): the
   * DELETE of dropHeld reads all of asana_work, so in a SERIALIZABLE transaction it conflicts with every concurrent
   * write that queues work, and concurrent creates were rolled back until they gave up (test/reliability/replicas).
   * Left: a removal held while this check and the write run is not dropped; `npm run deprovisions` lists it.
   */
  async anyHeld(db: Queryable): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM asana_work WHERE failed = ${HELD} LIMIT 1`)).rows.length > 0;
  }

  /** See DeprovisioningTables.dropHeld (sqlite/deprovisioning-tables.ts). */
  async dropHeld(db: Queryable, user: UserRecord): Promise<void> {
    await db.query(`DELETE FROM asana_work WHERE failed = ${HELD} AND (resource_key = $1 OR order_key IN ($2, $3))`, [
      userKey(user.id),
      personKey(user.asanaEmail),
      personKey(user.emailInAsana ?? user.asanaEmail),
    ]);
  }

  async heldRemovals(db: Queryable): Promise<HeldRemoval[]> {
    const { rows } = await db.query<HeldRemovalRow>(
      `SELECT w.id, w.work, w.enqueued_at, w.last_error, u.user_name FROM asana_work w
       LEFT JOIN users u ON u.id = w.work::jsonb ->> 'userId'
       WHERE w.failed = ${HELD} ORDER BY w.id`,
    );
    return rows.map(toHeldRemoval);
  }

  async releaseRemovals(db: Queryable, userIds: readonly string[] | undefined, now: number): Promise<number> {
    const { rows: released } = await db.query<{ id: number; resource_key: ResourceKey }>(
      `UPDATE asana_work SET failed = 0, attempts = 0, next_attempt_at = 0, last_error = NULL
       WHERE failed = ${HELD} AND ($1::text[] IS NULL OR work::jsonb ->> 'userId' = ANY($1::text[]))
       RETURNING id, resource_key`,
      [userIds === undefined ? null : [...userIds]],
    );
    for (const { id, resource_key: key } of released) {
      await db.query(
        'INSERT INTO deprovision_admissions (work_id, at, counted) VALUES ($1, $2, 0) ON CONFLICT (work_id) DO NOTHING',
        [id, now],
      );
      const resource = resourceOf(key);
      await db.query(
        `UPDATE ${resource.table} SET sync_state = 'pending', sync_error = NULL WHERE id = $1 AND sync_state = 'held'`,
        [resource.id],
      );
    }
    return released.length;
  }

  async taskHandover(db: Queryable, workId: number): Promise<TaskHandoverRecord | undefined> {
    const row = (await db.query<HandoverRow & Record<string, unknown>>('SELECT * FROM task_handovers WHERE work_id = $1', [workId]))
      .rows[0];
    return row && toHandover(row);
  }

  async startTaskHandover(db: Queryable, workId: number, userId: string, now: number): Promise<TaskHandoverRecord> {
    await db.query(
      'INSERT INTO task_handovers (work_id, user_id, started_at) VALUES ($1, $2, $3) ON CONFLICT (work_id) DO NOTHING',
      [workId, userId, now],
    );
    return this.required(db, workId);
  }

  async chooseHandoverTarget(db: Queryable, workId: number, targetGid: string, targetLabel: string): Promise<TaskHandoverRecord> {
    await db.query('UPDATE task_handovers SET target_gid = $1, target_label = $2 WHERE work_id = $3 AND target_gid IS NULL', [
      targetGid,
      targetLabel,
      workId,
    ]);
    return this.required(db, workId);
  }

  async beginTaskMove(db: Queryable, workId: number, taskGid: string): Promise<void> {
    await db.query('UPDATE task_handovers SET in_flight_task = $1 WHERE work_id = $2', [taskGid, workId]);
  }

  async settleTaskMove(db: Queryable, workId: number, outcome: 'handedOver' | 'notHandedOver' | null): Promise<void> {
    const add = (name: 'handedOver' | 'notHandedOver') => (outcome === name ? 1 : 0);
    await db.query(
      `UPDATE task_handovers SET handed_over = handed_over + $1, not_handed_over = not_handed_over + $2,
         in_flight_task = NULL WHERE work_id = $3`,
      [add('handedOver'), add('notHandedOver'), workId],
    );
  }

  async finishTaskHandover(db: Queryable, workId: number, now: number, outcome: string | null): Promise<TaskHandoverRecord> {
    await db.query('UPDATE task_handovers SET finished_at = $1, outcome = $2 WHERE work_id = $3 AND finished_at IS NULL', [
      now,
      outcome,
      workId,
    ]);
    return this.required(db, workId);
  }

  async latestHandovers(db: Queryable, userIds: readonly string[]): Promise<Map<string, TaskHandoverRecord>> {
    const { rows } = await db.query<HandoverRow & Record<string, unknown>>(
      `SELECT * FROM task_handovers WHERE work_id IN (
         SELECT max(work_id) FROM task_handovers WHERE user_id = ANY($1::text[]) GROUP BY user_id)`,
      [[...userIds]],
    );
    return new Map(rows.map((row) => [row.user_id, toHandover(row)]));
  }

  async markPlanned(db: Queryable, resourceKey: ResourceKey): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(`UPDATE ${table} SET sync_state = 'planned' WHERE id = $1 AND sync_state = 'pending'`, [id]);
  }

  async resumePlanned(db: Queryable): Promise<number> {
    const users = await db.query("UPDATE users SET sync_state = 'pending' WHERE sync_state = 'planned'");
    const groups = await db.query("UPDATE groups SET sync_state = 'pending' WHERE sync_state = 'planned'");
    return (users.rowCount ?? 0) + (groups.rowCount ?? 0);
  }

  async plannedWork(db: Queryable): Promise<PlannedWork[]> {
    const { rows } = await db.query<{ resource_key: ResourceKey; work: string; failed: number; name: string | null }>(
      `SELECT w.resource_key, w.work, w.failed, coalesce(u.user_name, g.display_name) AS name FROM asana_work w
       LEFT JOIN users u ON w.resource_key = 'User:' || u.id
       LEFT JOIN groups g ON w.resource_key = 'Group:' || g.id AND g.deleted = 0
       WHERE w.failed IN (0, ${HELD}) ORDER BY w.id`,
    );
    return rows.map((row) => ({
      resourceKey: row.resource_key,
      name: row.name,
      work: JSON.parse(row.work) as AsanaWork,
      held: row.failed === HELD,
    }));
  }

  private async required(db: Queryable, workId: number): Promise<TaskHandoverRecord> {
    const record = await this.taskHandover(db, workId);
    if (!record) throw new Error(`no task handover for work ${workId}`);
    return record;
  }
}

async function count(db: Queryable, text: string, values: readonly unknown[]): Promise<number> {
  return (await db.query<{ n: number }>(text, values)).rows[0]?.n ?? 0;
}
