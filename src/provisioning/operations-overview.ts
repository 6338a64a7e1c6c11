import type {
  AttentionItem,
  AuditEntry,
  AuditLogStore,
  OperationsStore,
  ResourceCount,
  WorkQueueStats,
} from '../store/audit-log.js';
import type { Readiness } from './readiness.js';
import type { ReconcileSummary } from './reconcile-pass.js';

/** The last reconciliation pass as the audit log recorded it. */
export interface LastReconcile {
  readonly at: string;
  readonly actor: string;
  readonly outcome: string;
  /** Absent when the pass failed (the outcome says why). */
  readonly summary?: ReconcileSummary;
}

/** Everything an admin looks at first: `scim-bridge status`, the admin page and the gauges of /metrics. */
export interface Overview {
  readonly readiness: Readiness;
  readonly queue: WorkQueueStats;
  readonly resources: readonly ResourceCount[];
  readonly attention: readonly AttentionItem[];
  readonly recentAudit: readonly AuditEntry[];
  readonly lastReconcile: LastReconcile | null;
}

export interface OverviewQuery {
  /** An email (a user's entries) or a group name; also narrows the attention list to names containing it. */
  readonly search?: string;
  readonly attentionLimit?: number;
  readonly auditLimit?: number;
}

export interface OperationsOverviewDeps {
  readonly store: AuditLogStore & OperationsStore;
  readonly readiness: () => Readiness;
  readonly now?: () => number;
}

/** Read-only answers about the bridge's state, from the store alone (never Asana: architecture, reads). */
export class OperationsOverview {
  private readonly now: () => number;

  constructor(private readonly deps: OperationsOverviewDeps) {
    this.now = deps.now ?? Date.now;
  }

  async overview(query: OverviewQuery = {}): Promise<Overview> {
    const { store } = this.deps;
    const search = query.search?.trim() || undefined;
    const auditLimit = query.auditLimit ?? 50;
    // An address searches a user's history; anything else a group's.
    const auditQuery =
      search === undefined
        ? { limit: auditLimit }
        : search.includes('@')
          ? { user: search, limit: auditLimit }
          : { group: search, limit: auditLimit };
    return {
      ...(await this.figures()),
      attention: await store.resourcesNeedingAttention(search, query.attentionLimit ?? 100),
      recentAudit: await store.queryAudit(auditQuery),
    };
  }

  /** The figures alone (what /metrics sets its gauges from): no lists. */
  async figures(): Promise<Pick<Overview, 'readiness' | 'queue' | 'resources' | 'lastReconcile'>> {
    return {
      readiness: this.deps.readiness(),
      queue: await this.deps.store.workQueueStats(this.now()),
      resources: await this.deps.store.resourceCounts(),
      lastReconcile: await this.lastReconcile(),
    };
  }

  async lastReconcile(): Promise<LastReconcile | null> {
    const [entry] = await this.deps.store.queryAudit({ operation: 'reconcile', limit: 1 });
    if (!entry) return null;
    const base = { at: entry.at, actor: entry.actor, outcome: entry.outcome };
    return entry.outcome === 'failed' || entry.detail === null
      ? base
      : { ...base, summary: JSON.parse(entry.detail) as ReconcileSummary };
  }
}
