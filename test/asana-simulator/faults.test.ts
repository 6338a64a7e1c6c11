import t from 'tap';
import { startAsanaSimulator, type AsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

async function statuses(sim: AsanaSimulator, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i += 1) seen.push((await api(sim, 'GET', '/users/me')).status);
  return seen;
}

t.test('failNext: the next N requests fail with the status, then requests succeed', async (t) => {
  const cases = [
    { failNext: { count: 2, status: 503 }, retryAfter: null, phrase: false },
    { failNext: { count: 1, status: 500 }, retryAfter: null, phrase: true },
    { failNext: { count: 1, status: 429 }, retryAfter: '1', phrase: false },
    { failNext: { count: 2, status: 429, retryAfterSeconds: 7 }, retryAfter: '7', phrase: false },
    { failNext: { count: 1, status: 503, retryAfterSeconds: 3 }, retryAfter: '3', phrase: false },
    { failNext: { count: 1, status: 402 }, retryAfter: null, phrase: false },
  ];
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  for (const { failNext, retryAfter, phrase } of cases) {
    sim.setFaults({ failNext });
    for (let i = 0; i < failNext.count; i += 1) {
      const answer = await api<ErrorsBody>(sim, 'POST', '/teams', { body: { data: { name: 'x', organization: sim.workspaceGid } } });
      t.equal(answer.status, failNext.status, JSON.stringify(failNext));
      t.equal(answer.headers.get('retry-after'), retryAfter);
      t.match(answer.body, { errors: [{ message: String, help: String }] });
      t.equal(typeof answer.body.errors[0]?.phrase === 'string', phrase, 'a phrase only on 500');
    }
    t.same(await statuses(sim, 1), [200], 'then the faults are spent');
  }
  t.equal(sim.teams().length, 0, 'failed writes changed nothing');
});

t.test('faults given at start apply from the first request', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, faults: { failNext: { count: 1, status: 502 } } });
  t.teardown(() => sim.close());
  t.same(await statuses(sim, 2), [502, 200]);
});

t.test('dropNext destroys the socket without an answer', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  sim.setFaults({ dropNext: 2 });
  await t.rejects(api(sim, 'GET', '/users/me'));
  await t.rejects(api(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, { body: { data: { user: 'a@example.com' } } }));
  t.same(await statuses(sim, 1), [200]);
  t.same(sim.users(), [], 'a dropped write did nothing');
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(sim.requests().map((entry) => entry.status), [0, 0, 200], 'the log shows the drops with status 0');
});

t.test('errorRate answers 500 or 503 at random, repeatably for a seed', async (t) => {
  const runs: number[][] = [];
  for (const seed of [7, 7, 8]) {
    const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seed, faults: { errorRate: 0.5 } });
    t.teardown(() => sim.close());
    runs.push(await statuses(sim, 40));
  }
  const [first = [], again = [], otherSeed = []] = runs;
  t.same(again, first, 'the same seed gives the same answers');
  t.not(otherSeed.join(), first.join(), 'another seed gives other answers');
  t.ok(first.every((status) => [200, 500, 503].includes(status)));
  for (const status of [200, 500, 503]) t.ok(first.includes(status), `${status} occurs`);

  const always = await startAsanaSimulator({ ...SERVICE_ACCOUNT, faults: { errorRate: 1 } });
  t.teardown(() => always.close());
  t.ok((await statuses(always, 10)).every((status) => status === 500 || status === 503));
  always.setFaults({ errorRate: 0 });
  t.same(await statuses(always, 3), [200, 200, 200]);
});

t.test('latencyMs delays each answer', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, faults: { latencyMs: 150 } });
  t.teardown(() => sim.close());
  const started = Date.now();
  t.equal((await api(sim, 'GET', '/users/me')).status, 200);
  t.ok(Date.now() - started >= 140, 'the answer waited at least the latency');
  const [entry] = sim.requests();
  t.ok(entry !== undefined && entry.endedAt - entry.startedAt >= 140, 'the log shows the wait');
});

t.test('clearFaults removes every fault; setFaults replaces rather than merges; bad faults are refused', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  sim.setFaults({ failNext: { count: 5, status: 500 }, dropNext: 5, errorRate: 1, latencyMs: 10 });
  sim.clearFaults();
  t.same(await statuses(sim, 3), [200, 200, 200]);
  sim.setFaults({ failNext: { count: 5, status: 500 } });
  sim.setFaults({ failNext: { count: 1, status: 503 } });
  t.same(await statuses(sim, 2), [503, 200]);
  const bad = [{ errorRate: 2 }, { latencyMs: -1 }, { failNext: { count: 1, status: 200 } }, { dropNext: 1.5 }];
  for (const faults of bad) t.throws(() => sim.setFaults(faults), JSON.stringify(faults));
});
