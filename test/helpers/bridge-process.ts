import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '../asana/fixtures/simulator-client.js';
import type { AsanaSimulator } from '../../src/asana-simulator/index.js';

/** The real bridge as a separate process (src/main.ts through tsx), for crash tests. */
export interface BridgeProcess {
  readonly base: string;
  /** The SCIM token it accepts (the first of env.SCIM_TOKEN when given). */
  readonly token: string;
  readonly child: ChildProcess;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  /** SIGKILL: no drain, no cleanup — what a crash or an OOM kill does. */
  kill(): Promise<void>;
}

/** `database`: a SQLite file's path, or a database URL (`file:…`, `postgres://…`) as DATABASE_URL takes it. */
export async function startBridgeProcess(
  simulator: AsanaSimulator,
  database: string,
  env: Record<string, string> = {},
): Promise<BridgeProcess> {
  // freePort closes its probe socket before the child binds, so a parallel test can take the port in between:
  // a child that exits before it is ready is started again on another port, and a token of its own tells its
  // answers from those of another test's server that took the port.
  const token = env['SCIM_TOKEN']?.split(',')[0] ?? randomBytes(16).toString('hex');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        SCIM_TOKEN: token,
        ASANA_BASE_URL: simulator.url,
        ASANA_TOKEN: simulator.token,
        ASANA_WORKSPACE_GID: simulator.workspaceGid,
        DATABASE_URL: /^[a-z][a-z0-9+.-]*:/i.test(database) ? database : `file:${database}`,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const origin = `http://127.0.0.1:${port}`;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await becomesReady(child, origin, token)) return handle(origin, token, child, exited);
    if (attempt === 3) throw new Error(`bridge exited with ${child.exitCode}`);
  }
}

/** Polls until the child answers ready and knows its token (true), or exits (false). */
async function becomesReady(child: ChildProcess, origin: string, token: string): Promise<boolean> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const ready = (await fetch(`${origin}/readyz`)).ok;
      const own = ready && (await fetch(`${origin}/scim/v2/ServiceProviderConfig`, { headers: { authorization: `Bearer ${token}` } })).ok;
      if (own) return true;
    } catch {
      if (i > 300) throw new Error('bridge did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function handle(origin: string, token: string, child: ChildProcess, exited: Promise<void>): BridgeProcess {
  return {
    base: `${origin}/scim/v2`,
    token,
    child,
    async request(method, path, body) {
      const response = await fetch(`${origin}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
