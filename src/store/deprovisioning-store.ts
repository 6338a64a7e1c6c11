import type { AsanaWork, WorkItem } from './mapping-store.js';
import type { ResourceKey } from './work-keys.js';

/**
 * What deprovisioning (issue 12) keeps beside the mapping store: the brake's admissions and held removals, the
 * task handovers, and the dry run's planned work. One interface, like MappingStore, so PostgreSQL can implement it.
 */

/** The brake's answer for one workspace removal, decided in one transaction with the count it is based on. */
export type Admission =
  | { readonly admitted: true }
  /** Held: the item no longer runs and its user says `held`; `heldBefore` is how many were held already. */
  | { readonly admitted: false; readonly heldBefore: number };

export interface HeldRemoval {
  readonly workId: number;
  readonly userId: string;
  /** null when the IdP deleted the user (the removal is still owed). */
  readonly userName: string | null;
  readonly email: string;
  /** Epoch ms the removal was queued. */
  readonly queuedAt: number | null;
  readonly reason: string;
}

export interface TaskHandoverRecord {
  readonly workId: number;
  readonly userId: string;
  readonly targetGid: string | null;
  /** What TASK_HANDOVER_TO entry the target came from: `manager` or the configured address. */
  readonly targetLabel: string | null;
  readonly handedOver: number;
  readonly notHandedOver: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  /** Why it ended as it did (null while running or when every task went over). */
  readonly outcome: string | null;
  /** A task whose reassignment was sent but not counted (the process died meanwhile); null otherwise. */
  readonly inFlightTask: string | null;
}

export interface PlannedWork {
  readonly resourceKey: ResourceKey;
  /** userName or displayName; null for a resource already deleted. */
  readonly name: string | null;
  readonly work: AsanaWork;
  readonly held: boolean;
}

export interface DeprovisioningStore {
  /**
   * Lets a workspace removal run when fewer than `limit` counted removals were let run since `windowStart`, or
   * when it was let run before (a retry) or released; otherwise holds it with `reason`.
   */
  admitRemoval(item: WorkItem, now: number, windowStart: number, limit: number, reason: string): Promise<Admission>;
  heldRemovals(): Promise<HeldRemoval[]>;
  /** Releases held removals of these users (all when undefined); they run without counting. Returns how many. */
  releaseRemovals(userIds: readonly string[] | undefined, now: number): Promise<number>;

  taskHandover(workId: number): Promise<TaskHandoverRecord | undefined>;
  startTaskHandover(workId: number, userId: string, now: number): Promise<TaskHandoverRecord>;
  /** Sets the target once; returns the record as stored (a target chosen earlier wins). */
  chooseHandoverTarget(workId: number, targetGid: string, targetLabel: string): Promise<TaskHandoverRecord>;
  /** Records the task about to be reassigned, so a crash leaves a trace to read back (settleTaskMove). */
  beginTaskMove(workId: number, taskGid: string): Promise<void>;
  /** Counts the task in flight (null: it was not moved after all) and clears it. */
  settleTaskMove(workId: number, outcome: 'handedOver' | 'notHandedOver' | null): Promise<void>;
  finishTaskHandover(workId: number, now: number, outcome: string | null): Promise<TaskHandoverRecord>;
  /** The latest handover of each user. */
  latestHandovers(userIds: readonly string[]): Promise<ReadonlyMap<string, TaskHandoverRecord>>;

  /** Dry run: a `pending` resource whose work waits for ASANA_WRITES=on says `planned`. */
  markPlanned(resourceKey: ResourceKey): Promise<void>;
  /** Writes are on again: every `planned` resource is `pending`; returns how many. */
  resumePlanned(): Promise<number>;
  /** All queued work, oldest first, with held removals (what `npm run plan` prints). */
  plannedWork(): Promise<PlannedWork[]>;
}
