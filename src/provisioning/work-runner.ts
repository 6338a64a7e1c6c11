import type { Logger } from 'pino';
import { AsanaError } from '../asana/asana-error.js';
import type { MappingStore, WorkItem, WorkLease } from '../store/mapping-store.js';
import { describeFailure } from './asana-failure.js';
import { NotCarriedOut, WaitingForDependency, type WorkExecutor } from './work-executor.js';

/**
 * Looked at before an item runs: `run`, or `stop` when the gate took the item out of this run and recorded why
 * in the store (the deprovisioning brake holds a removal, a dry run plans the work; issue 12).
 */
export interface WorkGate {
  check(item: WorkItem): Promise<'run' | 'stop'>;
}

export interface WorkRunnerOptions {
  readonly store: MappingStore;
  readonly executor: WorkExecutor;
  readonly gate?: WorkGate;
  readonly logger: Logger;
  /** This process among the replicas on one database: the holder of the work leases it takes. */
  readonly holder: string;
  /**
   * How long a claimed item stays this process's without a heartbeat; a replica that dies mid-item loses it after
   * this, and another carries it out. Renewed every third of it while items run.
   */
  readonly leaseMs?: number;
  /** Items run at once by the background loop; the Asana client's own limits still apply beneath. */
  readonly concurrency?: number;
  readonly pollIntervalMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * Asana said no to the request itself (400, 402, 403, 404). A 401 refuses the bridge's own token, which says
 * nothing about the IdP's request: that work stays queued, retried with backoff until an operator fixes
 * ASANA_TOKEN, so a misconfiguration loses nothing.
 */
function refusesTheRequest(error: unknown): error is AsanaError {
  return error instanceof AsanaError && error.permanent && error.status !== 401;
}

/** Memberships (phase 1) need the team and the workspace membership (phase 0) first. */
function phaseOf(item: WorkItem): 0 | 1 {
  return item.work.kind === 'addUserToTeam' || item.work.kind === 'removeUserFromTeam' ? 1 : 0;
}

/**
 * Whether Asana may have acted on a call that did not succeed. A 429 and a 401 are answered before any work, and
 * waiting for a dependency sends nothing; a timeout, a dropped connection or a 5xx may have been applied.
 */
function mayHaveReachedAsana(error: unknown): boolean {
  if (error instanceof WaitingForDependency) return false;
  return !(error instanceof AsanaError && (error.status === 429 || error.status === 401));
}

/** What became of a request's work by its deadline. */
export type RunOutcome =
  | { readonly kind: 'synced' }
  | { readonly kind: 'pending' }
  /**
   * Asana refused `item` for good while the request was still waiting (the item is already failed); `applied`
   * says whether other items of the request reached Asana or may have (an unknown outcome counts as applied).
   */
  | { readonly kind: 'refused'; readonly error: AsanaError; readonly item: WorkItem; readonly applied: boolean };

type Refusal = { readonly refused: AsanaError; readonly item: WorkItem };
/**
 * `skipped`: another runner (this process's loop or another replica) holds the order key's lease (it may be
 * running this very item), or older work comes first.
 * `stopped`: a gate kept the item from running (held or planned); nothing was sent.
 */
type ItemResult = 'done' | 'notApplied' | 'unknown' | 'skipped' | 'failed' | 'stopped' | Refusal;

/**
 * Drives queued Asana work until Asana agrees: at once for the request that queued it (the fast path), then in a
 * background loop with exponential backoff. Work with one order key runs one item at a time, oldest first: an
 * item runs only under a lease claimed in the store, so neither this process's fast path and loop nor two
 * replicas on one database run an item (or two items of one order key) at once, and a replica that dies mid-item
 * loses its lease to another (docs/reliability.md, Replicas).
 */
export class WorkRunner {
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private scanning = false;
  private stopped = true;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: WorkRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs one request's work now and waits for it up to `deadlineMs`. Past the deadline the work goes on in the
   * background and the request is answered with its sync state pending.
   */
  async runNow(items: readonly WorkItem[], deadlineMs: number): Promise<RunOutcome> {
    if (items.length === 0) return { kind: 'synced' };
    const all = this.track(this.runPhases(items));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const settled = await Promise.race([all, deadline]);
    clearTimeout(timer);
    if (settled === 'deadline') {
      this.wake();
      return { kind: 'pending' };
    }
    const results = settled;
    const refusal = results.find((r): r is Refusal => typeof r === 'object');
    if (refusal) {
      const applied = results.some((r) => r === 'done' || r === 'unknown' || r === 'skipped');
      return { kind: 'refused', error: refusal.refused, item: refusal.item, applied };
    }
    if (results.length === items.length && results.every((r) => r === 'done')) return { kind: 'synced' };
    this.wake();
    return { kind: 'pending' };
  }

  /**
   * A team's membership needs the team (and the user in the workspace), so a request's work runs in two phases:
   * workspace and team work first, then memberships. Within a phase, each order key's items run in order and
   * different keys run in parallel. A phase that does not finish leaves the rest to the background loop.
   */
  private async runPhases(items: readonly WorkItem[]): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    for (const phase of [0, 1]) {
      const byKey = new Map<string, WorkItem[]>();
      for (const item of items.filter((i) => phaseOf(i) === phase)) {
        byKey.set(item.orderKey, [...(byKey.get(item.orderKey) ?? []), item]);
      }
      const chains = [...byKey.values()].map(async (chain) => {
        const chainResults: ItemResult[] = [];
        for (const item of chain) {
          const result = await this.runOne(item);
          chainResults.push(result);
          if (result !== 'done') break;
        }
        return chainResults;
      });
      results.push(...(await Promise.all(chains)).flat());
      // A gate's stop (a dry run's plan) sends nothing, so the memberships are looked at too (and planned).
      if (results.some((r) => r !== 'done' && r !== 'stopped')) break;
    }
    return results;
  }

  /**
   * Starts the background loop, which also resumes whatever a previous process left pending (or a dead replica
   * left leased, once its lease has run out), and the heartbeat that keeps this process's leases.
   */
  start(): void {
    this.stopped = false;
    this.schedule(0);
    this.heartbeat = setInterval(() => void this.renewLeases(), this.leaseMs / 3);
    this.heartbeat.unref();
  }

  /** Stops taking new work and waits for the calls in flight (their items' leases end as they settle). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.heartbeat);
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  private lease(): WorkLease {
    return { holder: this.options.holder, until: this.now() + this.leaseMs };
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.options.store.renewWorkLeases(this.lease());
    } catch (error) {
      this.options.logger.error({ err: error }, 'work lease renewal failed');
    }
  }

  /** Looks for due work soon (after a request left some pending). */
  wake(): void {
    if (!this.stopped) this.schedule(10);
  }

  /** Waits until no work is queued or running: how tests see the bridge converge. */
  async drain(timeoutMs = 60_000): Promise<boolean> {
    const until = this.now() + timeoutMs;
    while (this.now() < until) {
      const queued = await this.options.store.dueWork(Number.MAX_SAFE_INTEGER, 1);
      if (this.inFlight.size === 0 && queued.length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.scan(), delayMs);
    this.timer.unref();
  }

  private async scan(): Promise<void> {
    if (this.scanning || this.stopped) return;
    this.scanning = true;
    const concurrency = this.options.concurrency ?? 15;
    try {
      const free = concurrency - this.inFlight.size;
      if (free > 0) {
        const claimed = await this.options.store.claimDueWork(this.now(), free, this.lease());
        for (const item of claimed) {
          void this.track(this.runGated(item)).then(() => this.wake());
        }
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'work queue scan failed');
    } finally {
      this.scanning = false;
      if (!this.stopped) this.schedule(this.options.pollIntervalMs ?? 1000);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  /** Runs one item if it can be claimed: it is the oldest of its order key and nobody holds that key. */
  private async runOne(item: WorkItem): Promise<ItemResult> {
    // Before the claim: a dry run plans work still queued behind other work too (the gates are idempotent).
    if (await this.gateStops(item)) return 'stopped';
    const claimed = await this.options.store.claimWorkItem(item.id, this.now(), this.lease());
    return claimed === undefined ? 'skipped' : this.runClaimed(claimed);
  }

  /** An item the loop claimed: a gate's stop (a held removal) leaves the queue's runnable work, and its lease. */
  private async runGated(item: WorkItem): Promise<ItemResult> {
    return (await this.gateStops(item)) ? 'stopped' : this.runClaimed(item);
  }

  private async gateStops(item: WorkItem): Promise<boolean> {
    return this.options.gate !== undefined && (await this.options.gate.check(item)) === 'stop';
  }

  /**
   * Runs an item this process holds the lease of; settling it (done, deferred, failed) ends the lease. A refusal
   * is recorded at once (the item leaves the queue and the resource says `failed`), whether or not a request
   * still waits for it, so it is never sent twice.
   */
  private async runClaimed(item: WorkItem): Promise<ItemResult> {
    const { store, executor, logger } = this.options;
    const log = logger.child({ work: item.work.kind, resource: item.resourceKey, workId: item.id });
    try {
      const effect = await executor.execute(item.work, item.id);
      await store.completeWork(item, effect);
      log.debug('asana work done');
      return 'done';
    } catch (error) {
      if (refusesTheRequest(error) || error instanceof NotCarriedOut) {
        await store.failWork(item, describeFailure(error));
        const why = error instanceof AsanaError ? { status: error.status } : { reason: error.message };
        log.warn(why, 'asana work failed for good');
        return error instanceof AsanaError ? { refused: error, item } : 'failed';
      }
      const retryAfter = error instanceof AsanaError ? error.retryAfterMs : undefined;
      // Waiting for a dependency is not Asana failing: look again soon rather than backing off.
      const delay =
        error instanceof WaitingForDependency ? (this.options.backoffBaseMs ?? 1000) : (retryAfter ?? this.backoff(item.attempts));
      await store.deferWork(item, describeFailure(error), this.now() + delay);
      const level = error instanceof AsanaError || error instanceof WaitingForDependency ? 'info' : 'error';
      log[level]({ err: error, attempts: item.attempts + 1, retryInMs: delay }, 'asana work deferred');
      return mayHaveReachedAsana(error) ? 'unknown' : 'notApplied';
    }
  }

  /** Full-jitter exponential backoff: spreads retries after an outage instead of stampeding Asana. */
  private backoff(attempts: number): number {
    const base = this.options.backoffBaseMs ?? 1000;
    const max = this.options.backoffMaxMs ?? 300_000;
    const ceiling = Math.min(max, base * 2 ** Math.min(attempts, 20));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}
