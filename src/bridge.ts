import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { createAsanaClient, type AsanaClient } from './asana/client.js';
import type { Config } from './config.js';
import { BridgeMetrics } from './metrics.js';
import { AuditTrail } from './provisioning/audit-trail.js';
import { AuditedWorkExecutor } from './provisioning/audited-executor.js';
import { DeprovisionBrake } from './provisioning/deprovision-brake.js';
import { DryRun } from './provisioning/dry-run.js';
import { GroupService } from './provisioning/groups.js';
import { OperationsOverview } from './provisioning/operations-overview.js';
import { ReadinessMonitor } from './provisioning/readiness.js';
import { runReconcilePass } from './provisioning/reconcile-pass.js';
import { TaskHandover } from './provisioning/task-handover.js';
import { Reconciler } from './provisioning/reconciler.js';
import { TokenOwner } from './provisioning/token-owner.js';
import { ReplicaLease } from './provisioning/replica-lease.js';
import { SharedAsanaBudget } from './provisioning/shared-asana-budget.js';
import { UserService } from './provisioning/users.js';
import { WorkRunner } from './provisioning/work-runner.js';
import { openStore, type BridgeStore } from './store/open-store.js';

/** A wired bridge: everything main.ts, the sandbox and the tests start, in one visible place. */
export interface Bridge {
  readonly app: FastifyInstance;
  readonly store: BridgeStore;
  readonly runner: WorkRunner;
  readonly asana: AsanaClient;
  readonly reconciler: Reconciler;
  /** One reconcile pass at a time across replicas and the reconcile command (runReconcilePass). */
  readonly reconcileLease: ReplicaLease;
  readonly readiness: ReadinessMonitor;
  readonly auditTrail: AuditTrail;
  /** Stops taking requests, lets in-flight requests and Asana calls finish, closes the store. */
  close(): Promise<void>;
}

/** Timing knobs that tests shrink so retries and backoff play out in milliseconds; production uses the defaults. */
export interface BridgeTimings {
  readonly asanaRetryBudgetMs?: number;
  readonly asanaRequestTimeoutMs?: number;
  readonly asanaLandingWindowMs?: number;
  readonly workBackoffBaseMs?: number;
  readonly workBackoffMaxMs?: number;
  readonly workPollIntervalMs?: number;
}

const DAY_MS = 86_400_000;
const FIRST_READINESS_WAIT_MS = 2_000;

/**
 * Config → store (migrated) → Asana client (one budget for the token, shared through the store with every process
 * using it) → provisioning → HTTP app.
 */
export async function createBridge(config: Config, logger: Logger, timings: BridgeTimings = {}): Promise<Bridge> {
  const store = await openStore(config.DATABASE_URL);
  // This process among the replicas on the database: the holder of its work and reconcile leases.
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const metrics = new BridgeMetrics();
  const auditTrail = new AuditTrail({ store, logger: logger.child({ component: 'audit' }) });
  const asana = createAsanaClient({
    baseUrl: config.ASANA_BASE_URL,
    token: config.ASANA_TOKEN,
    limiter: new SharedAsanaBudget({
      store,
      token: config.ASANA_TOKEN,
      requestsPerMinute: config.ASANA_RATE_LIMIT_PER_MINUTE,
      windowMs: config.ASANA_RATE_WINDOW_SECONDS * 1000,
      holder,
      logger: logger.child({ component: 'asana-budget' }),
    }),
    logger: logger.child({ component: 'asana' }),
    // Every HTTP exchange with Asana is counted (metrics) and attributed to the action that caused it (audit).
    observer: {
      onAttempt(attempt) {
        metrics.onAttempt(attempt);
        auditTrail.onAttempt(attempt);
      },
    },
    ...(timings.asanaRetryBudgetMs !== undefined ? { retryBudgetMs: timings.asanaRetryBudgetMs } : {}),
    ...(timings.asanaRequestTimeoutMs !== undefined ? { requestTimeoutMs: timings.asanaRequestTimeoutMs } : {}),
    ...(timings.asanaLandingWindowMs !== undefined ? { landingWindowMs: timings.asanaLandingWindowMs } : {}),
  });
  const handover = new TaskHandover({
    store,
    asana,
    workspaceGid: config.ASANA_WORKSPACE_GID,
    targets: config.TASK_HANDOVER_TO,
    maxMs: config.TASK_HANDOVER_MAX_MINUTES * 60_000,
    logger: logger.child({ component: 'handover' }),
  });
  const owner = new TokenOwner(asana, config.ASANA_WORKSPACE_GID);
  const executor = new AuditedWorkExecutor(auditTrail, store, asana, config.ASANA_WORKSPACE_GID, owner, handover);
  // A dry run sends nothing and plans everything; otherwise the deprovisioning brake looks at every removal.
  const dryRun = config.ASANA_WRITES === 'off';
  const gate = dryRun
    ? new DryRun(store)
    : new DeprovisionBrake({
        store,
        limit: config.DEPROVISION_BRAKE_LIMIT,
        windowMs: config.DEPROVISION_BRAKE_WINDOW_MINUTES * 60_000,
        logger: logger.child({ component: 'brake' }),
      });
  const runner = new WorkRunner({
    store,
    executor,
    gate,
    logger: logger.child({ component: 'work' }),
    holder,
    leaseMs: config.WORK_LEASE_SECONDS * 1000,
    ...(timings.workBackoffBaseMs !== undefined ? { backoffBaseMs: timings.workBackoffBaseMs } : {}),
    ...(timings.workBackoffMaxMs !== undefined ? { backoffMaxMs: timings.workBackoffMaxMs } : {}),
    ...(timings.workPollIntervalMs !== undefined ? { pollIntervalMs: timings.workPollIntervalMs } : {}),
  });
  const syncDeadlineMs = config.ASANA_SYNC_DEADLINE_MS;
  const users = new UserService({ store, runner, syncDeadlineMs, allowedEmailDomains: config.ASANA_ALLOWED_EMAIL_DOMAINS });
  const groups = new GroupService({
    store,
    runner,
    syncDeadlineMs,
    deprovisionedPrefix: config.DEPROVISIONED_TEAM_PREFIX,
  });
  const readiness = new ReadinessMonitor({
    store,
    owner,
    workspaceGid: config.ASANA_WORKSPACE_GID,
    intervalMs: config.READINESS_INTERVAL_SECONDS * 1000,
    logger: logger.child({ component: 'readiness' }),
  });
  const overview = new OperationsOverview({ store, readiness: () => readiness.state });
  const app = await buildApp({
    logger,
    scimTokens: config.SCIM_TOKEN,
    users,
    groups,
    readGeneration: () => store.readGeneration(),
    readiness: () => readiness.state,
    auditTrail,
    overview,
    metrics,
    ...(config.METRICS_TOKEN !== undefined ? { metricsToken: config.METRICS_TOKEN } : {}),
    ...(config.ADMIN_TOKEN !== undefined ? { adminToken: config.ADMIN_TOKEN } : {}),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    maxResults: config.SCIM_MAX_RESULTS,
    bulkMaxOperations: config.SCIM_BULK_MAX_OPERATIONS,
    rateLimit: {
      readsPerMinute: config.SCIM_RATE_LIMIT_PER_MINUTE,
      writesPerMinute: config.SCIM_WRITE_RATE_LIMIT_PER_MINUTE,
    },
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    trustProxy: config.TRUST_PROXY,
    ...(config.PUBLIC_BASE_URL !== undefined ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
  });
  const reconciler = new Reconciler({
    store,
    asana,
    owner,
    workspaceGid: config.ASANA_WORKSPACE_GID,
    logger: logger.child({ component: 'reconciler' }),
  });
  const reconcileLease = new ReplicaLease({ store, name: 'reconcile', holder });
  const stopReconciling = schedulePeriodic(config.RECONCILE_INTERVAL_MINUTES * 60_000, async () => {
    const report = await runReconcilePass({ reconciler, trail: auditTrail, lease: reconcileLease }, 'reconciler', config.RECONCILE_DRIFT_ACTION);
    if (report === undefined) logger.info('reconcile pass skipped: another replica is running one');
    runner.wake();
  }, logger);
  const prune = async () => {
    const removed = await auditTrail.prune(config.AUDIT_RETENTION_DAYS);
    if (removed > 0) logger.info({ removed, retentionDays: config.AUDIT_RETENTION_DAYS }, 'audit entries past retention removed');
  };
  await prune();
  const stopPruning = schedulePeriodic(DAY_MS, prune, logger);
  // The first readiness answer is waited for briefly, so a bridge that can reach Asana is ready once it listens;
  // a slow Asana does not hold the start (liveness must answer), the check goes on in the background.
  await Promise.race([readiness.start(), sleep(FIRST_READINESS_WAIT_MS, undefined, { ref: false })]);
  if (dryRun) {
    logger.warn('ASANA_WRITES=off: a dry run; Asana work is planned, not sent (npm run plan lists it)');
  } else {
    const resumed = await store.resumePlanned();
    if (resumed > 0) logger.info({ resources: resumed }, 'carrying out the plan of a dry run');
    runner.start();
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    runner,
    asana,
    reconciler,
    reconcileLease,
    readiness,
    auditTrail,
    close() {
      closing ??= (async () => {
        stopReconciling();
        stopPruning();
        readiness.stop();
        await app.close();
        await runner.stop();
        await asana.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** Runs `task` every `intervalMs` (never two at once); 0 means never. Returns the function that stops it. */
function schedulePeriodic(intervalMs: number, task: () => Promise<void>, logger: Logger): () => void {
  if (intervalMs <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error: unknown) => logger.error({ err: error }, 'periodic reconciliation failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
