import { loadConfigOrExit } from './load-config-or-exit.js';
import { createBridge } from './bridge.js';
import { createLogger } from './logger.js';

/** Production entry: configuration from the environment, then listen; SIGTERM/SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const bridge = await createBridge(config, logger);
  await bridge.app.listen({ port: config.PORT, host: config.HOST });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'draining in-flight requests');
    bridge.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();
