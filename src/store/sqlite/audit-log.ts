import type { AuditEntry, AuditEntryInput, AuditQuery } from '../audit-log.js';
import type { SqliteContext } from './database.js';
import { toEntry, type AuditRow } from '../rows.js';

/** Ids a user had, also after deletion: the live row's, and every id the log knows for that userName. */
const USER_IDS = `(SELECT id FROM users WHERE user_name = @user COLLATE NOCASE
  UNION SELECT resource_id FROM audit_log WHERE resource_type = 'User' AND subject = @user COLLATE NOCASE)`;

/** The audit log (table audit_log): insert, query and retention; nothing updates an entry. */
export class SqliteAuditLog {
  constructor(private readonly sql: SqliteContext) {}

  append(entry: AuditEntryInput): void {
    this.sql.statements
      .get(
        `INSERT INTO audit_log (at, actor, operation, resource_type, resource_id, subject, user_ids, asana_calls,
           outcome, http_status, detail)
         VALUES (@at, @actor, @operation, @resourceType, @resourceId, @subject, @userIds, @asanaCalls,
           @outcome, @httpStatus, @detail)`,
      )
      .run({
        ...entry,
        userIds: JSON.stringify(entry.userIds),
        asanaCalls: JSON.stringify(entry.asanaCalls),
      });
  }

  query(query: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    if (query.user !== undefined) {
      where.push(`(a.resource_type = 'User' AND (a.subject = @user COLLATE NOCASE OR a.resource_id IN ${USER_IDS})
        OR EXISTS (SELECT 1 FROM json_each(a.user_ids) j WHERE j.value IN ${USER_IDS}))`);
    }
    if (query.group !== undefined) {
      where.push(`a.resource_type = 'Group' AND (a.subject = @group COLLATE NOCASE
        OR a.resource_id IN (SELECT id FROM groups WHERE display_name = @group COLLATE NOCASE))`);
    }
    if (query.since !== undefined) where.push('a.at >= @since');
    if (query.operation !== undefined) where.push('a.operation = @operation');
    const sql = `SELECT a.* FROM audit_log a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.id DESC LIMIT @limit`;
    const params: Record<string, unknown> = { limit: Math.max(0, Math.trunc(query.limit)) };
    for (const name of ['user', 'group', 'since', 'operation'] as const) {
      if (query[name] !== undefined) params[name] = query[name];
    }
    return (this.sql.statements.get(sql).all(params) as AuditRow[]).map(toEntry);
  }

  prune(before: string): number {
    return this.sql.statements.get('DELETE FROM audit_log WHERE at < ?').run(before).changes;
  }
}
