import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { createBridge } from '../../src/bridge.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/** A bridge listening on 127.0.0.1 over a fresh SQLite file and a fresh Asana simulator: an empty tenant. */
export interface Sandbox {
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const TOKEN = 'idp-collections-token-0123456789abcdef';

/**
 * Starts what `npm run sandbox` starts, but on a random port, a temp database and quiet logs (errors only, to
 * stderr), the way test/helpers/harness.ts does. The Microsoft collection counts users and groups, so every
 * collection gets its own sandbox.
 */
export async function startSandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-idp-'));
  const simulator = await startAsanaSimulator();
  const config = loadConfig({
    SCIM_TOKEN: TOKEN,
    ASANA_BASE_URL: simulator.url,
    ASANA_TOKEN: simulator.token,
    ASANA_WORKSPACE_GID: simulator.workspaceGid,
    DATABASE_URL: `file:${join(dir, 'bridge.db')}`,
    LOG_LEVEL: 'error',
  });
  const bridge = await createBridge(config, createLogger(config.LOG_LEVEL, process.stderr));
  const origin = await bridge.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    origin,
    port: Number(new URL(origin).port),
    token: TOKEN,
    async close() {
      await bridge.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
