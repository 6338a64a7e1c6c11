import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** The CPU the load generator is pinned to (taskset -c). */
  readonly core: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  /** The command line, as it would be typed in a shell (the bearer token shown as $TOKEN). */
  readonly command: string;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  readonly total: number;
  /** Non-2xx answers plus connection errors and timeouts: any of them makes the run worthless. */
  readonly failures: number;
  readonly bytesPerResponse: number;
}

/** The part of autocannon's --json report we read. */
interface AutocannonReport {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  throughput: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** Runs the autocannon CLI as its own process pinned to `core`, and reads its JSON report. */
export async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([key, value]) => ['-H', `${key}=${value}`]);
  const args = [
    '-c',
    String(options.core),
    process.execPath,
    autocannonBin,
    '-c',
    String(options.connections),
    '-d',
    String(options.durationSeconds),
    '-j',
    ...headerArgs,
    options.url,
  ];
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  const report = JSON.parse(output) as AutocannonReport;
  const shown = args.map((a) =>
    a === process.execPath
      ? 'node'
      : a === autocannonBin
        ? 'node_modules/autocannon/autocannon.js'
        : quote(a.replace(/^authorization=Bearer .+$/, 'authorization=Bearer $TOKEN')),
  );
  return {
    command: ['taskset', ...shown].join(' '),
    requestsPerSecond: report.requests.average,
    latencyP50Ms: report.latency.p50,
    latencyP99Ms: report.latency.p99,
    latencyMaxMs: report.latency.max,
    total: report.requests.total,
    failures: report.non2xx + report.errors + report.timeouts,
    bytesPerResponse: report.requests.total > 0 ? Math.round(report.throughput.total / report.requests.total) : 0,
  };
}

/** Shell quoting for display; the token placeholder stays expandable. */
function quote(arg: string): string {
  if (/^[\w./:=-]+$/.test(arg)) return arg;
  if (arg.endsWith('$TOKEN')) return `"${arg}"`;
  return `'${arg.replaceAll("'", "'\\''")}'`;
}
