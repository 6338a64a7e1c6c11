import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcessOptions {
  /** A bench/ entry point, e.g. 'bench/serve.ts'. */
  readonly script: string;
  /** The CPU the server is pinned to (taskset -c). */
  readonly core: number;
  readonly env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

export interface ServerProcess {
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The command line, as it would be typed in a shell. */
  readonly command: string;
  /** Bytes the server wrote to stdout (its log) so far. */
  logBytes(): number;
  /** VmRSS of the server process, in MiB. */
  rssMiB(): number;
  /** SIGTERM, then waits for the exit (and so for a --cpu-prof profile to be written). */
  stop(): Promise<void>;
}

/** A port that was free a moment ago: the server is a separate process, so it cannot simply listen on 0 for us. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

export function vmRssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * Starts a server entry as its own process pinned to one core (taskset execs node, so the pid is node's) and
 * resolves once GET /healthz answers, or for the bare server once anything answers. Its stdout is drained and
 * counted here, as a log shipper (Docker, journald) would drain it in production.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const args = ['-c', String(options.core), process.execPath, ...(options.nodeArgs ?? []), '--import', 'tsx', options.script];
  const env = { PORT: String(port), HOST: '127.0.0.1', ...options.env };
  const child = spawn('taskset', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.script}`);
  const origin = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}`);
    try {
      await fetch(`${origin}/healthz`);
      break;
    } catch (error) {
      if (tries > 300) throw error;
      await sleep(50);
    }
  }
  const shown = Object.entries(env)
    .filter(([key]) => key !== 'PORT' && key !== 'HOST')
    .map(([key, value]) => `${key}=${value}`);
  return {
    pid,
    origin,
    command: [...shown, 'taskset', ...args.map((a) => (a === process.execPath ? 'node' : a))].join(' '),
    logBytes: () => bytes,
    rssMiB: () => vmRssMiB(pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
