import type { CoordinationStore, LeaseName } from '../store/coordination.js';

export interface ReplicaLeaseOptions {
  readonly store: CoordinationStore;
  readonly name: LeaseName;
  /** This process among the replicas (and commands) on one database. */
  readonly holder: string;
  /** How long the lease outlives a holder that stops renewing it (dies); renewed every third of it. */
  readonly leaseMs?: number;
}

/**
 * A duty one process at a time performs across every replica on the database (the reconcile pass): taken in the
 * store, renewed while the task runs, given up when it ends; a holder that dies loses it when it runs out.
 */
export class ReplicaLease {
  constructor(private readonly options: ReplicaLeaseOptions) {}

  /** Runs `task` holding the lease; undefined, without running it, while another process holds the lease. */
  async run<T extends object>(task: () => Promise<T>): Promise<T | undefined> {
    const { store, name, holder } = this.options;
    const leaseMs = this.options.leaseMs ?? 60_000;
    const take = () => store.takeLease({ name, holder, until: Date.now() + leaseMs }, Date.now());
    if (!(await take())) return undefined;
    const renewal = setInterval(() => void take().catch(() => undefined), leaseMs / 3);
    renewal.unref();
    try {
      return await task();
    } finally {
      clearInterval(renewal);
      await store.releaseLease(name, holder);
    }
  }
}
