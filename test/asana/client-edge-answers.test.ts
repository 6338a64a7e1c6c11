import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsanaError } from '../../src/asana/asana-error.js';
import { createAsanaClient, type AsanaClient, type AsanaClientOptions } from '../../src/asana/client.js';
import { paginate } from '../../src/asana/paginate.js';
import { RateLimiter } from '../../src/asana/rate-limiter.js';
import { startSimulatorAndClient } from './fixtures/simulator-client.js';

/**
 * Asana's answers at the edges (issue 9 item 8): answers the simulator cannot give (redirects, bodies without
 * `data`, endless or oversized bodies, a looping offset) come from a small node:http server in each test.
 */
const WORKSPACE = '1000000000000001';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function startServerAndClient(
  t: { teardown(fn: () => unknown): void },
  handler: Handler,
  options: Partial<Omit<AsanaClientOptions, 'baseUrl' | 'token' | 'limiter'>> = {},
): Promise<AsanaClient> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = createAsanaClient({
    baseUrl: `http://127.0.0.1:${port}/api/1.0`,
    token: 'edge-token',
    limiter: new RateLimiter({ requestsPerMinute: 1500 }),
    retryBudgetMs: 0,
    random: () => 0,
    ...options,
  });
  t.teardown(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return client;
}

async function failureOf(promise: Promise<unknown>): Promise<AsanaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AsanaError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** Fails the test instead of hanging when `promise` has not settled after `ms` (a wide margin, not a timing). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('a redirect or a 2xx without {data} is an unknown outcome (retryable), never a refusal', async (t) => {
  const cases: { name: string; status: number; headers?: Record<string, string>; body: string }[] = [
    { name: '302 to a login page', status: 302, headers: { location: 'https://login.example.com/' }, body: '' },
    { name: '301 to another base URL', status: 301, headers: { location: 'https://app.asana.com/api/1.0' }, body: '' },
    { name: '200 with an HTML page', status: 200, headers: { 'content-type': 'text/html' }, body: '<html></html>' },
    { name: '200 with JSON but no data', status: 200, body: '{"ok":true}' },
    { name: '200 with an empty body', status: 200, body: '' },
    { name: '204 No Content', status: 204, body: '' },
  ];
  for (const { name, status, headers, body } of cases) {
    const client = await startServerAndClient(t, (_request, response) => {
      response.writeHead(status, headers).end(body);
    });
    const error = await failureOf(client.addUserForWorkspace(WORKSPACE, 'grace@example.com'));
    t.equal(error.status, status, name);
    t.equal(error.retryable, true, `${name}: retryable`);
    t.equal(error.permanent, false, `${name}: not a refusal`);
  }
});

t.test('a 4xx is still a refusal and a 5xx still retryable', async (t) => {
  for (const [status, retryable] of [
    [400, false],
    [403, false],
    [404, false],
    [503, true],
  ] as const) {
    const client = await startServerAndClient(t, (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no"}]}');
    });
    const error = await failureOf(client.getUser('me'));
    t.same({ status: error.status, retryable: error.retryable }, { status, retryable }, String(status));
  }
});

t.test('a body over maxResponseBytes is not read: retryable, and the connection is closed', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const total = 32 * 1024 * 1024;
  let resolveClosed: (finished: boolean) => void = () => {};
  const serverSawClose = new Promise<boolean>((resolve) => (resolveClosed = resolve));
  const client = await startServerAndClient(
    t,
    (_request, response) => {
      response.on('close', () => resolveClosed(response.writableFinished));
      // No content-length: the client only learns the size by reading. Written with backpressure.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":"');
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end('"}');
      };
      pump();
    },
    { maxResponseBytes: 1024 * 1024 },
  );
  const error = await within(20_000, failureOf(client.getUser('me')));
  t.equal(error.status, 200);
  t.equal(error.retryable, true);
  t.equal(await within(20_000, serverSawClose), false, 'the server could not finish writing: the socket was closed');
});

t.test('a declared content-length over maxResponseBytes is refused without reading', async (t) => {
  const client = await startServerAndClient(
    t,
    (_request, response) => {
      const body = JSON.stringify({ data: { gid: '1', padding: 'x'.repeat(4096) } });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    { maxResponseBytes: 1024 },
  );
  const error = await failureOf(client.getUser('me'));
  t.same({ status: error.status, retryable: error.retryable }, { status: 200, retryable: true });
});

t.test('a body that trickles in forever ends at the request timeout, not only at an idle gap', async (t) => {
  const client = await startServerAndClient(
    t,
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":"');
      const timer = setInterval(() => response.write('x'), 50);
      response.on('close', () => clearInterval(timer));
    },
    { requestTimeoutMs: 500 },
  );
  const error = await within(20_000, failureOf(client.getUser('me')));
  t.same({ status: error.status, retryable: error.retryable }, { status: 0, retryable: true });
});

t.test('an hours-long Retry-After is capped: the call is deferred, the token pauses only maxPauseMs', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, {
    simulator: { seedUsers: 1 },
    limiter: { maxPauseMs: 200 },
    client: { retryBudgetMs: 1000 },
  });
  const gid = sim.users()[0]!.gid;
  sim.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 36_000 } });
  const limited = await within(20_000, failureOf(client.getUser(gid)));
  t.equal(limited.status, 429);
  t.equal(limited.retryAfterMs, 5 * 60_000, 'ten hours read as five minutes: the caller defers that item');
  // The same token's next call goes out after the capped pause, not ten hours later.
  t.equal((await within(20_000, client.getUser(gid))).gid, gid);
  t.same(
    sim.requests().map((request) => request.status),
    [429, 200],
  );
});

t.test('paging stops with a retryable error when the server repeats an offset', async (t) => {
  let served = 0;
  const client = await startServerAndClient(t, (request, response) => {
    served += 1;
    // Page two points back at page one's offset: an endless walk.
    const offset = new URL(request.url ?? '/', 'http://x').searchParams.get('offset') === 'b' ? 'a' : 'b';
    const body = { data: [{ gid: String(served) }], next_page: { offset, path: `/users?offset=${offset}`, uri: 'x' } };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const seen: string[] = [];
  const walk = async (): Promise<void> => {
    for await (const user of paginate((offset) => client.getUsers({ workspace: WORKSPACE, limit: 1, offset }))) {
      seen.push(user.gid);
      if (seen.length > 50) throw new Error('paged on and on');
    }
  };
  const error = await failureOf(walk());
  t.equal(error.retryable, true);
  t.same(seen, ['1', '2', '3'], 'offsets b, a, then b again: stopped before fetching a twice');
});
