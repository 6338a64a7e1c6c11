/**
 * What replicas (several bridge processes, and the reconcile command, on one database) coordinate through the
 * store beyond the work queue: named leases (one holder of a duty at a time) and the Asana token's request budget
 * (one budget per token, however many processes use it). Times are milliseconds since the epoch from the caller's
 * clock: replicas' clocks must agree to well within a lease (NTP does; docs/reliability.md).
 */

/** Duties one replica at a time performs. */
export type LeaseName = 'reconcile';

export interface LeaseClaim {
  readonly name: LeaseName;
  readonly holder: string;
  /** When the lease runs out unless renewed. */
  readonly until: number;
}

export type BudgetKind = 'read' | 'write';

/** The token's limits, as the caller knows them (Asana: per rolling minute; 50 reads, 15 writes at once). */
export interface BudgetLimits {
  readonly perWindow: number;
  readonly windowMs: number;
  readonly maxConcurrentReads: number;
  readonly maxConcurrentWrites: number;
}

export interface BudgetSlotRequest {
  /** A digest of the token (never the token): every process using the token shares this budget. */
  readonly budgetKey: string;
  /** The process taking the slot, which renews it while the request is in flight (renewBudgetSlots). */
  readonly holder: string;
  readonly kind: BudgetKind;
  readonly limits: BudgetLimits;
  readonly now: number;
  /** Until when the slot is in the concurrency pool unless renewed or released (its holder may die). */
  readonly inFlightUntil: number;
  /** Until when the slot counts in the window unless renewed or released (a window after inFlightUntil). */
  readonly holdUntil: number;
}

/** A slot to send one request now, or the earliest time trying again can succeed (undefined: when one is freed). */
export type BudgetGrant =
  | { readonly granted: true; readonly slotId: number }
  | { readonly granted: false; readonly retryAt: number | undefined };

export interface CoordinationStore {
  /** Takes or renews the lease when it is free, expired or already `claim.holder`'s; false when another holds it. */
  takeLease(claim: LeaseClaim, now: number): Promise<boolean>;
  /** Gives the lease up if `holder` still holds it. */
  releaseLease(name: LeaseName, holder: string): Promise<void>;

  /**
   * Takes a slot when the window (slots in flight plus slots answered within `windowMs`) and the kind's
   * concurrency both have room and no pause is on, atomically across processes.
   */
  takeBudgetSlot(request: BudgetSlotRequest): Promise<BudgetGrant>;
  /** The request got its answer (or failed): the slot counts against the window until `expiresAt`. */
  releaseBudgetSlot(slotId: number, expiresAt: number): Promise<void>;
  /** The holder is alive: its slots still in flight stay in the pool until `inFlightUntil` and the window until `holdUntil`. */
  renewBudgetSlots(holder: string, inFlightUntil: number, holdUntil: number): Promise<void>;
  /** A 429's Retry-After: no process sends on this budget before `until`. */
  pauseBudget(budgetKey: string, until: number): Promise<void>;
}
