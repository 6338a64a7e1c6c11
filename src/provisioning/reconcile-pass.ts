import type { AuditActor } from '../store/audit-log.js';
import { describeFailure } from './asana-failure.js';
import type { AuditTrail } from './audit-trail.js';
import type { Drift, DriftAction, ReconcilePhase, ReconcileReport, Skipped } from './reconcile-report.js';
import type { Reconciler } from './reconciler.js';
import type { ReplicaLease } from './replica-lease.js';

/** A drift item with the names an admin knows the resources by (as they were at the pass). */
export type NamedDrift = Drift & { readonly userName?: string; readonly groupName?: string };

/** Drift items kept in the audit entry; the count is always whole. */
const MAX_DRIFT_RECORDED = 200;

/** What the audit log keeps of a pass (the entry's detail), read back as "the last reconcile". */
export interface ReconcileSummary {
  readonly action: DriftAction;
  readonly usersCompared: number;
  readonly teamsCompared: number;
  readonly linked: number;
  readonly driftCount: number;
  readonly drift: readonly NamedDrift[];
  readonly queued: number;
  readonly asanaCalls: number;
  /** What the pass could not compare and why (capped like drift). */
  readonly skipped: readonly Skipped[];
}

/**
 * One reconciliation pass, recorded in the audit log with its drift (the bridge's timer and the CLI both run it).
 * One pass at a time across every replica and command on the database (`lease`): undefined, and nothing done or
 * recorded, while another process's pass runs.
 */
export function runReconcilePass(
  deps: { readonly reconciler: Reconciler; readonly trail: AuditTrail; readonly lease: ReplicaLease },
  actor: AuditActor,
  action: DriftAction,
  onProgress?: (progress: ReconcilePhase) => void,
): Promise<ReconcileReport | undefined> {
  return deps.lease.run(() => recordedPass(deps, actor, action, onProgress));
}

function recordedPass(
  deps: { readonly reconciler: Reconciler; readonly trail: AuditTrail },
  actor: AuditActor,
  action: DriftAction,
  onProgress?: (progress: ReconcilePhase) => void,
): Promise<ReconcileReport> {
  const base = { actor, operation: 'reconcile', resourceType: null, resourceId: null, subject: null, httpStatus: null };
  return deps.trail.record(
    async (result) => {
      if (!result.ok) return { ...base, outcome: 'failed', detail: describeFailure(result.error) };
      const report = result.value;
      const summary: ReconcileSummary = {
        action,
        usersCompared: report.usersCompared,
        teamsCompared: report.teamsCompared,
        linked: report.linked,
        driftCount: report.drift.length,
        drift: await named(deps.trail, report.drift.slice(0, MAX_DRIFT_RECORDED)),
        queued: report.queued,
        asanaCalls: report.asanaCalls,
        skipped: report.skipped.slice(0, MAX_DRIFT_RECORDED),
      };
      const outcome = report.drift.length === 0 ? 'no drift' : `drift: ${report.drift.length}`;
      return { ...base, outcome, detail: JSON.stringify(summary) };
    },
    () => deps.reconciler.run(action, onProgress),
  );
}

async function named(trail: AuditTrail, drift: readonly Drift[]): Promise<NamedDrift[]> {
  return Promise.all(
    drift.map(async (item) => {
      const userName = 'userName' in item ? item.userName : 'userId' in item ? await trail.subjectOf('User', item.userId) : null;
      const groupName = 'groupId' in item ? await trail.subjectOf('Group', item.groupId) : null;
      return { ...item, ...(userName ? { userName } : {}), ...(groupName ? { groupName } : {}) };
    }),
  );
}
