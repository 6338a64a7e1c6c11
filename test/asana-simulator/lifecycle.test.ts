import t from 'tap';
import { startAsanaSimulator, type SimulatorOptions } from '../../src/asana-simulator/index.js';
import { api, type Compact, type DataBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

t.test('options set the token, workspace and domains; url and origin name the listening server', async (t) => {
  const sim = await startAsanaSimulator({
    ...SERVICE_ACCOUNT,
    token: 'sandbox-token',
    workspaceGid: '1111111111111111',
    workspaceName: 'Acme',
    emailDomains: ['acme.test'],
    seedUsers: 1,
  });
  t.teardown(() => sim.close());
  t.match(sim.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(sim.url, `${sim.origin}/api/1.0`);
  t.equal(sim.token, 'sandbox-token');
  t.equal(sim.workspaceGid, '1111111111111111');
  t.match(sim.users(), [{ email: 'user1@acme.test', active: true, guest: false }]);
  const workspace = await api<DataBody<Compact>>(sim, 'GET', '/workspaces/1111111111111111');
  t.match(workspace.body.data, { gid: '1111111111111111', name: 'Acme', email_domains: ['acme.test'] });
  t.equal((await api(sim, 'GET', '/users/me', { token: 'simulator-token' })).status, 401, 'only the configured token works');
});

t.test('bad options are refused at start', async (t) => {
  const cases: SimulatorOptions[] = [
    { rateLimitPerMinute: 0 },
    { maxConcurrentWrites: -1 },
    { emailDomains: [] },
    { workspaceGid: 'abc' },
    { seedUsers: -1 },
    { port: 70_000 },
    { faults: { errorRate: 3 } },
  ];
  for (const options of cases) await t.rejects(startAsanaSimulator(options), JSON.stringify(options));
});

t.test('close() answers requests in flight, does not wait for idle keep-alive sockets, and stops listening', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, faults: { latencyMs: 200 } });
  t.equal((await api(sim, 'GET', '/users/me')).status, 200, 'leaves a keep-alive socket behind');
  const inFlight = api(sim, 'GET', '/users/me');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await sim.close();
  t.equal((await inFlight).status, 200);
  // Node keeps idle sockets for 5 s; close() must not wait for that.
  t.ok(Date.now() - started < 4000, 'close() did not wait for keep-alive to time out');
  await t.rejects(api(sim, 'GET', '/users/me'), 'no longer listening');
});
