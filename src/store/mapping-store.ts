import type { Filter } from '../scim/filter-ast.js';
import type { OrderKey, ResourceKey } from './work-keys.js';

/**
 * The mapping store: the IdP's desired state (the SCIM resources), their Asana gids, their sync state, and the
 * queue of Asana work still to do. One interface, two engines (sqlite-store.ts, postgres-store.ts, chosen by
 * DATABASE_URL in open-store.ts), held to the same behaviour by the contract suite in test/store/.
 * Every write method is one transaction: a resource change and the Asana work it implies commit together.
 */
/** `held` and `planned`: a removal the deprovisioning brake holds, work a dry run only plans (deprovisioning-store.ts). */
export type SyncState = 'pending' | 'synced' | 'failed' | 'held' | 'planned';

export interface SyncStatus {
  readonly state: SyncState;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface ResourceMeta {
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
}

export interface UserRecord extends ResourceMeta {
  readonly id: string;
  readonly userName: string;
  /** The address Asana is to hold for this person (see asana-email.ts); unique among users, case-insensitively. */
  readonly asanaEmail: string;
  /**
   * The address Asana holds for the person as far as the bridge knows: the one it invited them by, or the one a
   * reconciliation saw; null before the first invitation. After a rename it differs from asanaEmail until Asana
   * agrees (Asana's REST API cannot change it).
   */
  readonly emailInAsana: string | null;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly asanaGid: string | null;
  /**
   * Whether Asana's workspace membership says the person is a guest (an address outside the organisation's
   * domains, facts.md §5); null (or absent) until a reconciliation saw their membership.
   */
  readonly asanaGuest?: boolean | null;
  readonly sync: SyncStatus;
  /** The SCIM JSON as the IdP gave it, canonical names, without id, meta and groups. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface GroupRecord extends ResourceMeta {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
  readonly asanaGid: string | null;
  readonly sync: SyncStatus;
  /** The SCIM JSON without id, meta and members. */
  readonly data: Readonly<Record<string, unknown>>;
  /** SCIM ids of the member users, the IdP's intent. */
  readonly memberIds: readonly string[];
}

/**
 * One Asana call still to make; `user` fields are gids or emails. `email` is the person's email (for someone
 * Asana shows the reconciler only by gid, that gid): work for one person is ordered by it (see work-keys.ts).
 */
export type AsanaWork =
  | { readonly kind: 'addUserToWorkspace'; readonly userId: string; readonly email: string }
  | {
      readonly kind: 'removeUserFromWorkspace';
      readonly userId: string;
      readonly email: string;
      readonly user: string;
      /** The SCIM id of the user's enterprise manager when the removal was queued (a task handover target). */
      readonly manager?: string;
      /**
       * A deleted user's groups: the removal from the workspace is what takes the person out of their teams, so
       * if Asana refuses it, each team's removal is queued instead (the store does it with the refusal).
       */
      readonly groupIds?: readonly string[];
    }
  | { readonly kind: 'createTeam'; readonly groupId: string; readonly name: string }
  | { readonly kind: 'renameTeam'; readonly groupId: string; readonly name: string }
  | { readonly kind: 'addUserToTeam'; readonly groupId: string; readonly userId: string; readonly email: string }
  | {
      readonly kind: 'removeUserFromTeam';
      readonly groupId: string;
      readonly userId: string;
      readonly email: string;
      readonly user: string;
    };

export interface WorkItem {
  readonly id: number;
  /** `User:<id>` or `Group:<id>`: the resource whose sync state this work decides. */
  readonly resourceKey: ResourceKey;
  /**
   * Work with the same order key runs one at a time, oldest first: a person's invitations and removals (by
   * email, across SCIM records), a team's creation and renames, and each (team, person) pair. Different keys run
   * in parallel, so a large group push uses the client's full write concurrency.
   */
  readonly orderKey: OrderKey;
  readonly work: AsanaWork;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

/**
 * Work the reconciler decided on from what it read of the store: queued only while every resource it read is
 * still at the version it read, so a write made during the pass is never undone by a stale decision.
 */
export interface RestoreWork {
  readonly work: AsanaWork;
  readonly decidedOn: readonly { readonly key: ResourceKey; readonly version: number }[];
}

/** What a completed call taught us about Asana, stored with its completion. */
export type WorkEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'userLinked'; readonly userId: string; readonly asanaGid: string }
  | { readonly kind: 'teamLinked'; readonly groupId: string; readonly asanaGid: string };

export interface ListOptions {
  readonly filter?: Filter;
  readonly startIndex: number;
  readonly count: number;
  /** A canonical dotted attribute path (see formatAttributeRef), or undefined for creation order. */
  readonly sortBy?: string;
  readonly descending: boolean;
}

export interface ListResult<T> {
  readonly total: number;
  readonly items: readonly T[];
}

export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

/**
 * A replica's hold on work items: the holder (one id per process) runs them alone until `until` (ms since the
 * epoch); a holder that dies loses them when the lease runs out and another replica takes them.
 */
export interface WorkLease {
  readonly holder: string;
  readonly until: number;
}

/** A write that lost a race: `uniqueness` (a unique attribute is taken) or `version` (the row changed meanwhile). */
export class StoreConflict extends Error {
  override readonly name = 'StoreConflict';
  constructor(
    /** uniqueness: a unique attribute is taken; version: the row changed meanwhile; missing: no such row;
     *  reference: a referenced row (a group's member) does not exist. */
    readonly reason: 'uniqueness' | 'version' | 'missing' | 'reference',
    message: string,
  ) {
    super(message);
  }
}

/**
 * How to undo a user write whose Asana work Asana refused: the given work items are dropped and `restore` is put
 * back (the row is deleted when `restore` is absent, i.e. undoing a create), only if the row is still at
 * `writtenVersion` (absent: the write was a delete, so the row must still be gone). The restored row gets a new
 * version: versions only ever increase, so an ETag never names two states (the groups an undone delete gives the
 * user back to get one too, with lastModified `at`).
 */
export interface UserUndo {
  readonly restore?: { readonly user: UserRecord; readonly groupIds: readonly string[] };
  readonly writtenVersion?: number;
  readonly workIds: readonly number[];
  readonly at: string;
}

/** Like UserUndo, for groups: `restore` absent undoes a create; a delete's tombstone keeps `writtenVersion`. */
export interface GroupUndo {
  readonly restore?: GroupRecord;
  readonly writtenVersion: number;
  readonly workIds: readonly number[];
}

export interface MappingStore {
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * A number that changes whenever any read's answer may have changed (a write by this process or, seen through
   * the database, by another), so an answer kept by a caller is fresh while it stays the same. Undefined when the
   * store cannot tell cheaply (PostgreSQL, with replicas writing): callers then keep nothing.
   */
  readGeneration(): number | undefined;

  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(options: ListOptions): Promise<ListResult<UserRecord>>;
  /** The groups each user belongs to (users' read-only `groups`), for many users in one query. */
  groupsOfUsers(userIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupRef[]>>;
  /** Throws StoreConflict('uniqueness') when the userName or the Asana email is taken. Returns the queued work. */
  insertUser(user: UserRecord, work: readonly AsanaWork[]): Promise<WorkItem[]>;
  /**
   * Compare-and-swap on `expectedVersion`; StoreConflict('version' | 'uniqueness' | 'missing'). The record's
   * asanaGid and sync are not written: they belong to the work queue, which may have moved them since the caller
   * read the user. Queuing work makes the user `pending`.
   */
  updateUser(user: UserRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]>;
  /**
   * Removes the user and their memberships; StoreConflict('version' | 'missing'). Queued team work for the user
   * is settled in the same transaction (their removal from the workspace takes them out of every team), and each
   * group they were a member of gets a new version and lastModified `at` (its member list changed).
   */
  deleteUser(id: string, expectedVersion: number, work: readonly AsanaWork[], at: string): Promise<WorkItem[]>;
  /**
   * Undoes a write whose Asana work Asana refused (see UserUndo). Returns false when a later write got there
   * first (the caller then reports the failure in the sync state).
   */
  revertUser(id: string, undo: UserUndo): Promise<boolean>;

  /** A live group (not a deleted group's tombstone). */
  getGroup(id: string): Promise<GroupRecord | undefined>;
  /** Lists live groups; members are loaded only when asked (excludedAttributes=members skips the join). */
  listGroups(options: ListOptions, withMembers: boolean): Promise<ListResult<GroupRecord>>;
  /** The users with these ids (unknown ids are absent from the map). */
  usersByIds(ids: readonly string[]): Promise<ReadonlyMap<string, UserRecord>>;
  /** The Asana team gid of a group (null before its team exists), also of a deleted group's tombstone. */
  teamGidOf(groupId: string): Promise<string | null | undefined>;
  /** True when the live group lists the user as a member (the IdP's intent for one team membership). */
  isGroupMember(groupId: string, userId: string): Promise<boolean>;
  /** True when some group is already linked to this Asana team. */
  isTeamLinked(asanaGid: string): Promise<boolean>;
  /** StoreConflict('uniqueness') when the displayName is taken, ('reference') when a member does not exist. */
  insertGroup(group: GroupRecord, work: readonly AsanaWork[]): Promise<WorkItem[]>;
  /**
   * Compare-and-swap on `expectedVersion`; memberships become `group.memberIds`. Like updateUser, the team gid and
   * sync state are the work queue's; queuing work makes the group `pending`.
   */
  updateGroup(group: GroupRecord, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]>;
  /** Tombstones the group (404 from now on) and queues its Asana clean-up; purged when that work is done. */
  deleteGroup(id: string, expectedVersion: number, work: readonly AsanaWork[]): Promise<WorkItem[]>;
  /** Like revertUser, for groups (see GroupUndo). */
  revertGroup(id: string, undo: GroupUndo): Promise<boolean>;

  /**
   * Records the Asana gid of a user found in Asana by the reconciler, the address Asana holds for them and whether
   * their workspace membership is a guest's.
   */
  linkUser(userId: string, asanaGid: string, emailInAsana: string, guest: boolean): Promise<void>;
  /**
   * Queues work that no resource change implies (the reconciler restoring the IdP's intent), each item only if
   * the resources it was decided on are unchanged; their sync state becomes `pending`. Returns what was queued.
   */
  enqueueRestore(restores: readonly RestoreWork[]): Promise<WorkItem[]>;

  /** Work whose time has come: for each order key only its oldest item, so related work runs in order. */
  dueWork(now: number, limit: number): Promise<WorkItem[]>;
  /**
   * Claims up to `limit` due items (as dueWork, skipping items and order keys another holder's live lease covers)
   * for `lease`, atomically: two replicas never claim one item, nor two items of one order key, at once.
   */
  claimDueWork(now: number, limit: number, lease: WorkLease): Promise<WorkItem[]>;
  /**
   * Claims one item for `lease` if it is still queued, the oldest of its order key and no live lease covers its
   * order key (the fast path of the request that queued it); returns it as it now is, else undefined.
   */
  claimWorkItem(id: number, now: number, lease: WorkLease): Promise<WorkItem | undefined>;
  /** Extends every lease `lease.holder` holds on work items to `lease.until` (a live replica's heartbeat). */
  renewWorkLeases(lease: WorkLease): Promise<void>;
  /** True while work is queued for the resource (its Asana side is still moving). */
  hasQueuedWork(resourceKey: ResourceKey): Promise<boolean>;
  /** The id of the oldest queued item with this order key: only that one may run. */
  oldestWorkId(orderKey: OrderKey): Promise<number | undefined>;
  // completeWork, deferWork and failWork end the item's lease (deferred work may then be claimed by anyone).
  /** Asana agreed: drop the item, record the effect; the resource is `synced` when no work is left for it. */
  completeWork(item: WorkItem, effect: WorkEffect): Promise<void>;
  /**
   * A retryable failure: try again at `nextAttemptAt`. A `pending` resource records the error; a `failed` one
   * stays `failed` with its refusal (only a new write or a reconcile moves it back to `pending`).
   */
  deferWork(item: WorkItem, error: string, nextAttemptAt: number): Promise<void>;
  /**
   * Asana refused for good: drop the item; the resource becomes `failed` with the error. A deleted user's refused
   * workspace removal has no resource left to show it: its groups' team removals are queued in the same
   * transaction (see AsanaWork removeUserFromWorkspace), so no group says `synced` while its team holds them.
   */
  failWork(item: WorkItem, error: string): Promise<void>;
}
