import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startAsanaSimulator, type AsanaSimulator, type FaultOptions } from '../../src/asana-simulator/index.js';
import { startHarness, TEST_TOKEN, type Harness } from '../helpers/harness.js';

/**
 * Small deadlines so that faults play out in milliseconds: a write waits 150 ms for Asana, the Asana client gives up
 * on an answer after 250 ms (so a 320 ms latency leaves the outcome unknown while Asana applies the call), and queued
 * work is retried every 20–200 ms. A write that got no answer is retried only after a landing window of 2 s: as in
 * production (where it is the 30 s request timeout), it is long next to the latency Asana shows, so that a call the
 * client gave up on has landed before its retry, also when a loaded machine delays the simulator's timers.
 */
export const SYNC_DEADLINE_MS = 150;
const TIMINGS = {
  asanaRequestTimeoutMs: 250,
  asanaLandingWindowMs: 2_000,
  asanaRetryBudgetMs: 100,
  workBackoffBaseMs: 20,
  workBackoffMaxMs: 200,
  // The queue is looked at every 100 ms, besides each write's wake-up: sequences run five to a process, and a
  // tighter poll costs CPU that a loaded machine does not have (a starved process times out its own calls).
  workPollIntervalMs: 100,
};

export interface ScimAnswer {
  readonly status: number;
  readonly etag: string | null;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

/**
 * One simulator and one database file for a whole sequence, and the bridge on them, which a `restart` closes and
 * opens again. Owns everything it starts: close() stops and removes it all.
 */
export class BridgeUnderTest {
  private harness!: Harness;
  private readonly teardowns: Array<() => unknown> = [];
  /** In memory where the system has it: the model tests the write path's logic, not fsync (crash.test.ts does). */
  private readonly dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'scim-bridge-model-'));

  private constructor(readonly simulator: AsanaSimulator) {}

  static async start(seed: number): Promise<BridgeUnderTest> {
    const world = new BridgeUnderTest(await startAsanaSimulator({ seed }));
    await world.open();
    return world;
  }

  get bridge(): Harness['bridge'] {
    return this.harness.bridge;
  }

  async restart(): Promise<void> {
    await this.harness.bridge.close();
    await this.open();
  }

  async request(method: string, path: string, body?: unknown): Promise<ScimAnswer> {
    const response = await fetch(`${this.harness.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
  }

  /** The simulator's faults as they stand: counted faults show what is left of their count. */
  async currentFaults(): Promise<FaultOptions> {
    const response = await fetch(`${this.simulator.origin}/_simulator/state`, {
      headers: { authorization: `Bearer ${this.simulator.token}` },
    });
    const state = (await response.json()) as { data: { faults: FaultOptions } };
    return state.data.faults;
  }

  async close(): Promise<void> {
    await this.harness.bridge.close();
    for (const teardown of this.teardowns.reverse()) await teardown();
    await this.simulator.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async open(): Promise<void> {
    // startHarness registers its clean-up with a tap test; this sequence runs it itself when it ends.
    const owner = { teardown: (fn: () => unknown) => this.teardowns.push(fn) } as unknown as Test;
    this.harness = await startHarness(owner, {
      sharedSimulator: this.simulator,
      databasePath: join(this.dir, 'bridge.db'),
      env: { ASANA_SYNC_DEADLINE_MS: String(SYNC_DEADLINE_MS), LOG_LEVEL: 'silent' },
      timings: TIMINGS,
    });
  }
}
