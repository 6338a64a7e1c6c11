import Database from 'better-sqlite3';
import {
  StoreConflict,
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
} from './mapping-store.js';
import type { BudgetGrant, BudgetSlotRequest, CoordinationStore, LeaseClaim, LeaseName } from './coordination.js';
import { SqliteCoordination } from './sqlite/coordination.js';
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
import type {
  Admission,
  DeprovisioningStore,
  HeldRemoval,
  PlannedWork,
  TaskHandoverRecord,
} from './deprovisioning-store.js';
import { SqliteAuditLog } from './sqlite/audit-log.js';
import { DeprovisioningTables } from './sqlite/deprovisioning-tables.js';
import { openDatabase, type SqliteContext } from './sqlite/database.js';
import { OperationsQueries } from './sqlite/operations-queries.js';
import { GroupTable } from './sqlite/group-table.js';
import { ReadCache } from './sqlite/read-cache.js';
import { UserTable } from './sqlite/user-table.js';
import { WorkQueue } from './sqlite/work-queue.js';
import { owedAfterRefusal } from './refusals.js';
import { groupKey, resourceOf, userKey, type OrderKey, type ResourceKey } from './work-keys.js';

/**
 * The mapping store on one SQLite file, through better-sqlite3. Calls are synchronous underneath, so each
 * method is one immediate transaction and no two interleave; the async signatures are PostgreSQL's too
 * (postgres-store.ts).
 */
export class SqliteStore implements MappingStore, CoordinationStore, AuditLogStore, OperationsStore, DeprovisioningStore {
  private readonly users: UserTable;
  private readonly groups: GroupTable;
  private readonly work: WorkQueue;
  private readonly cache: ReadCache;
  private readonly audit: SqliteAuditLog;
  private readonly operations: OperationsQueries;
  private readonly deprovisioning: DeprovisioningTables;
  private readonly coordination: SqliteCoordination;

  private constructor(private readonly sql: SqliteContext) {
    this.audit = new SqliteAuditLog(sql);
    this.operations = new OperationsQueries(sql);
    this.cache = new ReadCache(sql);
    this.users = new UserTable(sql, this.cache);
    this.groups = new GroupTable(sql);
    this.work = new WorkQueue(sql);
    this.deprovisioning = new DeprovisioningTables(sql, this.cache);
    this.coordination = new SqliteCoordination(sql);
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(path: string): SqliteStore {
    return new SqliteStore(openDatabase(path));
  }

  async ping(): Promise<void> {
    this.sql.statements.get('SELECT 1').get();
  }

  readGeneration(): number {
    return this.cache.generation();
  }

  async close(): Promise<void> {
    if (this.sql.db.open) this.sql.db.close();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.users.get(id);
  }

  async listUsers(options: ListOptions): Promise<ListResult<UserRecord>> {
    return this.users.list(options);
  }

  async groupsOfUsers(userIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupRef[]>> {
    return this.users.groupsOf(userIds);
  }

  async insertUser(user: UserRecord, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      this.users.insert(user);
      if (user.active) this.deprovisioning.dropHeld(user);
      return this.work.enqueue(work);
    });
  }

  async updateUser(user: UserRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      if (!this.users.update(user, expectedVersion)) throw this.missingOrVersion(this.users.version(user.id), user.id);
      if (user.active) this.deprovisioning.dropHeld(user);
      if (work.length > 0) this.work.markPending(userKey(user.id), null);
      return this.work.enqueue(work);
    });
  }

  async deleteUser(id: string, expectedVersion: number, work: readonly AsanaWork[], at: string): Promise<WorkItem[]> {
    return this.write(() => {
      const groups = this.groups.groupsOfMember(id);
      if (!this.users.delete(id, expectedVersion)) throw this.missingOrVersion(this.users.version(id), id);
      this.groups.touch(groups, at);
      for (const group of this.work.dropTeamWorkOf(id)) this.work.markStepDone(group);
      return this.work.enqueue(work);
    });
  }

  async revertUser(id: string, { restore: previous, writtenVersion, workIds, at }: UserUndo): Promise<boolean> {
    return this.write(() => {
      const current = this.users.version(id);
      if (current !== writtenVersion) return false;
      this.work.remove(workIds);
      if (!previous) {
        if (current !== undefined) this.users.delete(id, current);
      } else if (current === undefined) {
        this.users.insert({ ...previous.user, version: previous.user.version + 1 });
        const member = this.sql.statements.get('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
        const live = previous.groupIds.filter((groupId) => this.groups.state(groupId)?.deleted === false);
        for (const groupId of live) member.run(groupId, id);
        this.groups.touch(live, at);
      } else {
        this.users.update({ ...previous.user, version: current + 1 }, current);
        this.work.restoreSync(userKey(id), previous.user.sync);
      }
      return true;
    });
  }

  async getGroup(id: string): Promise<GroupRecord | undefined> {
    return this.groups.get(id);
  }

  async listGroups(options: ListOptions, withMembers: boolean): Promise<ListResult<GroupRecord>> {
    return this.groups.list(options, withMembers);
  }

  async usersByIds(ids: readonly string[]): Promise<ReadonlyMap<string, UserRecord>> {
    return this.users.byIds(ids);
  }

  async teamGidOf(groupId: string): Promise<string | null | undefined> {
    return this.groups.teamGid(groupId);
  }

  async isGroupMember(groupId: string, userId: string): Promise<boolean> {
    return this.groups.hasMember(groupId, userId);
  }

  async isTeamLinked(asanaGid: string): Promise<boolean> {
    return this.groups.isTeamLinked(asanaGid);
  }

  async insertGroup(group: GroupRecord, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      this.groups.insert(group);
      return this.work.enqueue(work);
    });
  }

  async updateGroup(group: GroupRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      if (!this.groups.update(group, expectedVersion)) throw this.groupConflict(group.id);
      const rearmed = this.work.rearm(groupKey(group.id));
      if (work.length > 0 || rearmed) this.work.markPending(groupKey(group.id), null);
      return this.work.enqueue(work);
    });
  }

  async deleteGroup(id: string, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      if (!this.groups.markDeleted(id, expectedVersion)) throw this.groupConflict(id);
      // Parked work runs first: a refused removal of a former member still empties the team.
      this.work.rearm(groupKey(id));
      const items = this.work.enqueue(work);
      this.purgeTombstone(groupKey(id));
      return items;
    });
  }

  async revertGroup(id: string, { restore: previous, writtenVersion, workIds }: GroupUndo): Promise<boolean> {
    return this.write(() => {
      const state = this.groups.state(id);
      // An undone delete whose refused clean-up was its last work: the refusal purged the tombstone, and the
      // group comes back from `previous` (a group id is never reused, so nothing else can have written it).
      const purged = state === undefined && previous !== undefined && previous.version === writtenVersion;
      if (state?.version !== writtenVersion && !purged) return false;
      this.work.remove(workIds);
      if (!previous) {
        this.groups.delete(id);
        this.work.dropParked(groupKey(id));
        return true;
      }
      // Members deleted meanwhile are not given back.
      const users = this.users.byIds(previous.memberIds);
      const restored = {
        ...previous,
        version: (state?.version ?? previous.version) + 1,
        memberIds: previous.memberIds.filter((m) => users.has(m)),
      };
      if (state === undefined) this.groups.insert(restored);
      else this.groups.update(restored, state.version, true);
      this.work.restoreSync(groupKey(id), previous.sync);
      return true;
    });
  }

  async linkUser(userId: string, asanaGid: string, emailInAsana: string, guest: boolean): Promise<void> {
    this.write(() => {
      this.work.applyEffect({ kind: 'userLinked', userId, asanaGid });
      this.users.setEmailInAsana(userId, emailInAsana, guest);
    });
  }

  async enqueueRestore(restores: readonly RestoreWork[]): Promise<WorkItem[]> {
    return this.write(() => {
      const current = restores.filter((r) => r.decidedOn.every(({ key, version }) => this.versionOf(key) === version));
      const items = this.work.enqueue(current.map((r) => r.work));
      for (const key of new Set(items.map((i) => i.resourceKey))) this.work.markPending(key, 'restoring drift found in Asana');
      return items;
    });
  }

  async dueWork(now: number, limit: number): Promise<WorkItem[]> {
    return this.work.due(now, limit);
  }

  async claimDueWork(now: number, limit: number, lease: WorkLease): Promise<WorkItem[]> {
    return this.coordinate(() => this.work.claimDue(now, limit, lease));
  }

  async claimWorkItem(id: number, now: number, lease: WorkLease): Promise<WorkItem | undefined> {
    return this.coordinate(() => this.work.claimOne(id, now, lease));
  }

  async renewWorkLeases(lease: WorkLease): Promise<void> {
    this.coordinate(() => this.work.renewLeases(lease));
  }

  async hasQueuedWork(resourceKey: ResourceKey): Promise<boolean> {
    return this.work.hasQueued(resourceKey);
  }

  async oldestWorkId(orderKey: OrderKey): Promise<number | undefined> {
    return this.work.oldestId(orderKey);
  }

  async completeWork(item: WorkItem, effect: WorkEffect): Promise<void> {
    this.write(() => {
      this.work.remove([item.id]);
      this.work.applyEffect(effect);
      this.work.markStepDone(item.resourceKey);
      this.purgeTombstone(item.resourceKey);
    });
  }

  // Deferring or failing an item a delete or an undo already settled changes nothing: its resource moved on.
  async deferWork(item: WorkItem, error: string, nextAttemptAt: number): Promise<void> {
    this.write(() => {
      if (this.work.defer(item, error, nextAttemptAt)) this.work.markDeferred(item.resourceKey, item.attempts + 1, error);
    });
  }

  async failWork(item: WorkItem, error: string): Promise<void> {
    this.write(() => {
      const settled = owedAfterRefusal(item.work) ? this.work.park(item.id) : this.work.remove([item.id]) > 0;
      if (!settled) return;
      this.work.markFailed(item.resourceKey, item.attempts + 1, error);
      this.purgeTombstone(item.resourceKey);
      this.work.enqueue(this.teamRemovalsOfRefusedDelete(item.work));
    });
  }

  /** The team removals a deleted user's refused workspace removal leaves to do (see failWork). */
  private teamRemovalsOfRefusedDelete(work: AsanaWork): AsanaWork[] {
    if (work.kind !== 'removeUserFromWorkspace' || !work.groupIds || this.users.version(work.userId) !== undefined) return [];
    const { userId, email, user } = work;
    return work.groupIds
      .filter((groupId) => this.groups.teamGid(groupId))
      .map((groupId) => ({ kind: 'removeUserFromTeam', groupId, userId, email, user }));
  }

  /** The version of a live user or group; undefined when it is gone. */
  private versionOf(key: ResourceKey): number | undefined {
    const { table, id } = resourceOf(key);
    if (table === 'users') return this.users.version(id);
    const state = this.groups.state(id);
    return state && !state.deleted ? state.version : undefined;
  }

  async takeLease(claim: LeaseClaim, now: number): Promise<boolean> {
    return this.coordinate(() => this.coordination.takeLease(claim, now));
  }

  async releaseLease(name: LeaseName, holder: string): Promise<void> {
    this.coordinate(() => this.coordination.releaseLease(name, holder));
  }

  async takeBudgetSlot(request: BudgetSlotRequest): Promise<BudgetGrant> {
    return this.coordinate(() => this.coordination.takeBudgetSlot(request));
  }

  async releaseBudgetSlot(slotId: number, expiresAt: number): Promise<void> {
    this.coordinate(() => this.coordination.releaseBudgetSlot(slotId, expiresAt));
  }

  async renewBudgetSlots(holder: string, inFlightUntil: number, holdUntil: number): Promise<void> {
    this.coordinate(() => this.coordination.renewBudgetSlots(holder, inFlightUntil, holdUntil));
  }

  async pauseBudget(budgetKey: string, until: number): Promise<void> {
    this.coordinate(() => this.coordination.pauseBudget(budgetKey, until));
  }

  async appendAudit(entry: AuditEntryInput): Promise<void> {
    this.audit.append(entry);
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.query(query);
  }

  async pruneAudit(before: string): Promise<number> {
    return this.audit.prune(before);
  }

  async workQueueStats(now: number): Promise<WorkQueueStats> {
    return this.operations.workQueueStats(now);
  }

  async resourceCounts(): Promise<ResourceCount[]> {
    return this.operations.resourceCounts();
  }

  async resourcesNeedingAttention(search: string | undefined, limit: number): Promise<AttentionItem[]> {
    return this.operations.resourcesNeedingAttention(search, limit);
  }

  async admitRemoval(item: WorkItem, now: number, windowStart: number, limit: number, reason: string): Promise<Admission> {
    return this.write(() => this.deprovisioning.admitRemoval(item, now, windowStart, limit, reason));
  }

  async heldRemovals(): Promise<HeldRemoval[]> {
    return this.deprovisioning.heldRemovals();
  }

  async releaseRemovals(userIds: readonly string[] | undefined, now: number): Promise<number> {
    return this.write(() => this.deprovisioning.releaseRemovals(userIds, now));
  }

  async taskHandover(workId: number): Promise<TaskHandoverRecord | undefined> {
    return this.deprovisioning.taskHandover(workId);
  }

  async startTaskHandover(workId: number, userId: string, now: number): Promise<TaskHandoverRecord> {
    return this.write(() => this.deprovisioning.startTaskHandover(workId, userId, now));
  }

  async chooseHandoverTarget(workId: number, targetGid: string, targetLabel: string): Promise<TaskHandoverRecord> {
    return this.write(() => this.deprovisioning.chooseHandoverTarget(workId, targetGid, targetLabel));
  }

  async beginTaskMove(workId: number, taskGid: string): Promise<void> {
    this.write(() => this.deprovisioning.beginTaskMove(workId, taskGid));
  }

  async settleTaskMove(workId: number, outcome: 'handedOver' | 'notHandedOver' | null): Promise<void> {
    this.write(() => this.deprovisioning.settleTaskMove(workId, outcome));
  }

  async finishTaskHandover(workId: number, now: number, outcome: string | null): Promise<TaskHandoverRecord> {
    return this.write(() => this.deprovisioning.finishTaskHandover(workId, now, outcome));
  }

  async latestHandovers(userIds: readonly string[]): Promise<ReadonlyMap<string, TaskHandoverRecord>> {
    return this.deprovisioning.latestHandovers(userIds);
  }

  async markPlanned(resourceKey: ResourceKey): Promise<void> {
    this.write(() => this.deprovisioning.markPlanned(resourceKey));
  }

  async resumePlanned(): Promise<number> {
    return this.write(() => this.deprovisioning.resumePlanned());
  }

  async plannedWork(): Promise<PlannedWork[]> {
    return this.deprovisioning.plannedWork();
  }

  private purgeTombstone(resourceKey: ResourceKey): void {
    const { table, id } = resourceOf(resourceKey);
    if (table === 'groups' && this.groups.purgeIfDone(id)) this.work.dropParked(resourceKey);
  }

  private write<T>(fn: () => T): T {
    try {
      return this.sql.db.transaction(fn).immediate();
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new StoreConflict('uniqueness', 'a unique attribute is already taken');
      }
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StoreConflict('reference', 'a referenced resource does not exist');
      }
      throw error;
    } finally {
      // Every write, committed or rolled back, empties the read cache (see ReadCache).
      this.cache.clear();
    }
  }

  /**
   * A transaction that changes no resource (claims, leases, the Asana budget): the read cache stays, since nothing
   * it holds changed (other processes' caches still see the commit in PRAGMA data_version and start over). It
   * commits without an fsync (WAL with synchronous=NORMAL survives a process crash, not a power loss): a power
   * loss ends every process on this machine, and with them every lease and request in flight, so nothing is lost
   * that still matters; and each item's claim and each call's budget slot cost microseconds, not an fsync each
   * (5–13 ms on the machine of docs/benchmarks.md, holding the event loop).
   */
  private coordinate<T>(fn: () => T): T {
    this.sql.db.pragma('synchronous = NORMAL');
    try {
      return this.sql.db.transaction(fn).immediate();
    } finally {
      this.sql.db.pragma('synchronous = FULL');
    }
  }

  private missingOrVersion(currentVersion: number | undefined, id: string): StoreConflict {
    return currentVersion === undefined
      ? new StoreConflict('missing', `${id} does not exist`)
      : new StoreConflict('version', `${id} changed meanwhile`);
  }

  private groupConflict(id: string): StoreConflict {
    const state = this.groups.state(id);
    return this.missingOrVersion(state && !state.deleted ? state.version : undefined, id);
  }
}
