/**
 * `npm run bench:fairness`. Issue 15, item 3: one client sending the worst requests it can does not starve the others. The bridge runs as
 * its own process (src/main.ts) with two tokens. For ATTACK_MS, an attacker keeps ATTACKERS connections busy
 * (a bounded load: each sends its next request when the last is answered) with the most expensive requests the
 * bridge accepts or refuses: 16 KB paths of "/" without a token (the request that used to cost 100 ms before
 * the token check), bodies at the body limit, filters at the comparison cap, maximal pages, a user's addresses
 * at the cap. Meanwhile a second client polls /healthz and GET /Users/{id} with its own token; the 99th
 * percentile of its answers must stay within 100 ms. Loopback only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { startAsanaSimulator } from '../src/asana-simulator/index.js';
import { startBridgeProcess, type BridgeProcess } from '../test/helpers/bridge-process.js';
import { TEST_TOKEN, userBody } from '../test/helpers/harness.js';
import type { AttackerData, AttackerReport } from './worst-requests.js';

const OTHER_TOKEN = 'fairness-other-client-token-0123456789';
const ATTACK_MS = 8_000;
const ATTACKERS = 2;
const POLL_EVERY_MS = 10;
const P99_BOUND_MS = 100;
const USERS = 50;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Prints the victim's p50/p99 and exits 1 when the p99 is over the bound. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-fairness-'));
  const simulator = await startAsanaSimulator();
  const bridge = await startBridgeProcess(simulator, join(dir, 'bridge.db'), {
    SCIM_TOKEN: `${TEST_TOKEN},${OTHER_TOKEN}`,
  });
  const close = async () => {
    await bridge.kill();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await measure(bridge);
  } finally {
    await close();
  }
}

async function measure(bridge: BridgeProcess): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const created = await bridge.request('POST', '/Users', userBody(`user${i}@example.com`));
    if (created.status !== 201) throw new Error(`seeding user ${i}: ${created.status}`);
    ids.push(created.body.id);
  }
  const origin = new URL(bridge.base).origin;
  const attackerData: AttackerData = { origin, base: bridge.base, token: TEST_TOKEN, userId: ids[0]!, connections: ATTACKERS };
  // A worker does not inherit tsx's loader on Node 20: it loads the TypeScript attacker through tsx's API.
  const attackerUrl = new URL('./worst-requests.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(attackerUrl)}, ${JSON.stringify(import.meta.url)}))`;
  const attacker = new Worker(bootstrap, { eval: true, workerData: attackerData });
  const message = () =>
    new Promise<unknown>((resolve, reject) => {
      attacker.once('message', resolve);
      attacker.once('error', reject);
    });
  // Starting a worker under a TypeScript loader takes seconds on a busy machine: measure once it is attacking.
  if ((await message()) !== 'attacking') throw new Error('the attacker did not start');
  let attacking = true;
  const latencies: number[] = [];
  const statuses = new Set<number>();
  const victim = async () => {
    for (let n = 0; attacking; n++) {
      const url = n % 2 === 0 ? `${origin}/healthz` : `${bridge.base}/Users/${ids[n % ids.length]}`;
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses.add(response.status);
      await sleep(POLL_EVERY_MS);
    }
  };
  const report = message() as Promise<AttackerReport>;
  const polling = victim();
  await sleep(ATTACK_MS);
  attacking = false;
  attacker.postMessage('stop');
  const [{ attacks, medianMs }] = await Promise.all([report, polling]);
  await attacker.terminate();

  const p99 = percentile(latencies, 99);
  console.log(
    `fairness figures: ${attacks} attacking requests, ${latencies.length} polls, ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ` +
      `attacking requests' median by kind ${medianMs.map((ms) => ms.toFixed(0)).join(' / ')} ms`,
  );
  console.log(`poll statuses: ${[...statuses].join(', ')}; p99 ${p99.toFixed(1)} ms, bound ${P99_BOUND_MS} ms`);
  if (p99 > P99_BOUND_MS || statuses.size !== 1 || !statuses.has(200)) process.exitCode = 1;
}

await main();
