import { AsanaError } from '../asana/asana-error.js';
import type { AsanaApi } from '../asana/types.js';
import type { AuditLogStore } from '../store/audit-log.js';
import type { AsanaWork, MappingStore, WorkEffect } from '../store/mapping-store.js';
import { workKeys } from '../store/work-keys.js';
import { describeFailure } from './asana-failure.js';
import type { AuditTrail } from './audit-trail.js';
import { WaitingForDependency, WorkExecutor } from './work-executor.js';

/** The user a piece of work is about, if it is about one. */
function userOf(work: AsanaWork): string | undefined {
  return 'userId' in work ? work.userId : undefined;
}

/** A name the work carries, for an entry whose resource may be gone (a deleted group's clean-up). */
function nameIn(work: AsanaWork): string | null {
  if (work.kind === 'addUserToWorkspace') return work.email;
  if (work.kind === 'createTeam' || work.kind === 'renameTeam') return work.name;
  return null;
}

/**
 * The work executor, audited: work run for an IdP's request adds the users it touches to that request's entry;
 * work the background loop retries later becomes an entry of its own (actor `bridge`, operation `retry`), so an
 * admin sees when a queued change finally reached Asana, or why it did not.
 */
export class AuditedWorkExecutor extends WorkExecutor {
  constructor(
    private readonly trail: AuditTrail,
    store: MappingStore & AuditLogStore,
    asana: AsanaApi,
    workspaceGid: string,
  ) {
    super(store, asana, workspaceGid);
  }

  override async execute(work: AsanaWork): Promise<WorkEffect> {
    const request = this.trail.active();
    const userId = userOf(work);
    if (request) {
      if (userId !== undefined) request.userIds.add(userId);
      return super.execute(work);
    }
    const [type, id = ''] = workKeys(work).resourceKey.split(':', 2) as ['User' | 'Group', string];
    const subject = (await this.trail.subjectOf(type, id)) ?? nameIn(work);
    return this.trail.record(
      (result) => {
        // Waiting on other work is not an action: nothing was asked of Asana.
        if (!result.ok && result.error instanceof WaitingForDependency) return undefined;
        const base = {
          actor: 'bridge' as const,
          operation: 'retry',
          resourceType: type,
          resourceId: id,
          subject,
          httpStatus: null,
        };
        if (result.ok) return { ...base, outcome: `done: ${work.kind}`, detail: null };
        const refused = result.error instanceof AsanaError && result.error.permanent && result.error.status !== 401;
        return { ...base, outcome: `${refused ? 'failed' : 'deferred'}: ${work.kind}`, detail: describeFailure(result.error) };
      },
      async () => {
        const draft = this.trail.active();
        if (draft && userId !== undefined && type === 'Group') draft.userIds.add(userId);
        return super.execute(work);
      },
    );
  }
}
