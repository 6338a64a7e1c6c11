import type { AsanaWork, SyncStatus, WorkEffect, WorkItem, WorkLease } from '../mapping-store.js';
import { resourceOf, workKeys, type ResourceKey } from '../work-keys.js';
import type { SqliteContext } from './database.js';
import { toWork, type WorkRow } from '../rows.js';

/** The queue of Asana work (table asana_work); callers own the transaction. */
export class WorkQueue {
  constructor(private readonly sql: SqliteContext) {}

  /** Queues work; a `synced` resource it is for becomes `pending` (a `failed` one keeps its refusal). */
  enqueue(work: readonly AsanaWork[]): WorkItem[] {
    const insert = this.sql.statements.get(
      'INSERT INTO asana_work (resource_key, order_key, work, next_attempt_at) VALUES (?, ?, ?, 0) RETURNING *',
    );
    const items = work.map((w) => {
      const { resourceKey, orderKey } = workKeys(w);
      return toWork(insert.get(resourceKey, orderKey, JSON.stringify(w)) as WorkRow);
    });
    for (const resourceKey of new Set(items.map((i) => i.resourceKey))) {
      const { table, id } = resourceOf(resourceKey);
      this.sql.statements.get(`UPDATE ${table} SET sync_state = 'pending' WHERE id = ? AND sync_state = 'synced'`).run(id);
    }
    return items;
  }

  /** The oldest item of each order key, when its time has come (see dueHeads). */
  due(now: number, limit: number): WorkItem[] {
    const rows = this.sql.statements.get(dueHeads('')).all({ now, limit }) as WorkRow[];
    return rows.map(toWork);
  }

  /**
   * Claims due heads for `lease` (see MappingStore.claimDueWork); the caller's transaction makes it atomic, and
   * an order key with a live lease on any of its items is skipped, so one key's work never runs twice at once.
   */
  claimDue(now: number, limit: number, lease: WorkLease): WorkItem[] {
    const ids = this.sql.statements
      .get(dueHeads(`AND NOT EXISTS (SELECT 1 FROM asana_work l WHERE l.order_key = h.order_key AND l.failed = 0 AND l.lease_until >= @now)`))
      .all({ now, limit })
      .map((row) => (row as WorkRow).id);
    const claim = this.sql.statements.get(
      'UPDATE asana_work SET claimed_by = @holder, lease_until = @until WHERE id = @id RETURNING *',
    );
    return ids.map((id) => toWork(claim.get({ id, holder: lease.holder, until: lease.until }) as WorkRow));
  }

  /** Claims one item if it is the queued head of its order key and no live lease covers that key. */
  claimOne(id: number, now: number, lease: WorkLease): WorkItem | undefined {
    const row = this.sql.statements
      .get(
        `UPDATE asana_work SET claimed_by = @holder, lease_until = @until
         WHERE id = @id AND failed = 0
           AND id = (SELECT min(o.id) FROM asana_work o WHERE o.order_key = asana_work.order_key AND o.failed = 0)
           AND NOT EXISTS (SELECT 1 FROM asana_work l WHERE l.order_key = asana_work.order_key AND l.failed = 0 AND l.lease_until >= @now)
         RETURNING *`,
      )
      .get({ id, now, holder: lease.holder, until: lease.until }) as WorkRow | undefined;
    return row === undefined ? undefined : toWork(row);
  }

  renewLeases(lease: WorkLease): void {
    this.sql.statements.get('UPDATE asana_work SET lease_until = ? WHERE claimed_by = ? AND failed = 0').run(lease.until, lease.holder);
  }

  hasQueued(resourceKey: string): boolean {
    return this.sql.statements.get('SELECT 1 FROM asana_work WHERE resource_key = ? AND failed = 0 LIMIT 1').get(resourceKey) !== undefined;
  }

  oldestId(orderKey: string): number | undefined {
    const id = this.sql.statements.get('SELECT min(id) FROM asana_work WHERE order_key = ? AND failed = 0').pluck().get(orderKey) as
      | number
      | null;
    return id ?? undefined;
  }

  /** Drops items; returns how many were still queued (a delete or an undo may have settled them already). */
  remove(ids: readonly number[]): number {
    return this.sql.statements
      .get('DELETE FROM asana_work WHERE id IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(ids)).changes;
  }

  /**
   * Parks a refused item instead of dropping it: it is still owed to Asana and nothing else remembers it (a
   * removed member is no longer in the group). Parked work does not run,
   * order or keep a resource `pending`; the group's next write re-arms it (rearm). False when no longer queued.
   */
  park(id: number): boolean {
    return this.sql.statements.get('UPDATE asana_work SET failed = 1, claimed_by = NULL, lease_until = NULL WHERE id = ? AND failed = 0').run(id).changes > 0;
  }

  /**
   * A write of the resource retries its parked work, oldest first as queued (so work the write queues runs after
   * it); true when there was some.
   */
  rearm(resourceKey: ResourceKey): boolean {
    return (
      this.sql.statements
        .get(
          `UPDATE asana_work SET failed = 0, attempts = 0, next_attempt_at = 0, claimed_by = NULL, lease_until = NULL
           WHERE resource_key = ? AND failed = 1`,
        )
        .run(resourceKey).changes > 0
    );
  }

  /** Drops the parked work of a resource that is gone. */
  dropParked(resourceKey: ResourceKey): void {
    this.sql.statements.get('DELETE FROM asana_work WHERE resource_key = ? AND failed = 1').run(resourceKey);
  }

  /** False when the item is no longer queued. */
  defer(item: WorkItem, error: string, nextAttemptAt: number): boolean {
    return (
      this.sql.statements
        .get(
          `UPDATE asana_work SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_by = NULL, lease_until = NULL
           WHERE id = ?`,
        )
        .run(error, nextAttemptAt, item.id).changes > 0
    );
  }

  /**
   * Drops the queued team work of a user being deleted (their removal from the workspace takes them out of every
   * team, and a team add for someone gone can never succeed); returns the groups whose work changed.
   */
  dropTeamWorkOf(userId: string): ResourceKey[] {
    const keys = this.sql.statements
      .get(
        `DELETE FROM asana_work
         WHERE json_extract(work, '$.kind') IN ('addUserToTeam', 'removeUserFromTeam') AND json_extract(work, '$.userId') = ?
         RETURNING resource_key`,
      )
      .pluck()
      .all(userId) as ResourceKey[];
    return [...new Set(keys)];
  }

  /** Records what Asana taught us (a gid) on the resource the work was for. */
  applyEffect(effect: WorkEffect): void {
    if (effect.kind === 'userLinked') {
      this.sql.statements.get('UPDATE users SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.userId);
    } else if (effect.kind === 'teamLinked') {
      this.sql.statements.get('UPDATE groups SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.groupId);
    }
  }

  /**
   * A write of the resource queued work, or a reconcile queued work for it: it is `pending` again, whatever it
   * was (`failed` included: this is the retry the refusal waited for).
   */
  markPending(resourceKey: ResourceKey, reason: string | null): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(`UPDATE ${table} SET sync_state = 'pending', sync_attempts = 0, sync_error = ? WHERE id = ?`)
      .run(reason, id);
  }

  /**
   * Asana refused a step: the resource is `failed` with Asana's error until a write or reconcile re-queues. A
   * resource already `failed` keeps its first error: that refusal is the cause, later failures (its dependents)
   * the consequence.
   */
  markFailed(resourceKey: ResourceKey, attempts: number, error: string): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(
        `UPDATE ${table} SET sync_attempts = ?,
           sync_error = CASE WHEN sync_state = 'failed' THEN sync_error ELSE ? END, sync_state = 'failed'
         WHERE id = ?`,
      )
      .run(attempts, error, id);
  }

  /** An undo puts back the sync state the resource had before the undone write. */
  restoreSync(resourceKey: ResourceKey, sync: SyncStatus): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(`UPDATE ${table} SET sync_state = ?, sync_attempts = ?, sync_error = ? WHERE id = ?`)
      .run(sync.state, sync.attempts, sync.lastError, id);
  }

  /** A step will be retried: a `pending` resource shows the error; a `failed` one keeps its refusal. */
  markDeferred(resourceKey: ResourceKey, attempts: number, error: string): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(`UPDATE ${table} SET sync_attempts = ?, sync_error = ? WHERE id = ? AND sync_state = 'pending'`)
      .run(attempts, error, id);
  }

  /**
   * A step succeeded: the resource is synced once no work is queued for it. A refusal (`failed`) sticks until a
   * later write queues new work, so an admin sees every refusal the IdP was not told about.
   */
  markStepDone(resourceKey: ResourceKey): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(
        `UPDATE ${table} SET
           sync_state = CASE WHEN sync_state = 'failed' THEN 'failed'
                             WHEN EXISTS (SELECT 1 FROM asana_work WHERE resource_key = ? AND failed = 0) THEN 'pending'
                             ELSE 'synced' END,
           sync_attempts = CASE WHEN sync_state = 'failed' THEN sync_attempts ELSE 0 END,
           sync_error = CASE WHEN sync_state = 'failed' THEN sync_error ELSE NULL END
         WHERE id = ?`,
      )
      .run(resourceKey, id);
  }
}

/**
 * The oldest item of each order key, when its time has come (`@now`, at most `@limit`), with `extra` conditions on
 * a head `h`. Team membership work is not due while its team's creation (or rename) or its person's workspace
 * work is queued: it would only wait, so it is not woken to poll (a large group behind an unreachable team would
 * otherwise write the queue once a second per member). Its keys are `Team:<group>:<person>`, so the person's key
 * is what follows the group.
 */
function dueHeads(extra: string): string {
  return `WITH heads AS (
      SELECT w.*, json_extract(w.work, '$.kind') AS kind, 'Team:' || json_extract(w.work, '$.groupId') AS team
      FROM asana_work w
      WHERE w.id IN (SELECT min(id) FROM asana_work WHERE failed = 0 GROUP BY order_key) AND w.next_attempt_at <= @now)
    SELECT id, resource_key, order_key, work, attempts, next_attempt_at, last_error FROM heads h
    WHERE (h.kind NOT IN ('addUserToTeam', 'removeUserFromTeam') OR NOT EXISTS (
      SELECT 1 FROM asana_work p
      WHERE p.failed = 0 AND p.order_key IN (h.team, 'Person:' || substr(h.order_key, length(h.team) + 2)))) ${extra}
    ORDER BY next_attempt_at, id LIMIT @limit`;
}
