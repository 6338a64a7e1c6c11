import type { DriftAction } from '../provisioning/reconcile-report.js';
import { Reconciler } from '../provisioning/reconciler.js';
import { runReconcilePass } from '../provisioning/reconcile-pass.js';
import { ReplicaLease } from '../provisioning/replica-lease.js';
import type { CliContext } from './context.js';
import { progressReporter } from './progress-bar.js';

/**
 * `scim-bridge reconcile [--restore] [--json]`: one reconciliation pass now, recorded in the audit log. It only
 * reads Asana and queues work; the running bridge carries restorations out, so it is safe to run beside it.
 */
export async function reconcileCommand(context: CliContext, options: { json: boolean; restore: boolean }): Promise<number> {
  const action: DriftAction = options.restore ? 'restore' : context.config.RECONCILE_DRIFT_ACTION;
  const reconciler = new Reconciler({
    store: context.store,
    asana: context.asana,
    owner: context.owner,
    workspaceGid: context.config.ASANA_WORKSPACE_GID,
    logger: context.logger,
  });
  const progress = progressReporter(context.err);
  // One pass at a time with the running bridges' timers (and other commands) on the same database.
  const lease = new ReplicaLease({ store: context.store, name: 'reconcile', holder: context.holder });
  const report = await runReconcilePass({ reconciler, trail: context.trail, lease }, 'cli', action, (p) => progress.update(p));
  progress.done();
  if (report === undefined) {
    context.err.write('another reconcile pass is running (a bridge replica or another command); try again when it ends\n');
    return 75;
  }
  if (options.json) {
    context.out.write(`${JSON.stringify({ action, ...report })}\n`);
  } else {
    context.out.write(
      [
        `action:     ${action}`,
        `compared:   ${report.usersCompared} users, ${report.teamsCompared} teams (${report.asanaCalls} Asana calls)`,
        `linked:     ${report.linked}`,
        `drift:      ${report.drift.length}`,
        ...report.drift.map((d) => `  ${d.kind} ${'userName' in d ? d.userName : 'groupId' in d ? `group ${d.groupId}` : ''}`),
        `skipped:    ${report.skipped.length}`,
        ...report.skipped.map((s) => `  ${s.kind} ${'groupId' in s ? `group ${s.groupId} ` : 'userName' in s ? `${s.userName} ` : ''}(${s.reason})`),
        `queued:     ${report.queued}${action === 'report' && report.drift.length > 0 ? ' (run with --restore to queue the fixes)' : ''}`,
      ].join('\n') + '\n',
    );
  }
  return 0;
}
