import type { BudgetGrant, BudgetSlotRequest, LeaseClaim, LeaseName } from '../coordination.js';
import type { Queryable } from './database.js';

interface BudgetUse {
  total: number;
  reads: number | null;
  writes: number | null;
  next_expiry: number | null;
}

/**
 * Named leases and the shared Asana budget, as sqlite/coordination.ts; callers own the transaction (the budget's
 * under the budget key's advisory lock, see PostgresStore).
 */
export class PgCoordination {
  async takeLease(db: Queryable, claim: LeaseClaim, now: number): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO leases (name, holder, lease_until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
       WHERE leases.holder = excluded.holder OR leases.lease_until < $4`,
      [claim.name, claim.holder, claim.until, now],
    );
    return (rowCount ?? 0) > 0;
  }

  async releaseLease(db: Queryable, name: LeaseName, holder: string): Promise<void> {
    await db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async takeBudgetSlot(
    db: Queryable,
    { budgetKey, holder, kind, limits, now, inFlightUntil, holdUntil }: BudgetSlotRequest,
  ): Promise<BudgetGrant> {
    await db.query('DELETE FROM asana_budget_slots WHERE budget_key = $1 AND expires_at <= $2', [budgetKey, now]);
    const paused = await db.query<{ paused_until: number }>(
      'SELECT paused_until FROM asana_budget_pauses WHERE budget_key = $1',
      [budgetKey],
    );
    const pausedUntil = paused.rows[0]?.paused_until;
    if (pausedUntil !== undefined && pausedUntil > now) return { granted: false, retryAt: pausedUntil };
    const { rows } = await db.query<BudgetUse>(
      `SELECT count(*) AS total,
         sum(CASE WHEN in_flight_until > $2 AND kind = 'read' THEN 1 ELSE 0 END)::int AS reads,
         sum(CASE WHEN in_flight_until > $2 AND kind = 'write' THEN 1 ELSE 0 END)::int AS writes,
         min(expires_at) AS next_expiry
       FROM asana_budget_slots WHERE budget_key = $1`,
      [budgetKey, now],
    );
    const use = rows[0]!;
    if (use.total >= limits.perWindow) return { granted: false, retryAt: use.next_expiry ?? undefined };
    const inFlight = (kind === 'read' ? use.reads : use.writes) ?? 0;
    const max = kind === 'read' ? limits.maxConcurrentReads : limits.maxConcurrentWrites;
    if (inFlight >= max) return { granted: false, retryAt: undefined };
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO asana_budget_slots (budget_key, holder, kind, in_flight_until, expires_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [budgetKey, holder, kind, inFlightUntil, holdUntil],
    );
    return { granted: true, slotId: inserted.rows[0]!.id };
  }

  async releaseBudgetSlot(db: Queryable, slotId: number, expiresAt: number): Promise<void> {
    await db.query('UPDATE asana_budget_slots SET in_flight_until = NULL, expires_at = $1 WHERE id = $2', [expiresAt, slotId]);
  }

  async renewBudgetSlots(db: Queryable, holder: string, inFlightUntil: number, holdUntil: number): Promise<void> {
    await db.query(
      'UPDATE asana_budget_slots SET in_flight_until = $1, expires_at = $2 WHERE holder = $3 AND in_flight_until IS NOT NULL',
      [inFlightUntil, holdUntil, holder],
    );
  }

  async pauseBudget(db: Queryable, budgetKey: string, until: number): Promise<void> {
    await db.query(
      `INSERT INTO asana_budget_pauses (budget_key, paused_until) VALUES ($1, $2)
       ON CONFLICT (budget_key) DO UPDATE SET paused_until = greatest(asana_budget_pauses.paused_until, excluded.paused_until)`,
      [budgetKey, until],
    );
  }
}
