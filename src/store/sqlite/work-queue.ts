import type { AsanaWork, WorkEffect, WorkItem } from '../mapping-store.js';
import { workKeys } from '../work-keys.js';
import type { SqliteContext } from './database.js';
import { toWork, type WorkRow } from './rows.js';

/** The queue of Asana work (table asana_work); callers own the transaction. */
export class WorkQueue {
  constructor(private readonly sql: SqliteContext) {}

  enqueue(work: readonly AsanaWork[]): WorkItem[] {
    const insert = this.sql.statements.get(
      'INSERT INTO asana_work (resource_key, order_key, work, next_attempt_at) VALUES (?, ?, ?, 0) RETURNING *',
    );
    return work.map((w) => {
      const { resourceKey, orderKey } = workKeys(w);
      return toWork(insert.get(resourceKey, orderKey, JSON.stringify(w)) as WorkRow);
    });
  }

  due(now: number, limit: number): WorkItem[] {
    const rows = this.sql.statements
      .get(
        `SELECT w.* FROM asana_work w
         WHERE w.id IN (SELECT min(id) FROM asana_work GROUP BY order_key) AND w.next_attempt_at <= ?
         ORDER BY w.next_attempt_at, w.id LIMIT ?`,
      )
      .all(now, limit) as WorkRow[];
    return rows.map(toWork);
  }

  hasQueued(resourceKey: string): boolean {
    return this.sql.statements.get('SELECT 1 FROM asana_work WHERE resource_key = ? LIMIT 1').get(resourceKey) !== undefined;
  }

  oldestId(orderKey: string): number | undefined {
    const id = this.sql.statements.get('SELECT min(id) FROM asana_work WHERE order_key = ?').pluck().get(orderKey) as
      | number
      | null;
    return id ?? undefined;
  }

  remove(ids: readonly number[]): void {
    this.sql.statements.get('DELETE FROM asana_work WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
  }

  defer(item: WorkItem, error: string, nextAttemptAt: number): void {
    this.sql.statements
      .get('UPDATE asana_work SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error, nextAttemptAt, item.id);
  }

  /** Records what Asana taught us (a gid) on the resource the work was for. */
  applyEffect(effect: WorkEffect): void {
    if (effect.kind === 'userLinked') {
      this.sql.statements.get('UPDATE users SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.userId);
    } else if (effect.kind === 'teamLinked') {
      this.sql.statements.get('UPDATE groups SET asana_gid = ? WHERE id = ?').run(effect.asanaGid, effect.groupId);
    }
  }

  /** A step failed or was deferred: the resource's sync state says so, with Asana's error. */
  setSyncState(resourceKey: string, state: 'pending' | 'failed', attempts: number, error: string): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(`UPDATE ${table} SET sync_state = ?, sync_attempts = ?, sync_error = ? WHERE id = ?`)
      .run(state, attempts, error, id);
  }

  /**
   * A step succeeded: the resource is synced once no work is queued for it. A refusal (`failed`) sticks until a
   * later write queues new work, so an admin sees every refusal the IdP was not told about.
   */
  markStepDone(resourceKey: string): void {
    const { table, id } = resourceOf(resourceKey);
    this.sql.statements
      .get(
        `UPDATE ${table} SET
           sync_state = CASE WHEN sync_state = 'failed' THEN 'failed'
                             WHEN EXISTS (SELECT 1 FROM asana_work WHERE resource_key = ?) THEN 'pending'
                             ELSE 'synced' END,
           sync_attempts = CASE WHEN sync_state = 'failed' THEN sync_attempts ELSE 0 END,
           sync_error = CASE WHEN sync_state = 'failed' THEN sync_error ELSE NULL END
         WHERE id = ?`,
      )
      .run(resourceKey, id);
  }
}

export function resourceOf(resourceKey: string): { table: 'users' | 'groups'; id: string } {
  const separator = resourceKey.indexOf(':');
  return {
    table: resourceKey.slice(0, separator) === 'Group' ? 'groups' : 'users',
    id: resourceKey.slice(separator + 1),
  };
}
