/**
 * Issue 15's reads at scale, each next to bare node:http measured in the same run:
 *
 * 1. With --users (100,000) users, after a warm-up of 200 requests: a page of 100 at the first, middle and last
 *    startIndex, `--samples` requests each on one connection (p50/p99); a `userName eq` lookup of users never asked for before (uncached) and of
 *    one user asked again and again (cached); the server's VmRSS after seeding and after walking every page.
 * 2. With 10,000 users: the filter lookup under autocannon (32 connections), alternating bare node:http and the
 *    bridge (--rounds pairs), because this machine's speed drifts within a minute; each pair gives a ratio.
 *
 *   npm run bench:scale -- [--users 100000] [--samples 300] [--rounds 3] [--duration 10] [--filter-only] [--profile]
 *
 * Each alternating run also gives requests per server CPU-second (/proc/<pid>/stat), bare's and the bridge's:
 * what one uncontended core would serve, the steadier figure on a shared machine. --filter-only skips part 1;
 * --profile runs the bridge of part 2 under `node --cpu-prof` and prints where its CPU went.
 *
 * The server under test is pinned to CPU 0, this orchestrator and autocannon to CPU 1 (bench/read-bench.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { cpuBetween, cpuSnapshot } from './cpu-usage.js';
import { describeMachine } from './describe-machine.js';
import { runAutocannon } from './run-autocannon.js';
import { seedUsers } from './seed-users.js';
import { BENCH_TOKEN } from './scim-client.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { formatProfileSummary, summarizeCpuProfile } from './summarize-cpu-profile.js';

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const headers = { authorization: `Bearer ${BENCH_TOKEN}` };

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    'filter-only': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const userCount = Number(args.users);
const samples = Number(args.samples);
const rounds = Number(args.rounds);
const durationSeconds = Number(args.duration);

const email = (n: number) => `user${n}@example.com`;
const filterPath = (n: number) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${email(n)}"`)}`;

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

/** `paths` in order, one request at a time on one kept-alive connection; every answer must be 200. */
async function sequential(origin: string, paths: readonly string[]): Promise<Latency> {
  const pool = new Pool(origin, { connections: 1, pipelining: 1 });
  const times: number[] = [];
  const started = performance.now();
  try {
    for (const path of paths) {
      const at = performance.now();
      const response = await pool.request({ method: 'GET', path, headers });
      await response.body.arrayBuffer();
      times.push(performance.now() - at);
      if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode}`);
    }
  } finally {
    await pool.close();
  }
  const elapsed = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), perSecond: (paths.length / elapsed) * 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const show = (l: Latency) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ${l.perSecond.toFixed(0)} req/s`;

function bridgeEnv(databasePath: string): Record<string, string> {
  return { SCIM_TOKEN: BENCH_TOKEN, DATABASE_URL: `file:${databasePath}`, LOG_LEVEL: 'warn', SCIM_RATE_LIMIT_PER_MINUTE: '1000000000' };
}

async function seed(databasePath: string, count: number): Promise<void> {
  const started = performance.now();
  await seedUsers(
    databasePath,
    Array.from({ length: count }, (_, i) => ({ email: email(i + 1), asanaGid: String(1_200_000_000_000_000 + i) })),
  );
  process.stdout.write(`seeded ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

async function atScale(dir: string, bare: ServerProcess): Promise<void> {
  const databasePath = join(dir, 'scale.db');
  await seed(databasePath, userCount);
  const bridge = await startServerProcess({ script: 'bench/serve.ts', core: SERVER_CORE, env: bridgeEnv(databasePath) });
  process.stdout.write(`server: ${bridge.command}\n`);
  try {
    process.stdout.write(`RSS after start on ${userCount} users: ${bridge.rssMiB().toFixed(0)} MiB\n`);
    process.stdout.write(`bare node:http, one connection: ${show(await sequential(bare.origin, Array(samples).fill('/')))}\n`);
    // The steady state is measured: a warm-up compiles the read path and reads the creation order once (about
    // 30 ms at 100,000 users, again only after a user is created or deleted).
    const warmUp = Array.from({ length: 100 }, (_, i) => `/scim/v2/Users?startIndex=${1 + Math.floor((i * userCount) / 100)}&count=100`);
    await sequential(bridge.origin, [...warmUp, ...warmUp.map((_, i) => filterPath(userCount - i))]);
    const depths = { first: 1, middle: Math.floor(userCount / 2) + 1, last: userCount - 99 };
    for (const [name, startIndex] of Object.entries(depths)) {
      const path = `/scim/v2/Users?startIndex=${startIndex}&count=100`;
      process.stdout.write(`page of 100, ${name} (startIndex=${startIndex}): ${show(await sequential(bridge.origin, Array(samples).fill(path)))}\n`);
    }
    // Users never asked for before, spread over the directory; then one user asked for again and again.
    const fresh = Array.from({ length: samples }, (_, i) => filterPath(1 + Math.floor((i * userCount) / samples)));
    process.stdout.write(`userName eq, uncached: ${show(await sequential(bridge.origin, fresh))}\n`);
    process.stdout.write(`userName eq, cached: ${show(await sequential(bridge.origin, Array(samples).fill(filterPath(7))))}\n`);
    const walk = Array.from({ length: Math.ceil(userCount / 100) }, (_, i) => `/scim/v2/Users?startIndex=${i * 100 + 1}&count=100`);
    const walked = await sequential(bridge.origin, walk);
    process.stdout.write(`full walk, ${walk.length} pages of 100: ${show(walked)}; RSS after: ${bridge.rssMiB().toFixed(0)} MiB\n`);
  } finally {
    await bridge.stop();
  }
}

async function alternating(dir: string, bare: ServerProcess): Promise<void> {
  const databasePath = join(dir, 'ten-thousand.db');
  await seed(databasePath, 10_000);
  const profileDir = join(dir, 'profile');
  const startedAt = performance.now();
  const bridge = await startServerProcess({
    script: 'bench/serve.ts',
    core: SERVER_CORE,
    env: bridgeEnv(databasePath),
    ...(args.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  process.stdout.write(`server: ${bridge.command}\n`);
  let warmedAt = startedAt;
  try {
    const load = async (server: ServerProcess, path: string, seconds: number) => {
      const before = cpuSnapshot(server.pid);
      const result = await runAutocannon({ url: `${server.origin}${path}`, connections: 32, durationSeconds: seconds, core: LOAD_CORE, headers });
      const cpu = cpuBetween(before, cpuSnapshot(server.pid), SERVER_CORE);
      return { ...result, perCpuSecond: (result.requestsPerSecond * seconds) / cpu.processSeconds };
    };
    await load(bridge, filterPath(5000), 3);
    await load(bare, '/', 3);
    warmedAt = performance.now();
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const p99s: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const b = await load(bare, '/', durationSeconds);
      const s = await load(bridge, filterPath(5000), durationSeconds);
      if (s.failures > 0 || b.failures > 0) throw new Error('failed requests');
      if (round === 1) process.stdout.write(`  ${b.command}\n  ${s.command}\n`);
      process.stdout.write(
        `round ${round}: load average ${loadavg()[0]?.toFixed(1)}; bare ${b.requestsPerSecond.toFixed(0)} req/s (p99 ${b.latencyP99Ms} ms, ` +
          `${b.perCpuSecond.toFixed(0)} per CPU-s), bridge filter ${s.requestsPerSecond.toFixed(0)} req/s (p99 ${s.latencyP99Ms} ms, ` +
          `${s.perCpuSecond.toFixed(0)} per CPU-s), ratio ${(s.requestsPerSecond / b.requestsPerSecond).toFixed(3)}, ` +
          `per CPU-s ${(s.perCpuSecond / b.perCpuSecond).toFixed(3)}\n`,
      );
      ratios.push(s.requestsPerSecond / b.requestsPerSecond);
      cpuRatios.push(s.perCpuSecond / b.perCpuSecond);
      p99s.push(s.latencyP99Ms);
    }
    // The machine's speed drifts between rounds: the median round is the figure, the range shows the drift.
    const summary = (values: number[], digits: number) =>
      `median ${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
    process.stdout.write(
      `over ${rounds} rounds: ratio ${summary(ratios, 3)}, per CPU-s ${summary(cpuRatios, 3)}, bridge p99 ms ${summary(p99s, 0)}\n`,
    );
  } finally {
    await bridge.stop();
  }
  if (args.profile) {
    const [file] = readdirSync(profileDir);
    if (file === undefined) throw new Error('no profile written');
    // Leave out start-up and the warm-up runs (the profile's clock starts with the process; the bare runs in
    // between are idle time for the bridge, which the summary does not count).
    const summary = summarizeCpuProfile(join(profileDir, file), { skipMs: warmedAt - startedAt });
    process.stdout.write(`${formatProfileSummary(summary)}\n`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-scale-bench-'));
try {
  process.stdout.write(`${describeMachine()}\n`);
  const bare = await startServerProcess({ script: 'bench/bare-server.ts', core: SERVER_CORE, env: {} });
  try {
    if (!args['filter-only']) await atScale(dir, bare);
    await alternating(dir, bare);
  } finally {
    await bare.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
