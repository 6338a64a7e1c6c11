import type { BudgetGrant, BudgetSlotRequest, LeaseClaim, LeaseName } from '../coordination.js';
import type { SqliteContext } from './database.js';

interface BudgetUse {
  total: number;
  reads: number | null;
  writes: number | null;
  /** The first answered slot to leave the window. */
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

  takeBudgetSlot({ budgetKey, kind, limits, now, holdUntil }: BudgetSlotRequest): BudgetGrant {
    this.sql.statements.get('DELETE FROM asana_budget_slots WHERE budget_key = ? AND expires_at <= ?').run(budgetKey, now);
    const pausedUntil = this.sql.statements
      .get('SELECT paused_until FROM asana_budget_pauses WHERE budget_key = ?')
      .pluck()
      .get(budgetKey) as number | undefined;
    if (pausedUntil !== undefined && pausedUntil > now) return { granted: false, retryAt: pausedUntil };
    const use = this.sql.statements
      .get(
        `SELECT count(*) AS total,
           sum(CASE WHEN in_flight = 1 AND kind = 'read' THEN 1 ELSE 0 END) AS reads,
           sum(CASE WHEN in_flight = 1 AND kind = 'write' THEN 1 ELSE 0 END) AS writes,
           min(CASE WHEN in_flight = 0 THEN expires_at END) AS next_expiry
         FROM asana_budget_slots WHERE budget_key = ?`,
      )
      .get(budgetKey) as BudgetUse;
    // Every window slot may be held by a request in flight: then none expires on its own, and a release frees one.
    if (use.total >= limits.perWindow) return { granted: false, retryAt: use.next_expiry ?? undefined };
    const inFlight = (kind === 'read' ? use.reads : use.writes) ?? 0;
    const max = kind === 'read' ? limits.maxConcurrentReads : limits.maxConcurrentWrites;
    if (inFlight >= max) return { granted: false, retryAt: undefined };
    const slotId = this.sql.statements
      .get('INSERT INTO asana_budget_slots (budget_key, kind, in_flight, expires_at) VALUES (?, ?, 1, ?) RETURNING id')
      .pluck()
      .get(budgetKey, kind, holdUntil) as number;
    return { granted: true, slotId };
  }

  releaseBudgetSlot(slotId: number, expiresAt: number): void {
    this.sql.statements.get('UPDATE asana_budget_slots SET in_flight = 0, expires_at = ? WHERE id = ?').run(expiresAt, slotId);
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
