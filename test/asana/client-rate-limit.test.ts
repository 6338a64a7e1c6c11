import t from 'tap';
import type { LoggedRequest } from '../../src/asana-simulator/index.js';
import { createAsanaClient } from '../../src/asana/client.js';
import { startSimulatorAndClient } from './fixtures/simulator-client.js';

/** The most requests the log shows starting within any `windowMs` span (startedAt is whole milliseconds). */
function mostStartsInAnyWindow(requests: readonly LoggedRequest[], windowMs: number): number {
  const starts = requests.map((request) => request.startedAt).sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < starts.length; to += 1) {
    while (starts[to]! - starts[from]! >= windowMs) from += 1;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/** The most requests the simulator was handling at once, by method kind. */
function mostInFlight(requests: readonly LoggedRequest[], reads: boolean): number {
  const events = requests
    .filter((request) => (request.method === 'GET') === reads)
    .flatMap((request) => [
      { at: request.startedAt, delta: 1 },
      { at: request.endedAt, delta: -1 },
    ])
    // At equal times count the end first: whole-millisecond stamps make back-to-back requests touch.
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const { delta } of events) {
    current += delta;
    most = Math.max(most, current);
  }
  return most;
}

t.test('200 concurrent calls from two clients sharing one limiter never draw a 429 from the rolling window', async (t) => {
  const limit = { perWindow: 20, windowMs: 1_000 };
  const { sim, client, limiter } = await startSimulatorAndClient(t, {
    simulator: { seedUsers: 5, rateLimitPerMinute: limit.perWindow, rateWindowMs: limit.windowMs },
    limiter: { requestsPerMinute: limit.perWindow, windowMs: limit.windowMs },
  });
  const other = createAsanaClient({ baseUrl: sim.url, token: sim.token, limiter });
  t.teardown(() => other.close());
  const gids = sim.users().map((user) => user.gid);

  const users = await Promise.all(
    Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? client : other).getUser(gids[index % gids.length]!)),
  );

  t.equal(users.length, 200);
  const requests = sim.requests();
  t.equal(requests.length, 200, 'no call needed a retry');
  t.same(requests.filter((request) => request.status !== 200), [], 'no 429');
  t.ok(mostStartsInAnyWindow(requests, limit.windowMs) <= limit.perWindow, 'at most 20 starts in any 1,000 ms');
});

t.test('concurrent reads and writes stay within Asana\'s concurrency pools', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, {
    simulator: { seedUsers: 1, faults: { latencyMs: 40 } },
  });
  const workspace = sim.workspaceGid;
  const gid = sim.users()[0]!.gid;

  await Promise.all([
    ...Array.from({ length: 120 }, () => client.getUser(gid)),
    ...Array.from({ length: 45 }, (_, index) => client.addUserForWorkspace(workspace, `person${index}@example.com`)),
  ]);

  const requests = sim.requests();
  t.equal(requests.length, 165, 'no call needed a retry');
  t.same(requests.filter((request) => request.status !== 200), [], 'no 429');
  t.ok(mostInFlight(requests, true) <= 50, 'at most 50 GETs in flight');
  t.ok(mostInFlight(requests, false) <= 15, 'at most 15 writes in flight');
});
