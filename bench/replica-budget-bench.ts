/**
 * One Asana budget per token (issue 13 item 3, issue 10 item 6): two bridge processes on one database under a
 * burst of creates, plus `scim-bridge reconcile` beside them, all on one token that Asana (the simulator) allows
 * 150 requests a minute. Counts the simulator's 429s and the most requests it saw in any rolling minute.
 *
 *   npm run bench:replicas -- [--users 300] [--rate 150]
 *
 * The simulator runs in this process; each bridge is its own process (bench/serve.ts, pinned to CPU 0 and 1);
 * the reconcile command runs from source as an operator would run it beside them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { startAsanaSimulator, type LoggedRequest } from '../src/asana-simulator/index.js';
import { describeMachine } from './describe-machine.js';
import { BENCH_TOKEN, scim } from './scim-client.js';
import { startServerProcess } from './server-process.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const WINDOW_MS = 60_000;

const { values: args } = parseArgs({
  options: { users: { type: 'string', default: '300' }, rate: { type: 'string', default: '150' } },
});
const users = Number(args.users);
const rate = Number(args.rate);


/** The most requests whose arrival falls in any one rolling window. */
function busiestWindow(log: readonly LoggedRequest[]): number {
  const arrivals = log.map((r) => r.startedAt).sort((a, b) => a - b);
  let best = 0;
  for (let first = 0, last = 0; last < arrivals.length; last++) {
    while ((arrivals[last] ?? 0) - (arrivals[first] ?? 0) >= WINDOW_MS) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

const simulator = await startAsanaSimulator({ rateLimitPerMinute: rate });
const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-replica-bench-'));
const env = {
  SCIM_TOKEN: BENCH_TOKEN,
  DATABASE_URL: `file:${join(dir, 'bridge.db')}`,
  LOG_LEVEL: 'warn',
  ASANA_BASE_URL: simulator.url,
  ASANA_TOKEN: simulator.token,
  ASANA_WORKSPACE_GID: simulator.workspaceGid,
  ASANA_RATE_LIMIT_PER_MINUTE: String(rate),
  ASANA_SYNC_DEADLINE_MS: '300',
};
const replicas = [
  await startServerProcess({ script: 'bench/serve.ts', core: 0, env }),
  await startServerProcess({ script: 'bench/serve.ts', core: 1, env }),
];
try {
  process.stdout.write(`${describeMachine()}\nreplicas: ${replicas.map((r) => r.command).join('\n          ')}\n`);
  const started = performance.now();
  // The IdP's creates alternate between the replicas, ten at a time.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < users; i = next++) {
      const created = await scim(replicas[i % 2]!, 'POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `bench-${i}@example.com`,
        emails: [{ value: `bench-${i}@example.com`, primary: true }],
        active: true,
      });
      if (created.status !== 201) throw new Error(`create ${i}: ${created.status}`);
    }
  };
  const creates = Promise.all(Array.from({ length: 10 }, worker));
  await sleep(2_000);
  const reconcile = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'reconcile', '--json'], {
    env: { ...process.env, ...env },
  });
  await creates;
  const answeredMs = performance.now() - started;
  const report = JSON.parse((await reconcile).stdout) as { asanaCalls: number };
  for (;;) {
    const list = await scim(replicas[0]!, 'GET', `/Users?count=${users}&filter=${encodeURIComponent('userName sw "bench-"')}`);
    const resources = (list.body?.['Resources'] ?? []) as Array<Record<string, { state: string }>>;
    if (resources.length === users && resources.every((u) => u[SYNC]?.state === 'synced')) break;
    await sleep(500);
  }
  const syncedMs = performance.now() - started;
  const log = simulator.requests();
  process.stdout.write(
    [
      `token: ${rate} requests/min; ${users} creates over 2 replicas + 1 reconcile command (${report.asanaCalls} Asana calls)`,
      `creates answered in ${(answeredMs / 1000).toFixed(1)} s; all synced in ${(syncedMs / 1000).toFixed(1)} s`,
      `Asana requests: ${log.length}; most in any rolling minute: ${busiestWindow(log)}; 429 answers: ${log.filter((r) => r.status === 429).length}`,
    ].join('\n') + '\n',
  );
} finally {
  await Promise.all(replicas.map((r) => r.stop()));
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
}
