/**
 * Issue 15, item 3: while one client sends the worst requests it can, /healthz and another client's
 * GET /Users/{id} answer within 100 ms at the 99th percentile. Loopback only, with a bounded load.
 *
 * Three processes, so that the test measures how the bridge orders its own work and not how busy the machine is:
 * - the bridge (src/main.ts with its default limits, two tokens, its database on disk);
 * - the attacker (test/helpers/worst-requests.ts) under `nice -n 19`: two kept-alive connections, each sending
 *   its next request when its last is answered — 16 KB paths of "/" without a token, bodies at the body limit,
 *   filters at the comparison cap, pages at the page cap, a user's addresses at the value cap;
 * - the measuring client, this process, which polls every POLL_EVERY_MS until it has POLLS answers, so that the
 *   99th percentile is the sixth slowest answer, not the slowest.
 * Where the test may (root or CAP_SYS_NICE, as on the team's machine), the bridge and this process run in the
 * real-time class (`chrt -f 1`), so that other programs on a shared two-core machine (another test file, other
 * engineers' suites: load averages of 10–17 were seen) do not stand between a request and the bridge: without
 * it, polls of an idle bridge alone had a p99 of 36–53 ms and a maximum of 150–200 ms at load 13. The attacker
 * stays in the ordinary class; the bridge still has to share its event loop with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { startBridgeProcess } from '../helpers/bridge-process.js';
import { TEST_TOKEN, userBody } from '../helpers/harness.js';
import type { AttackerReport } from '../helpers/worst-requests.js';

const OTHER_TOKEN = 'fairness-other-client-token-0123456789';
const ATTACKERS = 2;
const POLLS = 600;
const POLL_EVERY_MS = 10;
const P99_BOUND_MS = 100;
/** The attack must have been one: every kind of worst request, many times over. */
const MIN_ATTACKS = 120;
const USERS = 50;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** CPU milliseconds a process has used (utime + stime of /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Moves every thread of `pid` into the real-time class (true) or back to the ordinary one; false when refused. */
function realTime(pid: number, on: boolean): boolean {
  const args = on ? ['-a', '-f', '-p', '1', String(pid)] : ['-a', '-o', '-p', '0', String(pid)];
  return spawnSync('chrt', args, { stdio: 'ignore' }).status === 0;
}

t.test('the worst requests of one client do not hold up /healthz and another client\'s reads', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-fairness-'));
  const simulator = await startAsanaSimulator();
  const bridge = await startBridgeProcess(simulator, join(dir, 'bridge.db'), { SCIM_TOKEN: `${TEST_TOKEN},${OTHER_TOKEN}` });
  t.teardown(async () => {
    await bridge.kill();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const created = await bridge.request('POST', '/Users', userBody(`user${i}@example.com`));
    if (created.status !== 201) throw new Error(`seeding user ${i}: ${created.status}`);
    ids.push(created.body.id);
  }
  const origin = new URL(bridge.base).origin;
  const bridgePid = bridge.child.pid!;
  const isolated = realTime(bridgePid, true) && realTime(process.pid, true);
  t.teardown(() => {
    realTime(process.pid, false);
  });

  const attacker = spawn('nice', ['-n', '19', process.execPath, '--import', 'tsx', 'test/helpers/worst-requests.ts'], {
    env: { ...process.env, ORIGIN: origin, TOKEN: TEST_TOKEN, USER_ID: ids[0]!, CONNECTIONS: String(ATTACKERS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => {
    attacker.kill('SIGKILL');
  });
  const lines = createInterface({ input: attacker.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`the attacker exited (${attacker.exitCode ?? attacker.signalCode})`);
    return line.value;
  };
  // Starting a process under a TypeScript loader takes seconds on a busy machine: measure once it is attacking.
  t.equal(await nextLine(), 'attacking', 'the attacker has sent every kind of request');

  const latencies: number[] = [];
  const statuses = new Set<number>();
  const bridgeCpuBefore = cpuMs(bridgePid);
  const started = performance.now();
  for (let n = 0; n < POLLS; n++) {
    const url = n % 2 === 0 ? `${origin}/healthz` : `${bridge.base}/Users/${ids[n % ids.length]}`;
    const sent = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } });
    await response.arrayBuffer();
    latencies.push(performance.now() - sent);
    statuses.add(response.status);
    await sleep(POLL_EVERY_MS);
  }
  const seconds = (performance.now() - started) / 1000;
  const bridgeCpu = (cpuMs(bridgePid) - bridgeCpuBefore) / 1000 / seconds;
  attacker.stdin.end();
  const report = JSON.parse(await nextLine()) as AttackerReport;

  const p99 = percentile(latencies, 99);
  t.comment(
    `fairness figures: load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; bridge and poller ` +
      `${isolated ? 'real-time (chrt -f 1)' : 'in the ordinary class (chrt refused)'}; ${report.attacks} attacking ` +
      `requests (statuses ${report.statuses.join(', ')}; median by kind ${report.medianMs.map((ms) => ms.toFixed(0)).join(' / ')} ms); ` +
      `bridge CPU ${(bridgeCpu * 100).toFixed(0)} % of a core over ${seconds.toFixed(1)} s; ${latencies.length} polls, ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
  );
  t.same([...statuses], [200], 'every poll was answered 200');
  t.ok(report.attacks >= MIN_ATTACKS, `the attacker sent ${report.attacks} requests (at least ${MIN_ATTACKS})`);
  t.ok(p99 <= P99_BOUND_MS, `p99 ${p99.toFixed(1)} ms is within ${P99_BOUND_MS} ms`);
});
