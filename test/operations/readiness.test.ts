import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { startHarness, userBody } from '../helpers/harness.js';

const meCalls = (requests: ReadonlyArray<{ path: string }>) => requests.filter((r) => r.path.endsWith('/users/me')).length;

t.test('/readyz: store reachable and Asana token accepted, checked at an interval, with the reason', async (t) => {
  const h = await startHarness(t, { env: { READINESS_INTERVAL_SECONDS: '1' } });
  const ready = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(ready.status, 200);
  t.match(ready.body, { status: 'ready', reason: null, checks: { store: 'ok', asana: 'accepted' }, checkedAt: String });

  const before = meCalls(h.simulator.requests());
  const started = Date.now();
  for (let i = 0; i < 50; i++) t.equal((await h.request('GET', '/readyz', { anonymous: true })).status, 200);
  const checks = meCalls(h.simulator.requests()) - before;
  t.ok(checks <= Math.ceil((Date.now() - started) / 1000) + 1, `fifty probes, ${checks} checks: one a second, not one per probe`);

  // The token is revoked in Asana: the next check says so; liveness is unaffected.
  h.simulator.setFaults({ failNext: { count: 1_000, status: 401 } });
  await sleep(1_500);
  const refused = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(refused.status, 503);
  t.match(refused.body, { status: 'not ready', checks: { store: 'ok', asana: 'refused' }, reason: /ASANA_TOKEN/ });
  t.equal((await h.request('GET', '/healthz', { anonymous: true })).status, 200, 'liveness is only the process');

  // Asana answers 503 for a while: the token is known good, writes queue, the bridge stays in service.
  h.simulator.setFaults({ failNext: { count: 1_000, status: 503 } });
  await sleep(1_500);
  const refusedStill = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(refusedStill.status, 503, 'not ready until the token is accepted again');
  h.simulator.clearFaults();
  await sleep(1_500);
  t.equal((await h.request('GET', '/readyz', { anonymous: true })).status, 200, 'ready again once Asana accepts it');
  h.simulator.setFaults({ failNext: { count: 1_000, status: 503 } });
  await sleep(1_500);
  const outage = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(outage.status, 200, 'an Asana outage does not take a bridge whose token works out of service');
  t.match(outage.body, { checks: { asana: 'unreachable' }, reason: /queued/ });
  h.simulator.clearFaults();

  // The store goes away (twice: a periodic check may be in flight already, and callers share it).
  await h.bridge.store.close();
  await h.bridge.readiness.check();
  await h.bridge.readiness.check();
  const noStore = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(noStore.status, 503);
  t.match(noStore.body, { checks: { store: /not reachable/ }, reason: /mapping store/ });
});

t.test('a bridge whose Asana token is refused from the start is not ready, and says why', async (t) => {
  const h = await startHarness(t, { env: { ASANA_TOKEN: 'not-the-simulator-token' } });
  const response = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(response.status, 503);
  t.match(response.body, { checks: { asana: 'refused' }, reason: /refused the bridge's token \(401\)/ });
});

t.test('a bridge started during an Asana outage is ready (it queues writes) and says Asana is not answering', async (t) => {
  const h = await startHarness(t, { simulator: { faults: { errorRate: 1 } } });
  const response = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(response.status, 200);
  t.match(response.body, { checks: { store: 'ok', asana: 'unreachable' }, reason: /not answering/ });
});

t.test('scim-bridge status: health, token check, queue, failed resources, last reconcile', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '100' } });
  await h.request('POST', '/Users', { body: userBody('ok@example.com') });
  // Asana refuses after the request's deadline: the IdP got 201 (pending), the user is now failed.
  h.simulator.setFaults({ latencyMs: 300, failNext: { count: 1, status: 403 } });
  t.equal((await h.request('POST', '/Users', { body: userBody('refused-later@example.com') })).status, 201);
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.clearFaults();
  t.equal((await runCli(h, ['reconcile', '--json'])).code, 0);

  const result = await runCli(h, ['status', '--json']);
  t.equal(result.code, 0, result.stderr);
  const status = JSON.parse(result.stdout);
  t.match(status, {
    healthy: true,
    store: 'ok',
    asanaToken: 'accepted',
    bridge: { answering: true, ready: true },
    queue: { ready: 0, backoff: 0, oldestAgeMs: null },
    lastReconcile: { actor: 'cli', summary: { usersCompared: 2 } },
    scimTokens: [{ position: 1, actor: /^token:[0-9a-f]{12}$/ }],
  });
  t.same(status.resources.find((r: { type: string; syncState: string }) => r.type === 'User' && r.syncState === 'synced')?.count, 1);
  t.match(status.failed, [{ type: 'User', name: 'refused-later@example.com', syncState: 'failed', lastError: /403/ }]);

  const text = await runCli(h, ['status']);
  t.equal(text.code, 0);
  t.match(text.stdout, /^health: +ok$/m);
  t.match(text.stdout, /^Asana token: +accepted/m);
  t.match(text.stdout, /^failed: +1\n {2}User refused-later@example\.com .*403/m);
  t.match(text.stdout, /^last reconcile: .* by cli: /m);

  const broken = await runCli(h, ['status', '--json'], { ASANA_TOKEN: 'revoked-token' });
  t.equal(broken.code, 1, 'exit 1 when not healthy');
  t.match(JSON.parse(broken.stdout), { healthy: false, asanaToken: 'refused' });
  t.notMatch(broken.stdout + broken.stderr, 'revoked-token', 'the token is not echoed');
});
