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
  readonly kind: BudgetKind;
  readonly limits: BudgetLimits;
  readonly now: number;
  /** The latest the answer can come (the request times out): until then the slot is in the concurrency pool. */
  readonly inFlightUntil: number;
  /** Until when the slot counts in the window if its holder dies before giving it back (a window later). */
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
  /** A 429's Retry-After: no process sends on this budget before `until`. */
  pauseBudget(budgetKey: string, until: number): Promise<void>;
}
