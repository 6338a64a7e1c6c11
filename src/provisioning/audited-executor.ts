import { AsanaError } from '../asana/asana-error.js';
import type { AsanaApi } from '../asana/types.js';
import type { AuditLogStore } from '../store/audit-log.js';
import type { AsanaWork, MappingStore, WorkEffect } from '../store/mapping-store.js';
import { workKeys } from '../store/work-keys.js';
import { describeFailure } from './asana-failure.js';
import { AuditDraft, type AuditFacts, type AuditTrail } from './audit-trail.js';
import type { TaskHandover } from './task-handover.js';
import type { TokenOwner } from './token-owner.js';
import { WaitingForDependency, WorkExecutor } from './work-executor.js';

/** A name the work carries, for an entry whose resource may be gone (a deleted group's clean-up). */
function nameIn(work: AsanaWork): string | null {
  if (work.kind === 'addUserToWorkspace') return work.email;
  if (work.kind === 'createTeam' || work.kind === 'renameTeam') return work.name;
  return null;
}

/**
 * The work executor, audited. Each piece of work collects its Asana calls in a draft of its own; then
 * - while the IdP's request that queued it is still open, they join that request's entry (with the users the
 *   work touched, so a group change shows in each member's history);
 * - otherwise (the background loop's retries, or work that outlived the request's deadline) the work becomes an
 *   entry of its own, actor `bridge`: `retry` or `continue`. So an admin sees when a queued change finally
 *   reached Asana, or why it did not.
 */
export class AuditedWorkExecutor extends WorkExecutor {
  constructor(
    private readonly trail: AuditTrail,
    store: MappingStore & AuditLogStore,
    asana: AsanaApi,
    workspaceGid: string,
    owner: Pick<TokenOwner, 'identity'>,
    handover?: TaskHandover,
  ) {
    super(store, asana, workspaceGid, owner, handover);
  }

  override async execute(work: AsanaWork, workId = 0): Promise<WorkEffect> {
    const request = this.trail.active();
    const draft = new AuditDraft();
    if ('userId' in work) {
      draft.userIds.add(work.userId);
      // At once: the request's entry names the user even if its answer goes before this work ends.
      request?.userIds.add(work.userId);
    }
    let result: { ok: true; effect: WorkEffect } | { ok: false; error: unknown };
    try {
      result = { ok: true, effect: await this.trail.within(draft, () => super.execute(work, workId)) };
    } catch (error) {
      result = { ok: false, error };
    }
    if (request && !request.committed) {
      request.calls.push(...draft.calls);
    } else {
      const facts = await this.facts(work, result, request ? 'continue' : 'retry');
      if (facts) await this.trail.commit(draft, facts);
    }
    if (!result.ok) throw result.error;
    return result.effect;
  }

  private async facts(
    work: AsanaWork,
    result: { ok: true } | { ok: false; error: unknown },
    operation: 'retry' | 'continue',
  ): Promise<AuditFacts | undefined> {
    // Waiting on other work is not an action: nothing was asked of Asana.
    if (!result.ok && result.error instanceof WaitingForDependency) return undefined;
    const [type, id = ''] = workKeys(work).resourceKey.split(':', 2) as ['User' | 'Group', string];
    const base = {
      actor: 'bridge' as const,
      operation,
      resourceType: type,
      resourceId: id,
      subject: (await this.trail.subjectOf(type, id)) ?? nameIn(work),
      httpStatus: null,
    };
    if (result.ok) return { ...base, outcome: `done: ${work.kind}`, detail: null };
    const { error } = result;
    const refused = error instanceof AsanaError && error.permanent && error.status !== 401;
    return { ...base, outcome: `${refused ? 'failed' : 'deferred'}: ${work.kind}`, detail: describeFailure(error) };
  }
}
