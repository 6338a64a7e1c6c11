import type { AuditEntry, AuditQuery } from '../store/audit-log.js';
import type { CliContext } from './context.js';

export interface AuditOptions {
  readonly json: boolean;
  readonly user?: string;
  readonly group?: string;
  /** ISO timestamp (already parsed). */
  readonly since?: string;
  readonly limit: number;
}

/**
 * `scim-bridge audit [--user EMAIL | --group NAME] [--since WHEN] [--limit N] [--json]`: the audit trail, oldest
 * first; with --json one JSON object per line (JSON Lines), ready for a SIEM.
 */
export async function auditCommand(context: CliContext, options: AuditOptions): Promise<number> {
  const query: AuditQuery = {
    limit: options.limit,
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.group !== undefined ? { group: options.group } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
  };
  const entries = (await context.store.queryAudit(query)).reverse();
  for (const entry of entries) context.out.write(`${options.json ? JSON.stringify(entry) : describe(entry)}\n`);
  if (!options.json && entries.length === 0) context.err.write('no audit entries match\n');
  return 0;
}

function describe(entry: AuditEntry): string {
  const what = entry.resourceType ? ` ${entry.resourceType} ${entry.subject ?? entry.resourceId ?? ''}` : '';
  const status = entry.httpStatus === null ? '' : ` (${entry.httpStatus})`;
  const calls = entry.asanaCalls.map((c) => `${c.operation} ${c.status || 'no answer'} ${c.ms}ms`).join(', ');
  const detail = entry.detail && entry.operation !== 'reconcile' ? `\n    ${entry.detail}` : '';
  return `${entry.at}  ${entry.actor}  ${entry.operation}${what} → ${entry.outcome}${status}${calls ? `  asana: ${calls}` : ''}${detail}`;
}
