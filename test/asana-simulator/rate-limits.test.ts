import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, control, type ErrorsBody } from './fixtures/sim-client.js';

t.test('requests per minute: the 6th of 5/minute is 429 with Retry-After', async (t) => {
  const sim = await startAsanaSimulator({ rateLimitPerMinute: 5 });
  t.teardown(() => sim.close());
  const statuses: number[] = [];
  for (let i = 0; i < 5; i += 1) statuses.push((await api(sim, 'GET', '/users/me')).status);
  t.same(statuses, [200, 200, 200, 200, 200]);
  const sixth = await api<ErrorsBody>(sim, 'GET', '/users/me');
  t.equal(sixth.status, 429);
  t.match(sixth.body, { errors: [{ message: String, help: String }] });
  const retryAfter = sixth.headers.get('retry-after') ?? '';
  t.match(retryAfter, /^\d+$/, 'whole seconds');
  t.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter} is within the minute`);
  t.equal((await api(sim, 'POST', '/teams', { body: { data: { name: 'x', organization: sim.workspaceGid } } })).status, 429, 'writes share the window');
  t.equal((await control(sim, 'GET', 'state')).status, 200, 'control requests are not limited');
  t.equal((await api(sim, 'GET', '/users/me', { token: 'other' })).status, 401, 'an unknown token is refused before limiting');
});

t.test('the window rolls: once it has passed, requests get in again', async (t) => {
  const sim = await startAsanaSimulator({ rateLimitPerMinute: 3, rateWindowMs: 300 });
  t.teardown(() => sim.close());
  const first: number[] = [];
  for (let i = 0; i < 4; i += 1) first.push((await api(sim, 'GET', '/users/me')).status);
  t.same(first, [200, 200, 200, 429]);
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal((await api(sim, 'GET', '/users/me')).status, 200);
});

t.test('concurrency: reads and writes beyond their pools are 429 while others are in flight', async (t) => {
  const sim = await startAsanaSimulator({ maxConcurrentReads: 2, maxConcurrentWrites: 1, faults: { latencyMs: 300 } });
  t.teardown(() => sim.close());
  const reads = await Promise.all([1, 2, 3].map(() => api(sim, 'GET', '/users/me')));
  t.same(reads.map((answer) => answer.status).sort(), [200, 200, 429]);
  const refused = reads.find((answer) => answer.status === 429);
  t.match(refused?.headers.get('retry-after'), /^\d+$/);

  const team = { body: { data: { name: 'x', organization: sim.workspaceGid } } };
  const mixed = await Promise.all([
    api(sim, 'POST', '/teams', team),
    api(sim, 'POST', '/teams', team),
    api(sim, 'GET', '/users/me'),
  ]);
  t.same(
    mixed.map((answer) => answer.status).sort(),
    [200, 201, 429],
    'one write gets in, the second waits; the read has its own pool',
  );
  t.equal(sim.teams().length, 1);
  t.equal((await api(sim, 'GET', '/users/me')).status, 200, 'slots free when answers are sent');
});

t.test("the concurrency 429's Retry-After lasts until the requests in flight have been answered", async (t) => {
  const sim = await startAsanaSimulator({ maxConcurrentWrites: 1, faults: { latencyMs: 2500 } });
  t.teardown(() => sim.close());
  const team = { body: { data: { name: 'x', organization: sim.workspaceGid } } };
  const first = api(sim, 'POST', '/teams', team);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const second = await api(sim, 'POST', '/teams', team);
  t.equal(second.status, 429);
  t.equal(second.headers.get('retry-after'), '3', 'the 2.5 s still ahead of the first write, in whole seconds');
  t.equal((await first).status, 201);
});

t.test('the cost limit: GETs are charged the objects they answer; at a spent balance, 429 until the window rolls', async (t) => {
  const sim = await startAsanaSimulator({ seedUsers: 100, costLimitPerMinute: 150, rateWindowMs: 500 });
  t.teardown(() => sim.close());
  const page = `/users?workspace=${sim.workspaceGid}&limit=100`;
  // 100, then 100 more (the balance may go negative, as Asana's does), then refused.
  const statuses = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await api(sim, 'GET', page)).status);
  t.same(statuses, [200, 200, 429]);
  const refused = await api<ErrorsBody>(sim, 'GET', '/users/me');
  t.equal(refused.status, 429, 'even a one-object read waits');
  t.match(refused.headers.get('retry-after'), /^\d+$/);
  const write = await api(sim, 'POST', '/teams', { body: { data: { name: 'x', organization: sim.workspaceGid } } });
  t.equal(write.status, 201, 'writes are not charged');
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.equal((await api(sim, 'GET', page)).status, 200, 'the window rolled');
});
