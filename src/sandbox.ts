import { randomBytes } from 'node:crypto';
import { startAsanaSimulator } from './asana-simulator/index.js';
import { createBridge } from './bridge.js';
import { loadConfigOrExit } from './load-config-or-exit.js';
import { createLogger } from './logger.js';

/**
 * `npm run sandbox`: the bridge on its embedded defaults — an SQLite file and the built-in Asana simulator — with
 * a freshly generated bearer token, for newcomers and IdP sandboxes. No Asana account needed. DATABASE_URL in the
 * environment (e.g. postgres://…) replaces the SQLite file.
 */
async function sandbox(): Promise<void> {
  // An admin's personal access token, as customers without Enterprise run the bridge (issue 10).
  const simulator = await startAsanaSimulator({ emailDomains: ['example.com'], tokenMode: 'pat' });
  const token = process.env['SCIM_TOKEN'] ?? randomBytes(24).toString('base64url');
  const config = loadConfigOrExit({
    HOST: '127.0.0.1',
    DATABASE_URL: 'file:./data/sandbox.db',
    ...process.env,
    SCIM_TOKEN: token,
    ASANA_BASE_URL: simulator.url,
    ASANA_TOKEN: simulator.token,
    ASANA_WORKSPACE_GID: simulator.workspaceGid,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const bridge = await createBridge(config, logger);
  await bridge.app.listen({ port: config.PORT, host: config.HOST });
  const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  const base = `http://${host}:${config.PORT}/scim/v2`;
  process.stdout.write(
    [
      '',
      'scim-bridge sandbox is running (Asana is simulated; nothing leaves this machine).',
      `  SCIM base URL   ${base}   (also http://${host}:${config.PORT}/api/1.0/scim)`,
      `  Bearer token    ${token}`,
      `  Asana simulator ${simulator.url} (state: ${simulator.origin}/_simulator/state, same bearer as ASANA_TOKEN)`,
      `  Database        ${config.databaseLabel}`,
      '',
      'Try it:',
      `  curl -H "Authorization: Bearer ${token}" ${base}/ServiceProviderConfig`,
      '',
    ].join('\n') + '\n',
  );
  const shutdown = () => {
    void bridge
      .close()
      .then(() => simulator.close())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

await sandbox();
