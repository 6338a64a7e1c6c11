import { createHash } from 'node:crypto';
import type { AttentionItem } from '../store/audit-log.js';
import type { CliContext } from './context.js';

/** How long `status` waits for the running bridge's /readyz. */
const PROBE_TIMEOUT_MS = 2_000;

/** What the bridge process on this host answers at /readyz, if it answers. */
async function probeBridge(context: CliContext): Promise<{ answering: boolean; ready?: boolean; reason?: string | null }> {
  const { HOST, PORT } = context.config;
  const host = HOST === '0.0.0.0' || HOST === '::' ? '127.0.0.1' : HOST;
  try {
    const response = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${PORT}/readyz`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const body = (await response.json()) as { reason?: string | null };
    return { answering: true, ready: response.ok, reason: body.reason ?? null };
  } catch {
    return { answering: false };
  }
}

/** `scim-bridge status [--json]`: exit 0 when the store answers and Asana accepts the token, else 1. */
export async function statusCommand(context: CliContext, options: { json: boolean }): Promise<number> {
  const readiness = await context.readiness.check();
  const overview = await context.overview.overview({ auditLimit: 0 });
  const bridge = await probeBridge(context);
  // The audit log names SCIM tokens by this fingerprint; listing them lets an operator tell which IdP acted.
  const tokens = context.config.SCIM_TOKEN.map(
    (token, index) => ({ position: index + 1, actor: `token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}` }),
  );
  const failed = overview.attention.filter((r) => r.syncState === 'failed');
  const pending = overview.attention.filter((r) => r.syncState === 'pending');
  const report = {
    healthy: readiness.ready,
    store: readiness.store,
    asanaToken: readiness.asana,
    reason: readiness.reason,
    bridge,
    queue: overview.queue,
    resources: overview.resources,
    failed,
    pending,
    lastReconcile: overview.lastReconcile,
    scimTokens: tokens,
  };
  if (options.json) {
    context.out.write(`${JSON.stringify(report)}\n`);
    return report.healthy ? 0 : 1;
  }
  const lines = [
    `health:        ${readiness.ready ? 'ok' : `NOT READY: ${readiness.reason ?? ''}`}`,
    `store:         ${readiness.store}`,
    `Asana token:   ${readiness.asana}${readiness.ready && readiness.reason ? ` (${readiness.reason})` : ''}`,
    `bridge:        ${bridge.answering ? (bridge.ready ? 'running, ready' : `running, not ready: ${bridge.reason ?? ''}`) : 'not answering on this host'}`,
    `queue:         ${overview.queue.ready} ready, ${overview.queue.backoff} backing off` +
      (overview.queue.oldestAgeMs === null ? '' : `, oldest ${Math.round(overview.queue.oldestAgeMs / 1000)} s`),
    `resources:     ${overview.resources.map((r) => `${r.type} ${r.syncState} ${r.count}`).join(', ') || 'none'}`,
    `failed:        ${failed.length}`,
    ...failed.map(describe),
    `pending:       ${pending.length}`,
    ...pending.slice(0, 20).map(describe),
    `last reconcile: ${
      overview.lastReconcile
        ? `${overview.lastReconcile.at} by ${overview.lastReconcile.actor}: ${overview.lastReconcile.outcome}`
        : 'never'
    }`,
    `SCIM tokens:   ${tokens.map((t) => `#${t.position} ${t.actor}`).join(', ')}`,
  ];
  context.out.write(`${lines.join('\n')}\n`);
  return report.healthy ? 0 : 1;
}

function describe(item: AttentionItem): string {
  return `  ${item.type} ${item.name} (${item.id}), ${item.attempts} attempts: ${item.lastError ?? 'no error recorded'}`;
}
