import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AsanaAttempt, AsanaCallObserver } from './asana/call-observer.js';
import type { Overview } from './provisioning/operations-overview.js';

const SYNC_STATES = ['pending', 'synced', 'failed'] as const;
const WORK_STATES = ['ready', 'backoff'] as const;

/** Read once: the version in the build information metric. */
function packageVersion(): string {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/**
 * The bridge's Prometheus metrics (issue 14), in their own registry: several bridges in one process (tests) do
 * not share counters. Labels hold route patterns, Asana operationIds, statuses and states: bounded sets, never
 * an id, a filter or an address.
 */
export class BridgeMetrics implements AsanaCallObserver {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'scim_bridge_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'scim_bridge_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly asanaRequests = new Counter({
    name: 'scim_bridge_asana_requests_total',
    help: 'HTTP exchanges with Asana (each attempt), by operationId and status (0: no answer).',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  private readonly asanaDuration = new Histogram({
    name: 'scim_bridge_asana_request_duration_seconds',
    help: 'Duration of an HTTP exchange with Asana, by operationId.',
    labelNames: ['operation'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly asanaRateLimited = new Counter({
    name: 'scim_bridge_asana_rate_limited_total',
    help: 'Asana answers 429 (the token is over its rate limit).',
    registers: [this.registry],
  });
  private readonly workItems = new Gauge({
    name: 'scim_bridge_work_items',
    help: 'Queued Asana work: ready (due now) or backoff (waiting to retry after a failure).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly workOldestAge = new Gauge({
    name: 'scim_bridge_work_oldest_age_seconds',
    help: 'Age of the oldest queued Asana work; 0 when the queue is empty.',
    registers: [this.registry],
  });
  private readonly resources = new Gauge({
    name: 'scim_bridge_resources',
    help: 'SCIM resources in the store, by type and sync state.',
    labelNames: ['type', 'sync_state'] as const,
    registers: [this.registry],
  });
  private readonly driftLastPass = new Gauge({
    name: 'scim_bridge_drift_last_pass',
    help: 'Differences between the store and Asana found by the last reconciliation pass.',
    registers: [this.registry],
  });
  private readonly ready = new Gauge({
    name: 'scim_bridge_ready',
    help: '1 when the store answers and Asana accepts the token (as /readyz says), else 0.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'scim_bridge_build_info',
      help: 'Always 1; labels say which build is running.',
      labelNames: ['version', 'node'] as const,
      registers: [this.registry],
    }).set({ version: packageVersion(), node: process.version }, 1);
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  onAttempt(attempt: AsanaAttempt): void {
    this.asanaRequests.inc({ operation: attempt.operation, status: String(attempt.status) });
    this.asanaDuration.observe({ operation: attempt.operation }, attempt.durationMs / 1000);
    if (attempt.status === 429) this.asanaRateLimited.inc();
  }

  /** Sets the gauges from the store's state, once per scrape. */
  setState(overview: Pick<Overview, 'queue' | 'resources' | 'lastReconcile' | 'readiness'>): void {
    for (const state of WORK_STATES) this.workItems.set({ state }, overview.queue[state]);
    this.workOldestAge.set((overview.queue.oldestAgeMs ?? 0) / 1000);
    for (const type of ['User', 'Group'] as const) {
      for (const state of SYNC_STATES) {
        const found = overview.resources.find((r) => r.type === type && r.syncState === state);
        this.resources.set({ type, sync_state: state }, found?.count ?? 0);
      }
    }
    const drift = overview.lastReconcile?.summary?.driftCount;
    if (drift === undefined) this.driftLastPass.reset();
    else this.driftLastPass.set(drift);
    this.ready.set(overview.readiness.ready ? 1 : 0);
  }
}
