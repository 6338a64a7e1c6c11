import type { Logger } from 'pino';
import { AsanaError } from '../asana/asana-error.js';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi } from '../asana/types.js';
import type { DeprovisioningStore, TaskHandoverRecord } from '../store/deprovisioning-store.js';
import type { AsanaWork, MappingStore } from '../store/mapping-store.js';
import { describeFailure } from './asana-failure.js';

type Removal = Extract<AsanaWork, { kind: 'removeUserFromWorkspace' }>;

export interface TaskHandoverOptions {
  readonly store: MappingStore & DeprovisioningStore;
  readonly asana: AsanaApi;
  readonly workspaceGid: string;
  /** TASK_HANDOVER_TO: `manager` and/or member addresses, tried in order. */
  readonly targets: readonly string[];
  /** TASK_HANDOVER_MAX_MINUTES in ms: past this since the handover began, the removal goes ahead. */
  readonly maxMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const PAGE_SIZE = 100;

/**
 * Before Asana's removeUser, hands a person's incomplete tasks in the workspace to the first TASK_HANDOVER_TO
 * target that is an active member (Asana's guide to deprovisioning through the REST API: "follow up with
 * PUT /tasks/{task_gid} to set a new assignee"). It is part of the removal's queued work, so it is durable and
 * resumed after a crash; each call goes through the Asana client's budget.
 *
 * Never to two people: the target is stored before the first task moves and never changed, and a resumed run
 * lists the person's tasks again (a task already moved is no longer theirs). Revoking access matters more than
 * tasks: a task Asana refuses is counted as not handed over, and a handover still failing TASK_HANDOVER_MAX_MINUTES
 * after it began is given up, so the removal runs.
 */
export class TaskHandover {
  private readonly now: () => number;

  constructor(private readonly options: TaskHandoverOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Throws (the removal is retried later) only while the time allowed is not used up. */
  async run(work: Removal, workId: number): Promise<void> {
    const { store, targets, logger } = this.options;
    if (targets.length === 0) return;
    let record = (await store.taskHandover(workId)) ?? (await store.startTaskHandover(workId, work.userId, this.now()));
    if (record.finishedAt !== null) return;
    try {
      if (record.targetGid === null) {
        const target = await this.chooseTarget(work);
        if (!target) {
          await this.finish(record, 'no TASK_HANDOVER_TO target is an active Asana member: no task was handed over');
          return;
        }
        record = await store.chooseHandoverTarget(workId, target.gid, target.label);
      }
      if (record.inFlightTask !== null) await this.settleInFlight(record);
      await this.moveTasks(work, record);
      await this.finish(record, null);
    } catch (error) {
      if (this.now() - record.startedAt < this.options.maxMs) throw error;
      logger.warn({ err: error, userId: work.userId }, 'task handover given up: the removal goes ahead');
      await this.finish(
        record,
        `given up after ${Math.round(this.options.maxMs / 60_000)} minutes (${describeFailure(error)}): ` +
          'the tasks still assigned to the person were not handed over',
      );
    }
  }

  private async moveTasks(work: Removal, record: TaskHandoverRecord): Promise<void> {
    const { store, asana, workspaceGid } = this.options;
    const target = record.targetGid as string;
    const tasks = paginate((offset) =>
      asana.getTasks({
        assignee: work.user,
        workspace: workspaceGid,
        completed_since: 'now',
        limit: PAGE_SIZE,
        opt_fields: ['name'],
        ...(offset ? { offset } : {}),
      }),
    );
    for await (const task of tasks) {
      await store.beginTaskMove(record.workId, task.gid);
      try {
        await asana.updateTask(task.gid, { assignee: target });
        await store.settleTaskMove(record.workId, 'handedOver');
      } catch (error) {
        // Asana refused this one task (it may have left the workspace meanwhile): reported, the rest go on.
        if (!(error instanceof AsanaError && error.permanent && error.status !== 401)) throw error;
        await store.settleTaskMove(record.workId, 'notHandedOver');
      }
    }
  }

  /**
   * A reassignment sent before the process died (or before an unknown outcome) is read back once: counted when
   * Asana holds it; otherwise the task is still the person's and the listing finds it again.
   */
  private async settleInFlight(record: TaskHandoverRecord): Promise<void> {
    const gid = record.inFlightTask as string;
    let moved = false;
    try {
      const task = await this.options.asana.getTask(gid, { opt_fields: ['assignee'] });
      moved = task.assignee?.gid === record.targetGid;
    } catch (error) {
      if (!(error instanceof AsanaError && error.status === 404)) throw error;
    }
    await this.options.store.settleTaskMove(record.workId, moved ? 'handedOver' : null);
  }

  private async finish(record: TaskHandoverRecord, outcome: string | null): Promise<void> {
    const done = await this.options.store.finishTaskHandover(record.workId, this.now(), outcome);
    // Gids, SCIM ids and the entry's position only: an address stays out of the log (README, "Logs").
    const label = done.targetLabel;
    const to =
      label === null ? 'nobody' : label === 'manager' ? 'manager' : `TASK_HANDOVER_TO entry ${this.options.targets.indexOf(label) + 1}`;
    this.options.logger.info(
      {
        userId: done.userId,
        to,
        toAsanaGid: done.targetGid,
        handedOver: done.handedOver,
        notHandedOver: done.notHandedOver,
        ...(outcome !== null && { outcome }),
      },
      `task handover: ${done.handedOver} tasks to ${to}`,
    );
  }

  /** The first target that is an active member of the workspace, other than the person leaving. */
  private async chooseTarget(work: Removal): Promise<{ gid: string; label: string } | undefined> {
    for (const entry of this.options.targets) {
      const gid = entry === 'manager' ? await this.managerGid(work) : await this.memberGid(entry);
      if (gid !== undefined && gid !== work.user) return { gid, label: entry };
    }
    return undefined;
  }

  /** The enterprise manager, when the bridge knows them as an active, linked member. */
  private async managerGid(work: Removal): Promise<string | undefined> {
    if (work.manager === undefined) return undefined;
    const manager = await this.options.store.getUser(work.manager);
    if (!manager?.active || manager.asanaGid === null) return undefined;
    return (await this.activeMember(manager.asanaGid)) ? manager.asanaGid : undefined;
  }

  private async memberGid(email: string): Promise<string | undefined> {
    try {
      const user = await this.options.asana.getUser(email, { opt_fields: ['name'] });
      return (await this.activeMember(user.gid)) ? user.gid : undefined;
    } catch (error) {
      if (error instanceof AsanaError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  private async activeMember(gid: string): Promise<boolean> {
    const page = await this.options.asana.getWorkspaceMembershipsForWorkspace(this.options.workspaceGid, {
      user: gid,
      opt_fields: ['is_active'],
    });
    return page.data.some((m) => m.is_active === true);
  }
}
