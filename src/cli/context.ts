import { hostname } from 'node:os';
import { createAsanaClient, type AsanaClient } from '../asana/client.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { AuditTrail } from '../provisioning/audit-trail.js';
import { OperationsOverview } from '../provisioning/operations-overview.js';
import { ReadinessMonitor } from '../provisioning/readiness.js';
import { TokenOwner } from '../provisioning/token-owner.js';
import { SharedAsanaBudget } from '../provisioning/shared-asana-budget.js';
import { openStore, type BridgeStore } from '../store/open-store.js';

/**
 * What a command works with: the bridge's own store (DATABASE_URL) and Asana token, from the same environment as
 * the bridge (the CLI runs beside it, e.g. `docker exec`). SQLite in WAL mode lets it read while the bridge writes;
 * its Asana calls take slots of the token's one budget kept in the store, with the running bridges' calls.
 */
export interface CliContext {
  readonly config: Config;
  /** This command among the processes on the database (its leases and Asana budget slots). */
  readonly holder: string;
  readonly store: BridgeStore;
  readonly asana: AsanaClient;
  readonly trail: AuditTrail;
  readonly owner: TokenOwner;
  readonly readiness: ReadinessMonitor;
  readonly overview: OperationsOverview;
  readonly logger: ReturnType<typeof createLogger>;
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  close(): Promise<void>;
}

export async function openCliContext(config: Config): Promise<CliContext> {
  // Logs go to stderr, so stdout carries only the answer (JSON for --json).
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
  const store = await openStore(config.DATABASE_URL);
  const holder = `cli:${hostname()}:${process.pid}`;
  const trail = new AuditTrail({ store, logger });
  const asana = createAsanaClient({
    baseUrl: config.ASANA_BASE_URL,
    token: config.ASANA_TOKEN,
    limiter: new SharedAsanaBudget({
      store,
      token: config.ASANA_TOKEN,
      requestsPerMinute: config.ASANA_RATE_LIMIT_PER_MINUTE,
      windowMs: config.ASANA_RATE_WINDOW_SECONDS * 1000,
      holder,
      logger,
    }),
    observer: trail,
    retryBudgetMs: 5_000,
  });
  const owner = new TokenOwner(asana, config.ASANA_WORKSPACE_GID);
  const readiness = new ReadinessMonitor({ store, owner, workspaceGid: config.ASANA_WORKSPACE_GID, intervalMs: 60_000, logger });
  const overview = new OperationsOverview({ store, readiness: () => readiness.state });
  return {
    config,
    holder,
    store,
    asana,
    trail,
    owner,
    readiness,
    overview,
    logger,
    out: process.stdout,
    err: process.stderr,
    async close() {
      await asana.close();
      await store.close();
    },
  };
}
