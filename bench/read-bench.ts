/**
 * Issue 3's read benchmark: GET /Users?filter=userName eq "…" and a page of 100 at startIndex=9901, with 10,000
 * users in the store, 32 connections. The server under test runs as its own process pinned to CPU 0, autocannon
 * as its own process pinned to CPU 1; this orchestrator only seeds, starts, samples VmRSS and prints.
 *
 *   npm run bench:read -- [--duration 20] [--warmup 5] [--runs 3] [--connections 32] [--quiet-wait 120] [--profile]
 *                          [--postgres]
 *
 * Each scenario gets one warm-up run and then --runs measured runs, each started once both cores have been idle
 * for a second (waiting at most --quiet-wait seconds: the machine may be shared); the best run is reported with
 * the CPU the server actually got. --profile also runs the filter query under `node --cpu-prof` and prints where
 * the server's CPU time went in the measured run (start-up and warm-up left out): the filter query at both log
 * levels and the page at warn. --postgres also measures the bridge on PostgreSQL (Debian's package, a fresh cluster
 * pinned to the server's core, as SQLite runs inside the server process) with the same 10,000 users, at warn.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cpuBetween, cpuSnapshot, waitForQuietCores, type CpuUse } from './cpu-usage.js';
import { describeMachine } from './describe-machine.js';
import { runAutocannon, type LoadResult } from './run-autocannon.js';
import { seedUsers } from './seed-users.js';
import { BENCH_TOKEN } from './scim-client.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { formatProfileSummary, summarizeCpuProfile } from './summarize-cpu-profile.js';
import { startPostgresServer } from '../test/helpers/postgres.js';

const USER_COUNT = 10_000;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const FILTER_PATH = `/scim/v2/Users?filter=${encodeURIComponent('userName eq "user5000@example.com"')}`;
const PAGE_PATH = '/scim/v2/Users?startIndex=9901&count=100';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'quiet-wait': { type: 'string', default: '120' },
    profile: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
  },
});
const durationSeconds = Number(args.duration);
const warmupSeconds = Number(args.warmup);
const runs = Number(args.runs);
const connections = Number(args.connections);
const quietWaitMs = Number(args['quiet-wait']) * 1000;
const headers = { authorization: `Bearer ${BENCH_TOKEN}` };

interface Row {
  readonly label: string;
  readonly load: LoadResult;
  readonly rssBeforeMiB: number;
  readonly rssPeakMiB: number;
  readonly rssAfterMiB: number;
  readonly logBytesPerRequest: number;
  readonly cpu: CpuUse;
  /** performance.now() when the measured run began. */
  readonly startedAt: number;
}

/** The answer must be the one the benchmark claims to measure before it is measured 100,000 times. */
async function checkAnswer(server: ServerProcess, path: string, expected: (body: Record<string, unknown>) => boolean) {
  const response = await fetch(`${server.origin}${path}`, { headers });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || !expected(body)) throw new Error(`unexpected answer to ${path}: ${response.status}`);
}

/**
 * Warm-up run (discarded), then the measured runs. VmRSS is read before the warm-up, every 100 ms during the
 * measured runs (peak) and 1 s after the last one; the best run by req/s is kept.
 */
async function measure(server: ServerProcess, label: string, path: string, count = runs): Promise<Row> {
  const url = `${server.origin}${path}`;
  const rssBeforeMiB = server.rssMiB();
  await runAutocannon({ url, connections, durationSeconds: warmupSeconds, core: LOAD_CORE, headers });
  let best: Omit<Row, 'rssBeforeMiB' | 'rssPeakMiB' | 'rssAfterMiB'> | undefined;
  let rssPeakMiB = rssBeforeMiB;
  const sampler = setInterval(() => {
    rssPeakMiB = Math.max(rssPeakMiB, server.rssMiB());
  }, 100);
  try {
    for (let run = 1; run <= count; run++) {
      await sleep(500);
      if (quietWaitMs > 0) await waitForQuietCores(0.1, quietWaitMs);
      const startedAt = performance.now();
      const logBefore = server.logBytes();
      const cpuBefore = cpuSnapshot(server.pid);
      const load = await runAutocannon({ url, connections, durationSeconds, core: LOAD_CORE, headers });
      const cpu = cpuBetween(cpuBefore, cpuSnapshot(server.pid), SERVER_CORE);
      if (load.failures > 0) throw new Error(`${label}: ${load.failures} failed requests`);
      const result = { label, load, cpu, startedAt, logBytesPerRequest: (server.logBytes() - logBefore) / load.total };
      process.stdout.write(
        `  ${label}, run ${run}: ${load.requestsPerSecond.toFixed(0)} req/s, p99 ${load.latencyP99Ms} ms, ` +
          `server CPU ${(cpu.process * 100).toFixed(0)}%, ${perCpuSecond(result).toFixed(0)} req per server CPU-second, ` +
          `core busy ${[...cpu.coreBusy.values()].map((b) => `${(b * 100).toFixed(0)}%`).join(' / ')}\n`,
      );
      if (run === 1) process.stdout.write(`    ${load.command}\n`);
      if (!best || load.requestsPerSecond > best.load.requestsPerSecond) best = result;
    }
  } finally {
    clearInterval(sampler);
  }
  if (!best) throw new Error('no measured run');
  await sleep(1000);
  return { ...best, rssBeforeMiB, rssPeakMiB, rssAfterMiB: server.rssMiB() };
}

/** Requests per second of server CPU: what one uncontended core would serve if the server is CPU-bound. */
function perCpuSecond(row: Pick<Row, 'load' | 'cpu'>): number {
  return row.cpu.processSeconds > 0 ? row.load.total / row.cpu.processSeconds : 0;
}

/** `databasePath` is a SQLite file, or a postgres://… URL. */
function bridgeEnv(databasePath: string, logLevel: string): Record<string, string> {
  const url = databasePath.startsWith('postgres') ? databasePath : `file:${databasePath}`;
  // The per-token inbound limit (1,500/min by default) would otherwise be what is measured.
  return { SCIM_TOKEN: BENCH_TOKEN, DATABASE_URL: url, LOG_LEVEL: logLevel, SCIM_RATE_LIMIT_PER_MINUTE: '1000000000' };
}

async function benchBridge(databasePath: string, logLevel: string, engine = ''): Promise<Row[]> {
  const server = await startServerProcess({ script: 'bench/serve.ts', core: SERVER_CORE, env: bridgeEnv(databasePath, logLevel) });
  process.stdout.write(`server: ${server.command}\n`);
  try {
    await checkAnswer(server, FILTER_PATH, (b) => b['totalResults'] === 1);
    await checkAnswer(server, PAGE_PATH, (b) => b['totalResults'] === USER_COUNT && (b['Resources'] as unknown[]).length === 100);
    return [
      await measure(server, `bridge${engine}, filter, LOG_LEVEL=${logLevel}`, FILTER_PATH),
      await measure(server, `bridge${engine}, page of 100, LOG_LEVEL=${logLevel}`, PAGE_PATH),
    ];
  } finally {
    await server.stop();
  }
}

async function benchBare(): Promise<Row> {
  const server = await startServerProcess({ script: 'bench/bare-server.ts', core: SERVER_CORE, env: {} });
  process.stdout.write(`server: ${server.command}\n`);
  try {
    return await measure(server, 'bare node:http, constant body', '/');
  } finally {
    await server.stop();
  }
}

function table(rows: readonly Row[]): string {
  const head =
    '| Scenario | req/s | p50 ms | p99 ms | max ms | server CPU | req per server CPU-s | other load on server core | ' +
    'bytes/response | RSS before / peak / after MiB | log bytes/request |';
  const lines = rows.map((r) => {
    const coreBusy = r.cpu.coreBusy.get(SERVER_CORE) ?? 0;
    return [
      r.label,
      r.load.requestsPerSecond.toFixed(0),
      r.load.latencyP50Ms,
      r.load.latencyP99Ms,
      r.load.latencyMaxMs,
      `${(r.cpu.process * 100).toFixed(0)}%`,
      perCpuSecond(r).toFixed(0),
      `${(Math.max(0, coreBusy - r.cpu.process) * 100).toFixed(0)}%`,
      r.load.bytesPerResponse,
      `${r.rssBeforeMiB.toFixed(0)} / ${r.rssPeakMiB.toFixed(0)} / ${r.rssAfterMiB.toFixed(0)}`,
      r.logBytesPerRequest.toFixed(0),
    ].join(' | ');
  });
  return [head, `|${' --- |'.repeat(11)}`, ...lines.map((l) => `| ${l} |`)].join('\n');
}

/** One query once more under `node --cpu-prof`; V8 writes one profile per thread, the main one is tid 0. */
async function profileBridge(databasePath: string, logLevel: string, label: string, path: string): Promise<void> {
  const profileDir = join(dir, `profile-${logLevel}-${label.replaceAll(' ', '-')}`);
  const spawnedAt = performance.now();
  const server = await startServerProcess({
    script: 'bench/serve.ts',
    core: SERVER_CORE,
    env: bridgeEnv(databasePath, logLevel),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  process.stdout.write(`\nserver: ${server.command}\n`);
  let row: Row;
  try {
    row = await measure(server, `profiled bridge, ${label}, LOG_LEVEL=${logLevel}`, path, 1);
  } finally {
    await server.stop();
  }
  const file = readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) throw new Error('no profile written');
  const summary = summarizeCpuProfile(join(profileDir, file), { skipMs: row.startedAt - spawnedAt });
  process.stdout.write(`${formatProfileSummary(summary)}\n`);
}

/** The same users on a fresh PostgreSQL cluster pinned to the server's core; the bridge on it at warn. */
async function benchPostgres(): Promise<Row[]> {
  const postgres = await startPostgresServer({ cpus: String(SERVER_CORE) });
  try {
    const url = await postgres.createDatabase();
    const seedStart = performance.now();
    await seedUsers(
      url,
      Array.from({ length: USER_COUNT }, (_, i) => ({ email: `user${i + 1}@example.com`, asanaGid: String(1_200_000_000_000_000 + i) })),
    );
    process.stdout.write(`seeded ${USER_COUNT} users on PostgreSQL in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
    return await benchBridge(url, 'warn', ' on PostgreSQL');
  } finally {
    postgres.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-read-bench-'));
try {
  process.stdout.write(`${describeMachine()}\n`);
  const databasePath = join(dir, 'bridge.db');
  const seedStart = performance.now();
  await seedUsers(
    databasePath,
    Array.from({ length: USER_COUNT }, (_, i) => ({ email: `user${i + 1}@example.com`, asanaGid: String(1_200_000_000_000_000 + i) })),
  );
  process.stdout.write(`seeded ${USER_COUNT} users in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
  const rows = [await benchBare(), ...(await benchBridge(databasePath, 'warn')), ...(await benchBridge(databasePath, 'info'))];
  if (args.postgres) rows.push(...(await benchPostgres()));
  process.stdout.write(
    `\n${connections} connections, ${warmupSeconds} s warm-up, best of ${runs} × ${durationSeconds} s\n${table(rows)}\n`,
  );

  if (args.profile) {
    await profileBridge(databasePath, 'warn', 'filter', FILTER_PATH);
    await profileBridge(databasePath, 'info', 'filter', FILTER_PATH);
    await profileBridge(databasePath, 'warn', 'page of 100', PAGE_PATH);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
