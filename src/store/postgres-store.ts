import {
  type AsanaWork,
  type GroupRecord,
  type GroupRef,
  type GroupUndo,
  type ListOptions,
  type ListResult,
  type MappingStore,
  type RestoreWork,
  type UserRecord,
  type UserUndo,
  type WorkEffect,
  type WorkItem,
  type WorkLease,
  StoreConflict,
} from './mapping-store.js';
import type { BudgetGrant, BudgetSlotRequest, CoordinationStore, LeaseClaim, LeaseName } from './coordination.js';
import { PgCoordination } from './postgres/coordination.js';
import type {
  AttentionItem,
  AuditEntry,
  AuditEntryInput,
  AuditLogStore,
  AuditQuery,
  OperationsStore,
  ResourceCount,
  WorkQueueStats,
} from './audit-log.js';
import { PgAuditLog } from './postgres/audit-log.js';
import type {
  Admission,
  DeprovisioningStore,
  HeldRemoval,
  PlannedWork,
  TaskHandoverRecord,
} from './deprovisioning-store.js';
import { PgDeprovisioningTables } from './postgres/deprovisioning-tables.js';
import { openDatabase, type PostgresContext, type Queryable } from './postgres/database.js';
import { PgGroupTable } from './postgres/group-table.js';
import { PgUserTable } from './postgres/user-table.js';
import { PgWorkQueue } from './postgres/work-queue.js';
import { owedAfterRefusal } from './refusals.js';
import { groupKey, resourceOf, userKey, type OrderKey, type ResourceKey } from './work-keys.js';

/** The advisory lock work claims take (see PostgresContext.serialized). */
const CLAIMS_LOCK = 'asana-work-claims';

/**
 * The mapping store on PostgreSQL, for several replicas on one database (docs/decisions.md, "PostgreSQL: two
 * stores behind one contract"). Each write method is one SERIALIZABLE transaction (retried when PostgreSQL aborts
 * it for a concurrent one), so the steps below are those of SqliteStore, whose comments say why; the contract
 * suite (test/store/contract-*.test.ts) holds both to the same behaviour. Reads are not cached: another replica's
 * commit would have to invalidate them, and an indexed read costs PostgreSQL less than the HTTP around it
 * (docs/benchmarks.md).
 */
export class PostgresStore implements MappingStore, CoordinationStore, AuditLogStore, OperationsStore, DeprovisioningStore {
  private readonly users = new PgUserTable();
  private readonly groups = new PgGroupTable();
  private readonly work = new PgWorkQueue();
  private readonly audit = new PgAuditLog();
  private readonly coordination = new PgCoordination();
  private readonly deprovisioning = new PgDeprovisioningTables();

  private constructor(private readonly sql: PostgresContext) {}

  /** Connects and applies pending migrations (under an advisory lock: replicas may start together). */
  static async open(url: string): Promise<PostgresStore> {
    return new PostgresStore(await openDatabase(url));
  }

  private get db(): Queryable {
    return this.sql.pool;
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** Other replicas commit without telling this one, and asking PostgreSQL would cost what a read costs. */
  readGeneration(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    if (!this.sql.pool.ended) await this.sql.pool.end();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.users.get(this.db, id);
  }

  async listUsers(options: ListOptions): Promise<ListResult<UserRecord>> {
    return this.users.list(this.db, options);
  }

  async groupsOfUsers(userIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupRef[]>> {
    return this.users.groupsOf(this.db, userIds);
  }

  async insertUser(user: UserRecord, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    const dropHeld = user.active && (await this.deprovisioning.anyHeld(this.db));
    return this.sql.transaction(async (db) => {
      await this.users.insert(db, user);
      if (dropHeld) await this.deprovisioning.dropHeld(db, user);
      return this.work.enqueue(db, work);
    });
  }

  async updateUser(user: UserRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    const dropHeld = user.active && (await this.deprovisioning.anyHeld(this.db));
    return this.sql.transaction(async (db) => {
      if (!(await this.users.update(db, user, expectedVersion))) {
        throw missingOrVersion(await this.users.version(db, user.id), user.id);
      }
      if (dropHeld) await this.deprovisioning.dropHeld(db, user);
      if (work.length > 0) await this.work.markPending(db, userKey(user.id), null);
      return this.work.enqueue(db, work);
    });
  }

  async deleteUser(id: string, expectedVersion: number, work: readonly AsanaWork[], at: string): Promise<WorkItem[]> {
    return this.sql.transaction(async (db) => {
      const groups = await this.groups.groupsOfMember(db, id);
      if (!(await this.users.delete(db, id, expectedVersion))) throw missingOrVersion(await this.users.version(db, id), id);
      await this.groups.touch(db, groups, at);
      for (const group of await this.work.dropTeamWorkOf(db, id)) await this.work.markStepDone(db, group);
      return this.work.enqueue(db, work);
    });
  }

  async revertUser(id: string, { restore: previous, writtenVersion, workIds, at }: UserUndo): Promise<boolean> {
    return this.sql.transaction(async (db) => {
      const current = await this.users.version(db, id);
      if (current !== writtenVersion) return false;
      await this.work.remove(db, workIds);
      if (!previous) {
        await this.users.delete(db, id, undefined);
      } else if (current === undefined) {
        await this.users.insert(db, { ...previous.user, version: previous.user.version + 1 });
        const live: string[] = [];
        for (const groupId of previous.groupIds) {
          if ((await this.groups.state(db, groupId))?.deleted === false) live.push(groupId);
        }
        for (const groupId of live) await this.groups.addMembers(db, groupId, [id]);
        await this.groups.touch(db, live, at);
      } else {
        await this.users.update(db, { ...previous.user, version: current + 1 }, current);
        await this.work.restoreSync(db, userKey(id), previous.user.sync);
      }
      return true;
    });
  }

  async getGroup(id: string): Promise<GroupRecord | undefined> {
    return this.groups.get(this.db, id);
  }

  async listGroups(options: ListOptions, withMembers: boolean): Promise<ListResult<GroupRecord>> {
    return this.groups.list(this.db, options, withMembers);
  }

  async usersByIds(ids: readonly string[]): Promise<ReadonlyMap<string, UserRecord>> {
    return this.users.byIds(this.db, ids);
  }

  async teamGidOf(groupId: string): Promise<string | null | undefined> {
    return this.groups.teamGid(this.db, groupId);
  }

  async isGroupMember(groupId: string, userId: string): Promise<boolean> {
    return this.groups.hasMember(this.db, groupId, userId);
  }

  async isTeamLinked(asanaGid: string): Promise<boolean> {
    return this.groups.isTeamLinked(this.db, asanaGid);
  }

  async insertGroup(group: GroupRecord, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.sql.transaction(async (db) => {
      await this.groups.insert(db, group);
      return this.work.enqueue(db, work);
    });
  }

  async updateGroup(group: GroupRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.sql.transaction(async (db) => {
      if (!(await this.groups.update(db, group, expectedVersion))) throw await this.groupConflict(db, group.id);
      const rearmed = await this.work.rearm(db, groupKey(group.id));
      if (work.length > 0 || rearmed) await this.work.markPending(db, groupKey(group.id), null);
      return this.work.enqueue(db, work);
    });
  }

  async deleteGroup(id: string, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.sql.transaction(async (db) => {
      if (!(await this.groups.markDeleted(db, id, expectedVersion))) throw await this.groupConflict(db, id);
      await this.work.rearm(db, groupKey(id));
      const items = await this.work.enqueue(db, work);
      await this.purgeTombstone(db, groupKey(id));
      return items;
    });
  }

  async revertGroup(id: string, { restore: previous, writtenVersion, workIds }: GroupUndo): Promise<boolean> {
    return this.sql.transaction(async (db) => {
      const state = await this.groups.state(db, id);
      const purged = state === undefined && previous !== undefined && previous.version === writtenVersion;
      if (state?.version !== writtenVersion && !purged) return false;
      await this.work.remove(db, workIds);
      if (!previous) {
        await this.groups.delete(db, id);
        await this.work.dropParked(db, groupKey(id));
        return true;
      }
      const users = await this.users.byIds(db, previous.memberIds);
      const restored = {
        ...previous,
        version: (state?.version ?? previous.version) + 1,
        memberIds: previous.memberIds.filter((m) => users.has(m)),
      };
      if (state === undefined) await this.groups.insert(db, restored);
      else await this.groups.update(db, restored, state.version, true);
      await this.work.restoreSync(db, groupKey(id), previous.sync);
      return true;
    });
  }

  async linkUser(userId: string, asanaGid: string, emailInAsana: string, guest: boolean): Promise<void> {
    await this.sql.transaction(async (db) => {
      await this.work.applyEffect(db, { kind: 'userLinked', userId, asanaGid });
      await this.users.setEmailInAsana(db, userId, emailInAsana, guest);
    });
  }

  async enqueueRestore(restores: readonly RestoreWork[]): Promise<WorkItem[]> {
    return this.sql.transaction(async (db) => {
      const current: AsanaWork[] = [];
      for (const restore of restores) {
        let unchanged = true;
        for (const { key, version } of restore.decidedOn) {
          if ((await this.versionOf(db, key)) !== version) unchanged = false;
        }
        if (unchanged) current.push(restore.work);
      }
      const items = await this.work.enqueue(db, current);
      for (const key of new Set(items.map((i) => i.resourceKey))) {
        await this.work.markPending(db, key, 'restoring drift found in Asana');
      }
      return items;
    });
  }

  async dueWork(now: number, limit: number): Promise<WorkItem[]> {
    return this.work.due(this.db, now, limit);
  }

  // Claims run one at a time across replicas (under one advisory lock), as SQLite's immediate transactions do.
  async claimDueWork(now: number, limit: number, lease: WorkLease): Promise<WorkItem[]> {
    return this.sql.serialized(CLAIMS_LOCK, (db) => this.work.claimDue(db, now, limit, lease));
  }

  async claimWorkItem(id: number, now: number, lease: WorkLease): Promise<WorkItem | undefined> {
    return this.sql.serialized(CLAIMS_LOCK, (db) => this.work.claimOne(db, id, now, lease));
  }

  async renewWorkLeases(lease: WorkLease): Promise<void> {
    await this.work.renewLeases(this.db, lease);
  }

  async takeLease(claim: LeaseClaim, now: number): Promise<boolean> {
    return this.coordination.takeLease(this.db, claim, now);
  }

  async releaseLease(name: LeaseName, holder: string): Promise<void> {
    await this.coordination.releaseLease(this.db, name, holder);
  }

  async takeBudgetSlot(request: BudgetSlotRequest): Promise<BudgetGrant> {
    return this.sql.serialized(`asana-budget:${request.budgetKey}`, (db) => this.coordination.takeBudgetSlot(db, request));
  }

  async releaseBudgetSlot(slotId: number, expiresAt: number): Promise<void> {
    await this.coordination.releaseBudgetSlot(this.db, slotId, expiresAt);
  }

  async renewBudgetSlots(holder: string, inFlightUntil: number, holdUntil: number): Promise<void> {
    await this.coordination.renewBudgetSlots(this.db, holder, inFlightUntil, holdUntil);
  }

  async pauseBudget(budgetKey: string, until: number): Promise<void> {
    await this.coordination.pauseBudget(this.db, budgetKey, until);
  }

  async hasQueuedWork(resourceKey: ResourceKey): Promise<boolean> {
    return this.work.hasQueued(this.db, resourceKey);
  }

  async oldestWorkId(orderKey: OrderKey): Promise<number | undefined> {
    return this.work.oldestId(this.db, orderKey);
  }

  async completeWork(item: WorkItem, effect: WorkEffect): Promise<void> {
    await this.sql.transaction(async (db) => {
      await this.work.remove(db, [item.id]);
      await this.work.applyEffect(db, effect);
      await this.work.markStepDone(db, item.resourceKey);
      await this.purgeTombstone(db, item.resourceKey);
    });
  }

  async deferWork(item: WorkItem, error: string, nextAttemptAt: number): Promise<void> {
    await this.sql.transaction(async (db) => {
      if (await this.work.defer(db, item, error, nextAttemptAt)) {
        await this.work.markDeferred(db, item.resourceKey, item.attempts + 1, error);
      }
    });
  }

  async failWork(item: WorkItem, error: string): Promise<void> {
    await this.sql.transaction(async (db) => {
      const settled = owedAfterRefusal(item.work)
        ? await this.work.park(db, item.id)
        : (await this.work.remove(db, [item.id])) > 0;
      if (!settled) return;
      await this.work.markFailed(db, item.resourceKey, item.attempts + 1, error);
      await this.purgeTombstone(db, item.resourceKey);
      await this.work.enqueue(db, await this.teamRemovalsOfRefusedDelete(db, item.work));
    });
  }

  /** The team removals a deleted user's refused workspace removal leaves to do (see SqliteStore.failWork). */
  private async teamRemovalsOfRefusedDelete(db: Queryable, work: AsanaWork): Promise<AsanaWork[]> {
    if (work.kind !== 'removeUserFromWorkspace' || !work.groupIds || (await this.users.version(db, work.userId)) !== undefined) {
      return [];
    }
    const { userId, email, user } = work;
    const removals: AsanaWork[] = [];
    for (const groupId of work.groupIds) {
      if (await this.groups.teamGid(db, groupId)) removals.push({ kind: 'removeUserFromTeam', groupId, userId, email, user });
    }
    return removals;
  }

  async appendAudit(entry: AuditEntryInput): Promise<void> {
    await this.audit.append(this.db, entry);
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.query(this.db, query);
  }

  async pruneAudit(before: string): Promise<number> {
    return this.audit.prune(this.db, before);
  }

  async workQueueStats(now: number): Promise<WorkQueueStats> {
    return this.audit.workQueueStats(this.db, now);
  }

  async resourceCounts(): Promise<ResourceCount[]> {
    return this.audit.resourceCounts(this.db);
  }

  async resourcesNeedingAttention(search: string | undefined, limit: number): Promise<AttentionItem[]> {
    return this.audit.resourcesNeedingAttention(this.db, search, limit);
  }

  async admitRemoval(item: WorkItem, now: number, windowStart: number, limit: number, reason: string): Promise<Admission> {
    return this.sql.transaction((db) => this.deprovisioning.admitRemoval(db, item, now, windowStart, limit, reason));
  }

  async heldRemovals(): Promise<HeldRemoval[]> {
    return this.deprovisioning.heldRemovals(this.db);
  }

  async releaseRemovals(userIds: readonly string[] | undefined, now: number): Promise<number> {
    return this.sql.transaction((db) => this.deprovisioning.releaseRemovals(db, userIds, now));
  }

  async taskHandover(workId: number): Promise<TaskHandoverRecord | undefined> {
    return this.deprovisioning.taskHandover(this.db, workId);
  }

  async startTaskHandover(workId: number, userId: string, now: number): Promise<TaskHandoverRecord> {
    return this.sql.transaction((db) => this.deprovisioning.startTaskHandover(db, workId, userId, now));
  }

  async chooseHandoverTarget(workId: number, targetGid: string, targetLabel: string): Promise<TaskHandoverRecord> {
    return this.sql.transaction((db) => this.deprovisioning.chooseHandoverTarget(db, workId, targetGid, targetLabel));
  }

  async beginTaskMove(workId: number, taskGid: string): Promise<void> {
    await this.deprovisioning.beginTaskMove(this.db, workId, taskGid);
  }

  async settleTaskMove(workId: number, outcome: 'handedOver' | 'notHandedOver' | null): Promise<void> {
    await this.deprovisioning.settleTaskMove(this.db, workId, outcome);
  }

  async finishTaskHandover(workId: number, now: number, outcome: string | null): Promise<TaskHandoverRecord> {
    return this.sql.transaction((db) => this.deprovisioning.finishTaskHandover(db, workId, now, outcome));
  }

  async latestHandovers(userIds: readonly string[]): Promise<ReadonlyMap<string, TaskHandoverRecord>> {
    return this.deprovisioning.latestHandovers(this.db, userIds);
  }

  async markPlanned(resourceKey: ResourceKey): Promise<void> {
    await this.deprovisioning.markPlanned(this.db, resourceKey);
  }

  async resumePlanned(): Promise<number> {
    return this.sql.transaction((db) => this.deprovisioning.resumePlanned(db));
  }

  async plannedWork(): Promise<PlannedWork[]> {
    return this.deprovisioning.plannedWork(this.db);
  }

  private async versionOf(db: Queryable, key: ResourceKey): Promise<number | undefined> {
    const { table, id } = resourceOf(key);
    if (table === 'users') return this.users.version(db, id);
    const state = await this.groups.state(db, id);
    return state && !state.deleted ? state.version : undefined;
  }

  private async purgeTombstone(db: Queryable, resourceKey: ResourceKey): Promise<void> {
    const { table, id } = resourceOf(resourceKey);
    if (table === 'groups' && (await this.groups.purgeIfDone(db, id))) await this.work.dropParked(db, resourceKey);
  }

  private async groupConflict(db: Queryable, id: string): Promise<StoreConflict> {
    const state = await this.groups.state(db, id);
    return missingOrVersion(state && !state.deleted ? state.version : undefined, id);
  }
}

function missingOrVersion(currentVersion: number | undefined, id: string): StoreConflict {
  return currentVersion === undefined
    ? new StoreConflict('missing', `${id} does not exist`)
    : new StoreConflict('version', `${id} changed meanwhile`);
}
