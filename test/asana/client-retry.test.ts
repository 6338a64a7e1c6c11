import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAsanaSimulator, type FaultOptions } from '../../src/asana-simulator/index.js';
import { AsanaError } from '../../src/asana/asana-error.js';
import { createAsanaClient, type AsanaClient } from '../../src/asana/client.js';
import { RateLimiter } from '../../src/asana/rate-limiter.js';
import { freePort, startSimulatorAndClient } from './fixtures/simulator-client.js';

const WORKSPACE = '1000000000000001';

type Outcome = { ok: true } | { ok: false; status: number; retryable: boolean };

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    if (!(error instanceof AsanaError)) throw error;
    return { ok: false, status: error.status, retryable: error.retryable };
  }
}

const cases: {
  name: string;
  faults: FaultOptions;
  call: (client: AsanaClient, seededGid: string) => Promise<unknown>;
  outcome: Outcome;
  statuses: number[];
  teams?: number;
}[] = [
  {
    name: 'a GET is retried through 5xx answers until it succeeds',
    faults: { failNext: { count: 2, status: 503 } },
    call: (client, gid) => client.getUser(gid),
    outcome: { ok: true },
    statuses: [503, 503, 200],
  },
  {
    name: 'an idempotent write is retried after a 500',
    faults: { failNext: { count: 1, status: 500 } },
    call: (client) => client.addUserForWorkspace(WORKSPACE, 'grace@example.com'),
    outcome: { ok: true },
    statuses: [500, 200],
  },
  {
    name: 'a GET is retried after a dropped connection',
    faults: { dropNext: 1 },
    call: (client, gid) => client.getUser(gid),
    outcome: { ok: true },
    statuses: [0, 200],
  },
  {
    name: 'createTeam is retried after a 429: Asana refused it before doing anything',
    faults: { failNext: { count: 1, status: 429, retryAfterSeconds: 1 } },
    call: (client) => client.createTeam({ name: 'Design', organization: WORKSPACE }),
    outcome: { ok: true },
    statuses: [429, 201],
    teams: 1,
  },
  {
    name: 'createTeam is not retried after a 500: the team may exist, a retry could duplicate it',
    faults: { failNext: { count: 1, status: 500 } },
    call: (client) => client.createTeam({ name: 'Design', organization: WORKSPACE }),
    outcome: { ok: false, status: 500, retryable: true },
    statuses: [500],
    teams: 0,
  },
  {
    name: 'createTeam is not retried after a dropped connection',
    faults: { dropNext: 1 },
    call: (client) => client.createTeam({ name: 'Design', organization: WORKSPACE }),
    outcome: { ok: false, status: 0, retryable: true },
    statuses: [0],
    teams: 0,
  },
];

for (const { name, faults, call, outcome, statuses, teams } of cases) {
  t.test(name, async (t) => {
    const { sim, client } = await startSimulatorAndClient(t, { simulator: { workspaceGid: WORKSPACE, seedUsers: 1 } });
    const seededGid = sim.users()[0]!.gid;
    sim.setFaults(faults);
    t.same(await outcomeOf(call(client, seededGid)), outcome);
    t.same(sim.requests().map((request) => request.status), statuses);
    if (teams !== undefined) t.equal(sim.teams().length, teams);
  });
}

t.test('a 429 is waited out and retried, and its Retry-After pauses every client sharing the limiter', async (t) => {
  let announceRetry = () => {};
  const retryAnnounced = new Promise<void>((resolve) => (announceRetry = resolve));
  // The client logs the retry right after the 429 has paused the limiter.
  const logger = { debug: () => {}, warn: () => announceRetry() };
  const { sim, client, limiter } = await startSimulatorAndClient(t, { simulator: { seedUsers: 1 }, client: { logger } });
  const other = createAsanaClient({ baseUrl: sim.url, token: sim.token, limiter });
  t.teardown(() => other.close());
  const gid = sim.users()[0]!.gid;
  sim.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1 } });

  const first = client.getUser(gid);
  await retryAnnounced;
  const second = other.getTeamsForWorkspace(sim.workspaceGid, { limit: 10 });
  await Promise.all([first, second]);

  const [limited, ...after] = sim.requests();
  t.equal(limited?.status, 429);
  t.same(after.map((request) => request.status), [200, 200], 'the limited call and the other one both went through');
  // The pause began when the 429 reached the client, which is after the simulator received that request (its
  // endedAt is stamped on 'close', which can come later). 5 ms of slack: the simulator stamps whole milliseconds
  // from Date.now(), the limiter measures with performance.now().
  for (const request of after) t.ok(request.startedAt >= limited!.startedAt + 1000 - 5, 'sent after the pause');
});

t.test('when the retry budget is spent, the last failure is thrown as a retryable AsanaError', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, {
    simulator: { seedUsers: 1 },
    client: { retryBudgetMs: 400, random: () => 0.5 },
  });
  sim.setFaults({ failNext: { count: 1000, status: 500 } });
  t.same(await outcomeOf(client.getUser(sim.users()[0]!.gid)), { ok: false, status: 500, retryable: true });
  t.ok(sim.requests().length > 1, 'it was retried before giving up');
});

t.test('a timeout is a retryable AsanaError with status 0', async (t) => {
  // undici checks its timeouts about twice a second, so the answer must be late by well over a second.
  const { sim, client } = await startSimulatorAndClient(t, {
    simulator: { seedUsers: 1, faults: { latencyMs: 3000 } },
    client: { requestTimeoutMs: 200, retryBudgetMs: 0 },
  });
  t.same(await outcomeOf(client.getUser(sim.users()[0]!.gid)), { ok: false, status: 0, retryable: true });
});

t.test('a refused connection is retried even for createTeam: nothing reached Asana', async (t) => {
  const port = await freePort();
  const limiter = new RateLimiter({ requestsPerMinute: 1500 });
  const client = createAsanaClient({
    baseUrl: `http://127.0.0.1:${port}/api/1.0`,
    token: 'simulator-token',
    limiter,
    retryBudgetMs: 10_000,
    random: () => 1,
  });
  t.teardown(() => client.close());

  const created = client.createTeam({ name: 'Ops', organization: WORKSPACE });
  await sleep(300); // the first attempts find nothing listening
  const sim = await startAsanaSimulator({ port, workspaceGid: WORKSPACE, token: 'simulator-token' });
  t.teardown(() => sim.close());

  t.ok((await created).gid);
  t.same(sim.teams().map((team) => team.name), ['Ops']);
  t.equal(sim.requests().length, 1);
});

t.test('a write that got no answer is retried only once it can no longer land after the retry', async (t) => {
  // Asana may still carry out a request the client stopped waiting for: here the first invitation is answered
  // 250 ms after it arrived, when the client gave up at 150 ms. Its retry must come after that, or the abandoned
  // call could land after the retry's answer and after the person's next call (docs/reliability.md, Ordering).
  const { sim, client } = await startSimulatorAndClient(t, {
    simulator: { workspaceGid: WORKSPACE },
    client: { requestTimeoutMs: 150, retryBudgetMs: 5_000 },
  });
  sim.setFaults({ latencyMs: 250 });
  const invite = client.addUserForWorkspace(WORKSPACE, 'late@example.com');
  await sleep(50);
  sim.clearFaults();
  await invite;
  const [abandoned, retry] = sim.requests();
  t.ok(abandoned && retry, 'two attempts');
  // The simulator carries the abandoned attempt out 250 ms after it arrived (its log ends it when the client left).
  const retryAfterMs = retry!.startedAt - abandoned!.startedAt;
  t.ok(retryAfterMs >= 250, `the retry, ${retryAfterMs} ms after the abandoned attempt, comes after it landed`);
});
