import { scimErrorFromAsana } from './asana-failure.js';
import type { RunOutcome } from './work-runner.js';

/**
 * After a write's fast path: when Asana refused for good, the IdP hears Asana's no (a SCIM error). If nothing of
 * the write reached Asana, the write is undone, so the store never claims what Asana refused. If part of it did,
 * or may have (a timeout, a 5xx: the outcome is unknown until its retry answers), the intent stays, the refused
 * step is `failed` in the sync state and the rest goes on (undoing would make the store deny what Asana holds).
 */
export async function settleOutcome(outcome: RunOutcome, undo: () => Promise<unknown>): Promise<void> {
  if (outcome.kind !== 'refused') return;
  if (!outcome.applied) await undo();
  throw scimErrorFromAsana(outcome.error);
}
