import type { AttentionItem, AuditEntry, AuditEntryInput, AuditQuery, ResourceCount, WorkQueueStats } from '../audit-log.js';
import type { Queryable } from './database.js';
import { toEntry, type AuditRow } from '../rows.js';

/** The audit log and the operational views, as sqlite/audit-log.ts and sqlite/operations-queries.ts. */
export class PgAuditLog {
  async append(db: Queryable, entry: AuditEntryInput): Promise<void> {
    await db.query(
      `INSERT INTO audit_log (at, actor, operation, resource_type, resource_id, subject, user_ids, asana_calls,
         outcome, http_status, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [entry.at, entry.actor, entry.operation, entry.resourceType, entry.resourceId, entry.subject,
        JSON.stringify(entry.userIds), JSON.stringify(entry.asanaCalls), entry.outcome, entry.httpStatus, entry.detail],
    );
  }

  async query(db: Queryable, query: AuditQuery): Promise<AuditEntry[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (query.user !== undefined) {
      const user = param(query.user);
      // Ids a user had, also after deletion: the live row's, and every id the log knows for that userName.
      const ids = `(SELECT id FROM users WHERE nocase(user_name) = nocase(${user}::text)
        UNION SELECT resource_id FROM audit_log WHERE resource_type = 'User' AND nocase(subject) = nocase(${user}::text))`;
      where.push(`(a.resource_type = 'User' AND (nocase(a.subject) = nocase(${user}::text) OR a.resource_id IN ${ids})
        OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.user_ids::jsonb) j(value) WHERE j.value IN ${ids}))`);
    }
    if (query.group !== undefined) {
      const group = param(query.group);
      where.push(`a.resource_type = 'Group' AND (nocase(a.subject) = nocase(${group}::text)
        OR a.resource_id IN (SELECT id FROM groups WHERE nocase(display_name) = nocase(${group}::text)))`);
    }
    if (query.since !== undefined) where.push(`a.at >= ${param(query.since)}`);
    if (query.operation !== undefined) where.push(`a.operation = ${param(query.operation)}`);
    const limit = param(Math.max(0, Math.trunc(query.limit)));
    const { rows } = await db.query<AuditRow & Record<string, unknown>>(
      `SELECT a.* FROM audit_log a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toEntry);
  }

  async prune(db: Queryable, before: string): Promise<number> {
    return (await db.query('DELETE FROM audit_log WHERE at < $1', [before])).rowCount ?? 0;
  }

  async workQueueStats(db: Queryable, now: number): Promise<WorkQueueStats> {
    const { rows } = await db.query<{ ready: number; backoff: number; oldest: number | null }>(
      `SELECT count(*) FILTER (WHERE next_attempt_at <= $1) AS ready,
              count(*) FILTER (WHERE next_attempt_at > $1) AS backoff,
              min(enqueued_at) AS oldest
       FROM asana_work`,
      [now],
    );
    const row = rows[0]!;
    return { ready: row.ready, backoff: row.backoff, oldestAgeMs: row.oldest === null ? null : Math.max(0, now - row.oldest) };
  }

  async resourceCounts(db: Queryable): Promise<ResourceCount[]> {
    const { rows } = await db.query<ResourceCount & Record<string, unknown>>(
      `SELECT 'User' AS type, sync_state AS "syncState", count(*) AS count FROM users GROUP BY sync_state
       UNION ALL
       SELECT 'Group', sync_state, count(*) FROM groups WHERE deleted = 0 GROUP BY sync_state`,
    );
    return rows;
  }

  async resourcesNeedingAttention(db: Queryable, search: string | undefined, limit: number): Promise<AttentionItem[]> {
    const { rows } = await db.query<AttentionItem & Record<string, unknown>>(
      `SELECT * FROM (
         SELECT 'User' AS type, id, user_name AS name, sync_state AS "syncState", sync_attempts AS attempts,
                sync_error AS "lastError", last_modified AS "lastModified"
         FROM users WHERE sync_state <> 'synced'
         UNION ALL
         SELECT 'Group', id, display_name, sync_state, sync_attempts, sync_error, last_modified
         FROM groups WHERE sync_state <> 'synced' AND deleted = 0) AS attention
       WHERE $1::text IS NULL OR strpos(nocase(name), nocase($1::text)) > 0
       ORDER BY "lastModified" DESC LIMIT $2`,
      [search ?? null, Math.max(0, Math.trunc(limit))],
    );
    return rows;
  }
}
