import type { FaultOptions } from '../../src/asana-simulator/index.js';
import type { BridgeUnderTest } from './bridge-under-test.js';
import type { Fault } from './ops.js';

/** One refusal fault: armed at `armedAt`, until the next counted fault or a heal replaced it (`until`). */
export interface ArmedRefusal {
  readonly status: number;
  readonly armedAt: number;
  until: number;
}

/**
 * The faults of one sequence, put on the simulator as they come: each adds to those still in force (counted faults
 * keep what is left of their count), a heal clears them all. Remembers when each refusal was armed, for the checker.
 */
export class FaultSchedule {
  readonly refusals: ArmedRefusal[] = [];

  constructor(private readonly world: BridgeUnderTest) {}

  async inject(fault: Fault): Promise<void> {
    const now = Date.now();
    const next: FaultOptions = { ...(await this.world.currentFaults()) };
    switch (fault.kind) {
      case '5xx':
        next.failNext = { count: fault.count, status: fault.status };
        break;
      case '429':
        next.failNext = { count: fault.count, status: 429, retryAfterSeconds: fault.retryAfterSeconds };
        break;
      case 'refuse':
        next.failNext = { count: 1, status: fault.status };
        break;
      case 'errorRate':
        next.errorRate = fault.rate;
        break;
      case 'latency':
        next.latencyMs = fault.ms;
        break;
      case 'drop':
        next.dropNext = fault.count;
        break;
    }
    // The simulator holds one counted failure at a time: a new one replaces an armed refusal.
    if (fault.kind === '5xx' || fault.kind === '429' || fault.kind === 'refuse') this.disarm(now);
    if (fault.kind === 'refuse') this.refusals.push({ status: fault.status, armedAt: now, until: Number.POSITIVE_INFINITY });
    this.world.simulator.setFaults(next);
  }

  heal(): void {
    this.disarm(Date.now());
    this.world.simulator.clearFaults();
  }

  private disarm(at: number): void {
    const last = this.refusals.at(-1);
    if (last && last.until === Number.POSITIVE_INFINITY) last.until = at;
  }
}
