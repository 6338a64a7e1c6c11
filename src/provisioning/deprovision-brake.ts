import type { Logger } from 'pino';
import type { DeprovisioningStore } from '../store/deprovisioning-store.js';
import type { WorkItem } from '../store/mapping-store.js';
import type { WorkGate } from './work-runner.js';

export interface DeprovisionBrakeOptions {
  readonly store: DeprovisioningStore;
  /** DEPROVISION_BRAKE_LIMIT: removals let run per window; 0 turns the brake off. */
  readonly limit: number;
  /** DEPROVISION_BRAKE_WINDOW_MINUTES in ms. */
  readonly windowMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * The deprovisioning brake (issue 12), after Entra's "accidental deletions prevention": at most `limit` workspace
 * removals (deactivations and deletions) run in any rolling window; beyond, a removal is held: its user says
 * `held` with the reason, and nothing is removed until an admin releases it (`npm run deprovisions`). The IdP's
 * request was answered as usual and the resource is stored. Team membership removals are not braked.
 * The count and the hold are one store transaction, so parallel removals cannot slip past the limit.
 */
export class DeprovisionBrake implements WorkGate {
  private readonly now: () => number;

  constructor(private readonly options: DeprovisionBrakeOptions) {
    this.now = options.now ?? Date.now;
  }

  async check(item: WorkItem): Promise<'run' | 'stop'> {
    const { store, limit, windowMs, logger } = this.options;
    if (limit === 0 || item.work.kind !== 'removeUserFromWorkspace') return 'run';
    const now = this.now();
    const minutes = Math.round(windowMs / 60_000);
    const reason =
      `held by the deprovisioning brake: more than ${limit} removals from Asana within ${minutes} minutes; ` +
      'an admin releases it with `npm run deprovisions -- --release`';
    const admission = await store.admitRemoval(item, now, now - windowMs, limit, reason);
    if (admission.admitted) return 'run';
    // Once per burst: the first removal held while none is; the rest of the burst only adds to the list.
    if (admission.heldBefore === 0) {
      logger.warn(
        { limit, windowMinutes: minutes },
        'deprovisioning brake: removals beyond the limit are held until an admin releases them (npm run deprovisions -- --list)',
      );
    }
    return 'stop';
  }
}
