/**
 * The bridge as a process of its own, for the benchmarks: src/main.ts's path (loadConfig from the environment →
 * createBridge → listen), except that without ASANA_BASE_URL it starts an Asana simulator in this same process,
 * so the read benchmark needs nothing else (reads never call Asana). Logs go to stdout as in production.
 * SIGTERM closes everything and exits normally, so `node --cpu-prof` gets to write its profile.
 */
import { startAsanaSimulator, type AsanaSimulator } from '../src/asana-simulator/index.js';
import { createBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

let simulator: AsanaSimulator | undefined;
const env: Record<string, string | undefined> = { ...process.env };
if (env['ASANA_BASE_URL'] === undefined) {
  simulator = await startAsanaSimulator();
  env['ASANA_BASE_URL'] = simulator.url;
  env['ASANA_TOKEN'] = simulator.token;
  env['ASANA_WORKSPACE_GID'] = simulator.workspaceGid;
}
const config = loadConfig(env);
const bridge = await createBridge(config, createLogger(config.LOG_LEVEL));
await bridge.app.listen({ port: config.PORT, host: config.HOST });

process.once('SIGTERM', () => {
  void (async () => {
    await bridge.close();
    await simulator?.close();
    process.exit(0);
  })();
});
