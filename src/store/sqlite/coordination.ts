import type { BudgetGrant, BudgetSlotRequest, LeaseClaim, LeaseName } from '../coordination.js';
import type { SqliteContext } from './database.js';

interface BudgetUse {
  total: number;
  reads: number | null;
  writes: number | null;
  /** The first slot to leave the window. */
  next_expiry: number | null;
}

/** Named leases and the shared Asana budget (tables leases, asana_budget_*); callers own the transaction. */
export class SqliteCoordination {
  constructor(private readonly sql: SqliteContext) {}

  takeLease(claim: LeaseClaim, now: number): boolean {
    return (
      this.sql.statements
        .get(
          `INSERT INTO leases (name, holder, lease_until) VALUES (@name, @holder, @until)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
           WHERE leases.holder = excluded.holder OR leases.lease_until < @now`,
        )
        .run({ name: claim.name, holder: claim.holder, until: claim.until, now }).changes > 0
    );
  }

  releaseLease(name: LeaseName, holder: string): void {
    this.sql.statements.get('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  takeBudgetSlot({ budgetKey, holder, kind, limits, now, inFlightUntil, holdUntil }: BudgetSlotRequest): BudgetGrant {
    this.sql.statements.get('DELETE FROM asana_budget_slots WHERE budget_key = ? AND expires_at <= ?').run(budgetKey, now);
    const pausedUntil = this.sql.statements
      .get('SELECT paused_until FROM asana_budget_pauses WHERE budget_key = ?')
      .pluck()
      .get(budgetKey) as number | undefined;
    if (pausedUntil !== undefined && pausedUntil > now) return { granted: false, retryAt: pausedUntil };
    const use = this.sql.statements
      .get(
        `SELECT count(*) AS total,
           sum(CASE WHEN in_flight_until > @now AND kind = 'read' THEN 1 ELSE 0 END) AS reads,
           sum(CASE WHEN in_flight_until > @now AND kind = 'write' THEN 1 ELSE 0 END) AS writes,
           min(expires_at) AS next_expiry
         FROM asana_budget_slots WHERE budget_key = @budgetKey`,
      )
      .get({ budgetKey, now }) as BudgetUse;
    // A release moves a slot's expiry later, never earlier: the first expiry is the earliest the window has room.
    if (use.total >= limits.perWindow) return { granted: false, retryAt: use.next_expiry ?? undefined };
    const inFlight = (kind === 'read' ? use.reads : use.writes) ?? 0;
    const max = kind === 'read' ? limits.maxConcurrentReads : limits.maxConcurrentWrites;
    if (inFlight >= max) return { granted: false, retryAt: undefined };
    const slotId = this.sql.statements
      .get(
        'INSERT INTO asana_budget_slots (budget_key, holder, kind, in_flight_until, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      )
      .pluck()
      .get(budgetKey, holder, kind, inFlightUntil, holdUntil) as number;
    return { granted: true, slotId };
  }

  releaseBudgetSlot(slotId: number, expiresAt: number): void {
    this.sql.statements.get('UPDATE asana_budget_slots SET in_flight_until = NULL, expires_at = ? WHERE id = ?').run(expiresAt, slotId);
  }

  renewBudgetSlots(holder: string, inFlightUntil: number, holdUntil: number): void {
    this.sql.statements
      .get(
        `UPDATE asana_budget_slots SET in_flight_until = ?, expires_at = ?
         WHERE holder = ? AND in_flight_until IS NOT NULL`,
      )
      .run(inFlightUntil, holdUntil, holder);
  }

  pauseBudget(budgetKey: string, until: number): void {
    this.sql.statements
      .get(
        `INSERT INTO asana_budget_pauses (budget_key, paused_until) VALUES (?, ?)
         ON CONFLICT (budget_key) DO UPDATE SET paused_until = max(paused_until, excluded.paused_until)`,
      )
      .run(budgetKey, until);
  }
}
