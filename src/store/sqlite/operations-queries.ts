import type { AttentionItem, ResourceCount, WorkQueueStats } from '../audit-log.js';
import type { SqliteContext } from './database.js';

/** Read-only figures about the store's state for /metrics, the admin page and `scim-bridge status`. */
export class OperationsQueries {
  constructor(private readonly sql: SqliteContext) {}

  workQueueStats(now: number): WorkQueueStats {
    const row = this.sql.statements
      .get(
        `SELECT count(*) FILTER (WHERE next_attempt_at <= @now) AS ready,
                count(*) FILTER (WHERE next_attempt_at > @now) AS backoff,
                min(enqueued_at) AS oldest
         FROM asana_work`,
      )
      .get({ now }) as { ready: number; backoff: number; oldest: number | null };
    return { ready: row.ready, backoff: row.backoff, oldestAgeMs: row.oldest === null ? null : Math.max(0, now - row.oldest) };
  }

  resourceCounts(): ResourceCount[] {
    return this.sql.statements
      .get(
        `SELECT 'User' AS type, sync_state AS syncState, count(*) AS count FROM users GROUP BY sync_state
         UNION ALL
         SELECT 'Group', sync_state, count(*) FROM groups WHERE deleted = 0 GROUP BY sync_state`,
      )
      .all() as ResourceCount[];
  }

  resourcesNeedingAttention(search: string | undefined, limit: number): AttentionItem[] {
    // instr on lower(): a substring match with no LIKE wildcards to escape in what the admin typed.
    return this.sql.statements
      .get(
        `SELECT * FROM (
           SELECT 'User' AS type, id, user_name AS name, sync_state AS syncState, sync_attempts AS attempts,
                  sync_error AS lastError, last_modified AS lastModified
           FROM users WHERE sync_state <> 'synced'
           UNION ALL
           SELECT 'Group', id, display_name, sync_state, sync_attempts, sync_error, last_modified
           FROM groups WHERE sync_state <> 'synced' AND deleted = 0)
         WHERE @search IS NULL OR instr(lower(name), lower(@search)) > 0
         ORDER BY lastModified DESC LIMIT @limit`,
      )
      .all({ search: search ?? null, limit: Math.max(0, Math.trunc(limit)) }) as AttentionItem[];
  }
}
