import { createAsanaClient } from './asana/client.js';
import { RateLimiter } from './asana/rate-limiter.js';
import { loadConfigOrExit } from './load-config-or-exit.js';
import { createLogger } from './logger.js';
import { Reconciler, type DriftAction } from './provisioning/reconciler.js';
import { SqliteStore } from './store/sqlite-store.js';

/**
 * `npm run reconcile [-- --restore]`: one reconciliation pass on demand, with a progress line on long runs and the
 * figures at the end. It only reads Asana and queues work; the running bridge carries restorations out, so the
 * command is safe to run beside it. Asana calls count against the same per-token limit as the bridge's.
 */
async function reconcile(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const action: DriftAction = process.argv.includes('--restore') ? 'restore' : config.RECONCILE_DRIFT_ACTION;
  const logger = createLogger(config.LOG_LEVEL, process.stderr);
  const store = SqliteStore.open(config.databasePath);
  const asana = createAsanaClient({
    baseUrl: config.ASANA_BASE_URL,
    token: config.ASANA_TOKEN,
    limiter: new RateLimiter({ requestsPerMinute: config.ASANA_RATE_LIMIT_PER_MINUTE }),
  });
  try {
    const reconciler = new Reconciler({ store, asana, workspaceGid: config.ASANA_WORKSPACE_GID, logger });
    const report = await reconciler.run(action, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${JSON.stringify({ action, ...report }, null, 2)}\n`);
  } finally {
    await asana.close();
    await store.close();
  }
}

await reconcile();
