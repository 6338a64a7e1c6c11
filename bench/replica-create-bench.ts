/**
 * Creates per second with one and with two replicas (issue 13, figures): the IdP's `POST /Users` alternate between
 * the replicas, `--connections` at a time, against a simulator whose rate limit is out of the way, so what is
 * measured is the bridges and their database, not Asana's budget. Each create answers once its invitation is in
 * Asana (or its deadline passes); "all synced" is when every user says so.
 *
 *   npm run bench:replica-creates -- [--users 400] [--connections 16] [--engines sqlite,postgres]
 *
 * Each bridge is its own process (bench/serve.ts); with two replicas they are pinned to cores 0 and 1, with one to
 * core 0; PostgreSQL (Debian's package, a fresh cluster) shares the machine's two cores with them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startAsanaSimulator } from '../src/asana-simulator/index.js';
import { startPostgresServer } from '../test/helpers/postgres.js';
import { describeMachine } from './describe-machine.js';
import { BENCH_TOKEN, scim } from './scim-client.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '400' },
    connections: { type: 'string', default: '16' },
    engines: { type: 'string', default: 'sqlite,postgres' },
  },
});
const users = Number(args.users);
const connections = Number(args.connections);
const engines = args.engines.split(',');


async function run(engine: string, databaseUrl: string, replicaCount: number): Promise<string> {
  const simulator = await startAsanaSimulator({ rateLimitPerMinute: 1_000_000 });
  const env = {
    SCIM_TOKEN: BENCH_TOKEN,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    ASANA_BASE_URL: simulator.url,
    ASANA_TOKEN: simulator.token,
    ASANA_WORKSPACE_GID: simulator.workspaceGid,
    ASANA_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const replicas: ServerProcess[] = [];
  try {
    for (let core = 0; core < replicaCount; core++) {
      replicas.push(await startServerProcess({ script: 'bench/serve.ts', core, env }));
    }
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < users; i = next++) {
        const created = await scim(replicas[i % replicaCount]!, 'POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `bench-${i}@example.com`,
          emails: [{ value: `bench-${i}@example.com`, primary: true }],
          active: true,
        });
        if (created.status !== 201) throw new Error(`create ${i}: ${created.status}`);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    const answeredS = (performance.now() - started) / 1000;
    for (;;) {
      const list = await scim(replicas[0]!, 'GET', `/Users?count=${users}&filter=${encodeURIComponent('userName sw "bench-"')}`);
      const resources = (list.body?.['Resources'] ?? []) as Array<Record<string, { state: string }>>;
      if (resources.length === users && resources.every((u) => u[SYNC]?.state === 'synced')) break;
      await sleep(200);
    }
    const syncedS = (performance.now() - started) / 1000;
    const invitations = simulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/addUser')).length;
    return (
      `| ${engine} | ${replicaCount} | ${users} | ${(users / answeredS).toFixed(0)} | ${answeredS.toFixed(2)} | ` +
      `${syncedS.toFixed(2)} | ${invitations} |`
    );
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await simulator.close();
  }
}

process.stdout.write(`${describeMachine()}\n${users} creates, ${connections} at a time, alternating between replicas\n\n`);
process.stdout.write('| Engine | Replicas | Creates | Creates/s | Answered in s | All synced in s | Invitations |\n');
process.stdout.write('| --- | --- | --- | --- | --- | --- | --- |\n');
for (const engine of engines) {
  for (const replicaCount of [1, 2]) {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-create-bench-'));
      try {
        process.stdout.write(`${await run(engine, `file:${join(dir, 'bridge.db')}`, replicaCount)}\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const postgres = await startPostgresServer();
      try {
        process.stdout.write(`${await run(engine, await postgres.createDatabase(), replicaCount)}\n`);
      } finally {
        postgres.stop();
      }
    }
  }
}
