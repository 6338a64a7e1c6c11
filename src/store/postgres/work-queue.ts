import type { AsanaWork, SyncStatus, WorkEffect, WorkItem, WorkLease } from '../mapping-store.js';
import { toWork, type WorkRow } from '../rows.js';
import { resourceOf, workKeys, type ResourceKey } from '../work-keys.js';
import type { Queryable } from './database.js';

type Row = WorkRow & Record<string, unknown>;
const COLUMNS = 'id, resource_key, order_key, work, attempts, next_attempt_at, last_error';

/**
 * The queue of Asana work (table asana_work), as sqlite/work-queue.ts, whose comments state each rule; callers own
 * the transaction. The work JSON is text, read as jsonb where a query looks inside.
 */
export class PgWorkQueue {
  async enqueue(db: Queryable, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    const items: WorkItem[] = [];
    for (const w of work) {
      const { resourceKey, orderKey } = workKeys(w);
      const { rows } = await db.query<Row>(
        `INSERT INTO asana_work (resource_key, order_key, work, next_attempt_at) VALUES ($1, $2, $3, 0) RETURNING ${COLUMNS}`,
        [resourceKey, orderKey, JSON.stringify(w)],
      );
      items.push(toWork(rows[0]!));
    }
    for (const resourceKey of new Set(items.map((i) => i.resourceKey))) {
      const { table, id } = resourceOf(resourceKey);
      await db.query(`UPDATE ${table} SET sync_state = 'pending' WHERE id = $1 AND sync_state = 'synced'`, [id]);
    }
    return items;
  }

  async due(db: Queryable, now: number, limit: number): Promise<WorkItem[]> {
    const { rows } = await db.query<Row>(dueHeads(''), [now, limit]);
    return rows.map(toWork);
  }

  /** Claims due heads for `lease` (see MappingStore.claimDueWork); the caller serializes claims. */
  async claimDue(db: Queryable, now: number, limit: number, lease: WorkLease): Promise<WorkItem[]> {
    const { rows } = await db.query<Row>(
      `UPDATE asana_work SET claimed_by = $3, lease_until = $4
       WHERE id IN (SELECT id FROM (${dueHeads(
         'AND NOT EXISTS (SELECT 1 FROM asana_work l WHERE l.order_key = h.order_key AND l.failed = 0 AND l.lease_until >= $1)',
       )}) AS due)
       RETURNING ${COLUMNS}`,
      [now, limit, lease.holder, lease.until],
    );
    return rows.map(toWork).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  /** Claims one item if it is the queued head of its order key and no live lease covers that key. */
  async claimOne(db: Queryable, id: number, now: number, lease: WorkLease): Promise<WorkItem | undefined> {
    const { rows } = await db.query<Row>(
      `UPDATE asana_work SET claimed_by = $3, lease_until = $4
       WHERE id = $1 AND failed = 0
         AND id = (SELECT min(o.id) FROM asana_work o WHERE o.order_key = asana_work.order_key AND o.failed = 0)
         AND NOT EXISTS (SELECT 1 FROM asana_work l WHERE l.order_key = asana_work.order_key AND l.failed = 0 AND l.lease_until >= $2)
       RETURNING ${COLUMNS}`,
      [id, now, lease.holder, lease.until],
    );
    return rows[0] === undefined ? undefined : toWork(rows[0]);
  }

  async renewLeases(db: Queryable, lease: WorkLease): Promise<void> {
    await db.query('UPDATE asana_work SET lease_until = $1 WHERE claimed_by = $2 AND failed = 0', [lease.until, lease.holder]);
  }

  async hasQueued(db: Queryable, resourceKey: string): Promise<boolean> {
    const { rows } = await db.query('SELECT 1 FROM asana_work WHERE resource_key = $1 AND failed = 0 LIMIT 1', [resourceKey]);
    return rows.length > 0;
  }

  async oldestId(db: Queryable, orderKey: string): Promise<number | undefined> {
    const { rows } = await db.query<{ id: number | null }>(
      'SELECT min(id) AS id FROM asana_work WHERE order_key = $1 AND failed = 0',
      [orderKey],
    );
    return rows[0]?.id ?? undefined;
  }

  async remove(db: Queryable, ids: readonly number[]): Promise<number> {
    return (await db.query('DELETE FROM asana_work WHERE id = ANY($1::int[])', [ids])).rowCount ?? 0;
  }

  async park(db: Queryable, id: number): Promise<boolean> {
    return ((await db.query('UPDATE asana_work SET failed = 1, claimed_by = NULL, lease_until = NULL WHERE id = $1 AND failed = 0', [id])).rowCount ?? 0) > 0;
  }

  async rearm(db: Queryable, resourceKey: ResourceKey): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE asana_work SET failed = 0, attempts = 0, next_attempt_at = 0, claimed_by = NULL, lease_until = NULL
       WHERE resource_key = $1 AND failed = 1`,
      [resourceKey],
    );
    return (rowCount ?? 0) > 0;
  }

  async dropParked(db: Queryable, resourceKey: ResourceKey): Promise<void> {
    await db.query('DELETE FROM asana_work WHERE resource_key = $1 AND failed = 1', [resourceKey]);
  }

  async defer(db: Queryable, item: WorkItem, error: string, nextAttemptAt: number): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE asana_work SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_by = NULL,
         lease_until = NULL WHERE id = $3`,
      [error, nextAttemptAt, item.id],
    );
    return (rowCount ?? 0) > 0;
  }

  async dropTeamWorkOf(db: Queryable, userId: string): Promise<ResourceKey[]> {
    const { rows } = await db.query<{ resource_key: ResourceKey }>(
      `DELETE FROM asana_work
       WHERE work::jsonb ->> 'kind' IN ('addUserToTeam', 'removeUserFromTeam') AND work::jsonb ->> 'userId' = $1
       RETURNING resource_key`,
      [userId],
    );
    return [...new Set(rows.map((r) => r.resource_key))];
  }

  async applyEffect(db: Queryable, effect: WorkEffect): Promise<void> {
    if (effect.kind === 'userLinked') {
      await db.query('UPDATE users SET asana_gid = $1 WHERE id = $2', [effect.asanaGid, effect.userId]);
    } else if (effect.kind === 'teamLinked') {
      await db.query('UPDATE groups SET asana_gid = $1 WHERE id = $2', [effect.asanaGid, effect.groupId]);
    }
  }

  async markPending(db: Queryable, resourceKey: ResourceKey, reason: string | null): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(`UPDATE ${table} SET sync_state = 'pending', sync_attempts = 0, sync_error = $1 WHERE id = $2`, [reason, id]);
  }

  async markFailed(db: Queryable, resourceKey: ResourceKey, attempts: number, error: string): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(
      `UPDATE ${table} SET sync_attempts = $1,
         sync_error = CASE WHEN sync_state = 'failed' THEN sync_error ELSE $2 END, sync_state = 'failed'
       WHERE id = $3`,
      [attempts, error, id],
    );
  }

  async restoreSync(db: Queryable, resourceKey: ResourceKey, sync: SyncStatus): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(`UPDATE ${table} SET sync_state = $1, sync_attempts = $2, sync_error = $3 WHERE id = $4`, [
      sync.state,
      sync.attempts,
      sync.lastError,
      id,
    ]);
  }

  async markDeferred(db: Queryable, resourceKey: ResourceKey, attempts: number, error: string): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(`UPDATE ${table} SET sync_attempts = $1, sync_error = $2 WHERE id = $3 AND sync_state = 'pending'`, [
      attempts,
      error,
      id,
    ]);
  }

  async markStepDone(db: Queryable, resourceKey: ResourceKey): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    await db.query(
      `UPDATE ${table} SET
         sync_state = CASE WHEN sync_state = 'failed' THEN 'failed'
                           WHEN EXISTS (SELECT 1 FROM asana_work WHERE resource_key = $1 AND failed = 0) THEN 'pending'
                           ELSE 'synced' END,
         sync_attempts = CASE WHEN sync_state = 'failed' THEN sync_attempts ELSE 0 END,
         sync_error = CASE WHEN sync_state = 'failed' THEN sync_error ELSE NULL END
       WHERE id = $2`,
      [resourceKey, id],
    );
  }
}

/** The due heads ($1: now, $2: limit) with `extra` conditions on a head `h`; see sqlite/work-queue.ts for the rule. */
function dueHeads(extra: string): string {
  return `WITH heads AS (
      SELECT w.*, w.work::jsonb ->> 'kind' AS kind, 'Team:' || (w.work::jsonb ->> 'groupId') AS team
      FROM asana_work w
      WHERE w.id IN (SELECT min(id) FROM asana_work WHERE failed = 0 GROUP BY order_key) AND w.next_attempt_at <= $1)
    SELECT ${COLUMNS} FROM heads h
    WHERE (h.kind NOT IN ('addUserToTeam', 'removeUserFromTeam') OR NOT EXISTS (
      SELECT 1 FROM asana_work p
      WHERE p.failed = 0 AND p.order_key IN (h.team, 'Person:' || substr(h.order_key, length(h.team) + 2)))) ${extra}
    ORDER BY next_attempt_at, id LIMIT $2`;
}
