import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';

/** Debian's PostgreSQL (`apt-get install postgresql`, as .ci/run does); PG_BIN overrides. */
const BIN = process.env['PG_BIN'] ?? findDebianBin();

function findDebianBin(): string {
  for (const version of ['17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run), or set PG_BIN');
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres, the superuser's maintenance database. */
  readonly adminUrl: string;
  /** A new, empty database on the server; its URL. */
  createDatabase(): Promise<string>;
}

/**
 * A real PostgreSQL for one test file: a fresh cluster in a temporary directory, on a loopback port, stopped and
 * removed at the test's teardown.
 */
export async function startPostgres(t: Test): Promise<PostgresServer> {
  const server = await startPostgresServer();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.stop();
  };
  t.teardown(stop);
  // A test file that times out exits without its teardowns; the server must not outlive it.
  process.once('exit', stop);
  return server;
}

/**
 * A fresh PostgreSQL cluster in a temporary directory on a loopback port (also for bench/). PostgreSQL refuses to
 * run as root, so as root the server runs as the `postgres` user Debian's package creates. `cpus` pins the server
 * (and every backend it forks) to those cores, as `taskset -c` does.
 */
export async function startPostgresServer(options: { cpus?: string } = {}): Promise<PostgresServer & { stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(uid), Number(gid));
  }
  const run = (command: string, args: string[]) => {
    const line = [join(BIN, command), ...args];
    const pinned = options.cpus !== undefined ? ['taskset', '-c', options.cpus, ...line] : line;
    const [file, ...rest] = asRoot ? ['runuser', '-u', 'postgres', '--', ...pinned] : pinned;
    return execFileSync(file!, rest, { stdio: 'pipe' });
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  // fsync off: the cluster lives as long as the test; the store's durability is PostgreSQL's, not under test here.
  const settings = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', 'start']);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    adminUrl,
    async createDatabase() {
      const name = `test_${++databases}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Asks the kernel for a free loopback port (PostgreSQL cannot be told to take port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

