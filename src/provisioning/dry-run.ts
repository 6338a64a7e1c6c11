import type { DeprovisioningStore } from '../store/deprovisioning-store.js';
import type { WorkItem } from '../store/mapping-store.js';
import type { WorkGate } from './work-runner.js';

/**
 * ASANA_WRITES=off (issue 12): every write is accepted, stored and its Asana work queued as usual, but nothing is
 * sent; the resource says `planned`. `npm run plan` lists the queued calls; with ASANA_WRITES=on, the next start
 * turns `planned` back into `pending` and the work runs (bridge.ts).
 */
export class DryRun implements WorkGate {
  constructor(private readonly store: DeprovisioningStore) {}

  async check(item: WorkItem): Promise<'run' | 'stop'> {
    await this.store.markPlanned(item.resourceKey);
    return 'stop';
  }
}
