import { BridgeUnderTest, type ScimAnswer } from './bridge-under-test.js';
import { checkConverged, type Divergence } from './checker.js';
import { EtagLedger, groupView, syncOf, userView } from './etag-ledger.js';
import { FaultSchedule } from './fault-schedule.js';
import type { Op } from './ops.js';
import { expectedGroup, expectedUser, ReferenceModel } from './reference-model.js';
import { writeFor, type WriteSpec } from './scim-writes.js';

/** Statuses the bridge answers a write with when Asana refused it while the IdP waited. */
const REFUSAL_ANSWERS = new Set([400, 402, 403]);
/** A read sent while a write waits for Asana, to see the versions a write goes through. */
const PROBE_AFTER_MS = 40;
const ETAG_REUSED = 'ETag reused';

export interface RunStats {
  /** Operations run; `skipped` ones did not apply (their slot was empty, or taken for a create). */
  ops: number;
  skipped: number;
  writes: number;
  refusedWrites: number;
  faults: number;
  reconciles: number;
  restarts: number;
  failedResources: number;
}

export interface RunResult {
  readonly divergences: readonly Divergence[];
  readonly stats: RunStats;
  /** The operations that ran up to the first divergence (the rest were not run), or all of them. */
  readonly prefix: readonly Op[];
}

/**
 * Runs one sequence against a fresh simulator and bridge, keeping the reference model in step, then heals Asana,
 * drains the queue and compares. A divergence found while running stops the sequence (later ones would only follow
 * from it; see stopped()); the comparison after draining reports all it finds.
 */
export async function runSequence(
  seed: number,
  ops: readonly Op[],
  drainMs: number,
  trace?: (line: string) => void,
): Promise<RunResult> {
  const world = await BridgeUnderTest.start(seed);
  const run = new SequenceRun(world, trace);
  let prefix = ops;
  try {
    for (const [i, op] of ops.entries()) {
      await run.step(op);
      if (run.divergences.length > 0 && prefix === ops) prefix = ops.slice(0, i + 1);
      if (run.stopped()) break;
    }
    await run.finish(drainMs);
  } finally {
    await world.close();
  }
  return { divergences: run.divergences, stats: run.stats, prefix };
}

class SequenceRun {
  readonly model = new ReferenceModel();
  readonly divergences: Divergence[] = [];
  readonly stats: RunStats = { ops: 0, skipped: 0, writes: 0, refusedWrites: 0, faults: 0, reconciles: 0, restarts: 0, failedResources: 0 };
  private readonly etags = new EtagLedger();
  private readonly faults: FaultSchedule;
  private reconciling: Promise<void> | undefined;
  private index = 0;

  constructor(
    private readonly world: BridgeUnderTest,
    /** Told every write's answer and the state the bridge then shows, for replaying a failure. */
    private readonly trace?: (line: string) => void,
  ) {
    this.faults = new FaultSchedule(world);
  }

  async step(op: Op): Promise<void> {
    const ran = await this.perform(op);
    if (ran) this.stats.ops += 1;
    else this.stats.skipped += 1;
    this.index += 1;
  }

  async finish(drainMs: number): Promise<void> {
    await this.reconciling;
    this.faults.heal();
    if (this.stopped()) return;
    const { bridge } = this.world;
    bridge.runner.wake();
    const drained = await bridge.runner.drain(drainMs);
    const queued = drained ? [] : await bridge.store.dueWork(Number.MAX_SAFE_INTEGER, 20);
    const found = await checkConverged({
      world: this.world,
      model: this.model,
      refusals: this.faults.refusals,
      drained,
      queued: queued.map((item) => `${item.work.kind} (${item.lastError ?? 'no error'})`),
    });
    this.stats.failedResources = found.failed;
    this.divergences.push(...found.divergences);
    if (this.trace) this.traceAsanaWrites();
  }

  /** Every write Asana saw (a dropped one answered 0), with its time since the first, for replaying a failure. */
  private traceAsanaWrites(): void {
    const writes = this.world.simulator.requests().filter((r) => r.method !== 'GET');
    const start = writes[0]?.startedAt ?? 0;
    for (const r of writes) {
      this.trace?.(`asana +${r.startedAt - start}..${r.endedAt - start} ms: ${r.method} ${r.path} ${JSON.stringify(r.query)} → ${r.status}`);
    }
  }

  /**
   * A divergence leaves the model unsure of the bridge's state, so the sequence stops, except for a reused ETag:
   * the state itself is as the model says, and going on shows what else the sequence finds.
   */
  stopped(): boolean {
    return this.divergences.some((d) => d.category !== ETAG_REUSED);
  }

  private diverge(category: string, detail: string): void {
    this.divergences.push({ category, detail: `op ${this.index}: ${detail}` });
  }

  /** False when the operation does not apply to the model's state (its slot is empty or taken). */
  private async perform(op: Op): Promise<boolean> {
    switch (op.op) {
      case 'reconcile': {
        await this.reconciling;
        const { bridge } = this.world;
        this.stats.reconciles += 1;
        // A pass that Asana's faults cut short is not a divergence: the next one (or the queue) does the work.
        this.reconciling = bridge.reconciler.run('restore').then(() => bridge.runner.wake(), () => undefined);
        return true;
      }
      case 'restart':
        await this.reconciling;
        this.reconciling = undefined;
        this.stats.restarts += 1;
        await this.world.restart();
        return true;
      case 'fault':
        this.stats.faults += 1;
        await this.faults.inject(op.fault);
        return true;
      case 'heal':
        this.faults.heal();
        return true;
      default: {
        const spec = writeFor(this.model, op);
        if (spec) await this.write(spec);
        return spec !== undefined;
      }
    }
  }

  /**
   * Sends one write (with a read racing it, to see every version it goes through) and keeps the model in step. A
   * refusal is judged: the bridge must hold the state from before the write, or the written state marked `failed`.
   */
  private async write(spec: WriteSpec): Promise<void> {
    this.stats.writes += 1;
    const sentAt = Date.now();
    const request = this.world.request(spec.method, spec.path, spec.body);
    const probe = spec.id ? this.probe(spec.resourceType, spec.id, request) : Promise.resolve();
    const answer = await request;
    await probe;
    const describe = `${spec.method} ${spec.resourceType} answered ${answer.status}`;
    if (this.trace) {
      const id = spec.id ?? answer.body?.id;
      const now = id ? await this.world.request('GET', `/${spec.resourceType}s/${id}`) : undefined;
      this.trace(`op ${this.index}: ${describe}; then ${now ? `${now.status} ${JSON.stringify(syncOf(now.body))}` : 'nothing to read'}`);
    }
    if (spec.expected.includes(answer.status)) {
      // Deleting a user removes them from their groups (RFC 7644 §3.6), which changes those groups too.
      const touched = spec.resourceType === 'User' && spec.method === 'DELETE'
        ? [...this.model.groups.values()].filter((g) => g.members.has(spec.id as string)).map((g) => g.id)
        : [];
      spec.accept(answer, sentAt);
      if (spec.method !== 'DELETE') await this.confirm(spec.resourceType, spec.id ?? answer.body?.id, describe);
      for (const groupId of touched) await this.confirm('Group', groupId, describe);
      return;
    }
    if (!REFUSAL_ANSWERS.has(answer.status) || this.faults.refusals.length === 0) {
      this.diverge('unexpected answer', `${describe}: ${JSON.stringify(answer.body)}`);
      return;
    }
    this.stats.refusedWrites += 1;
    const { created } = spec;
    if (created) {
      const found = await this.world.request('GET', `/${spec.resourceType}s?filter=${encodeURIComponent(created.filter)}`);
      const resource = found.body?.Resources?.[0];
      if (resource === undefined) return;
      if (syncOf(resource).state !== 'failed') {
        this.diverge('refused but kept', `${describe}, yet the resource exists and says ${syncOf(resource).state}`);
      }
      created.adopt(resource, sentAt);
      return;
    }
    const id = spec.id as string;
    const current = await this.world.request('GET', `/${spec.resourceType}s/${id}`);
    if (current.status === 404) {
      this.diverge('refused but kept', `${describe}, yet the resource is gone`);
      return;
    }
    this.recordEtag(spec.resourceType, current);
    const view = spec.resourceType === 'User' ? userView(current.body) : groupView(current.body);
    if (view === this.expectedView(spec.resourceType, id)) return;
    spec.accept(answer, sentAt);
    if (view !== this.expectedView(spec.resourceType, id)) {
      this.diverge('refused write left another state', `${describe}; the bridge holds ${view}`);
    } else if (syncOf(current.body).state !== 'failed') {
      this.diverge('refused but kept', `${describe}, yet the write was kept and says ${syncOf(current.body).state}`);
    }
  }

  private expectedView(resourceType: 'User' | 'Group', id: string): string | undefined {
    if (resourceType === 'User') {
      const user = this.model.userById(id);
      return user && expectedUser(user);
    }
    const group = this.model.groupById(id);
    return group && expectedGroup(group);
  }

  /** After an accepted write the bridge holds exactly what the model says. */
  private async confirm(resourceType: 'User' | 'Group', id: string, describe: string): Promise<void> {
    const current = await this.world.request('GET', `/${resourceType}s/${id}`);
    this.recordEtag(resourceType, current);
    const view = resourceType === 'User' ? userView(current.body) : groupView(current.body);
    const expected = this.expectedView(resourceType, id);
    if (view !== expected) this.diverge('store differs from the IdP', `${describe}; holds ${view}, expected ${expected}`);
    if (resourceType === 'Group') {
      const gid = syncOf(current.body).asanaGid;
      const group = this.model.groupById(id);
      if (group && gid) group.asanaGid = gid;
    }
  }

  /** A read while the write still waits for Asana (a write answered sooner has nothing to show midway). */
  private async probe(resourceType: 'User' | 'Group', id: string, write: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const due = new Promise<'due'>((resolve) => {
      timer = setTimeout(() => resolve('due'), PROBE_AFTER_MS);
    });
    const first = await Promise.race([due, write.then(() => 'answered', () => 'answered')]);
    clearTimeout(timer);
    if (first === 'answered') return;
    this.recordEtag(resourceType, await this.world.request('GET', `/${resourceType}s/${id}`));
  }

  private recordEtag(resourceType: 'User' | 'Group', answer: ScimAnswer): void {
    if (answer.status !== 200) return;
    const reuse = this.etags.record(resourceType, answer.etag, answer.body);
    if (reuse) this.diverge(ETAG_REUSED, reuse);
  }
}
