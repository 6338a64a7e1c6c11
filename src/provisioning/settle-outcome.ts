import type { MappingStore } from '../store/mapping-store.js';
import { describeFailure, scimErrorFromAsana } from './asana-failure.js';
import type { RunOutcome } from './work-runner.js';

/**
 * After a write's fast path: when Asana refused for good, the IdP hears Asana's no (a SCIM error). If nothing of
 * the write reached Asana, the write is undone, so the store never claims what Asana refused; if part of it did,
 * the intent stays and the sync state records the refusal (undoing would make the store deny what Asana holds).
 */
export async function settleOutcome(
  outcome: RunOutcome,
  store: MappingStore,
  undo: () => Promise<unknown>,
): Promise<void> {
  if (outcome.kind !== 'refused') return;
  if (outcome.applied) await store.failWork(outcome.item, describeFailure(outcome.error));
  else await undo();
  throw scimErrorFromAsana(outcome.error);
}
