import t from 'tap';
import { startAsanaSimulator, type LoggedRequest, type SimTeam, type SimUser } from '../../src/asana-simulator/index.js';
import { api, control, type DataBody, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

interface State {
  workspace: { gid: string; name: string; emailDomains: string[] };
  users: SimUser[];
  teams: SimTeam[];
  faults: Record<string, unknown>;
}

t.test('the control API needs the token and knows only its own routes', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  const cases = [
    { method: 'GET', path: 'state', token: null, status: 401 },
    { method: 'GET', path: 'requests', token: 'wrong', status: 401 },
    { method: 'PUT', path: 'faults', token: null, status: 401 },
    { method: 'GET', path: 'nothing-here', token: undefined, status: 404 },
    { method: 'POST', path: 'state', token: undefined, status: 404 },
  ];
  for (const { method, path, token, status } of cases) {
    const answer = await control<ErrorsBody>(sim, method, path, { token });
    t.equal(answer.status, status, `${method} ${path}`);
    t.match(answer.body, { errors: [{ message: String }] });
  }
});

t.test('GET /_simulator/state shows the workspace, users, teams and faults', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 2, faults: { latencyMs: 1 } });
  t.teardown(() => sim.close());
  const added = sim.addUser({ name: 'By Hand', email: 'hand@elsewhere.net' });
  t.match(added, { gid: /^\d{16}$/, name: 'By Hand', email: 'hand@elsewhere.net', active: true, guest: true });
  const team = await api<DataBody<{ gid: string }>>(sim, 'POST', '/teams', { body: { data: { name: 'T', organization: sim.workspaceGid } } });
  await api(sim, 'POST', `/teams/${team.body.data.gid}/addUser`, { body: { data: { user: added.gid } } });

  const state = await control<DataBody<State>>(sim, 'GET', 'state');
  t.equal(state.status, 200);
  t.same(state.body.data.workspace, { gid: sim.workspaceGid, name: 'Example Org', emailDomains: ['example.com'] });
  t.same(state.body.data.users, sim.users());
  t.same(state.body.data.teams, sim.teams());
  t.same(state.body.data.teams, [{ gid: team.body.data.gid, name: 'T', description: '', visibility: 'secret', memberGids: [added.gid] }]);
  t.same(state.body.data.faults, { latencyMs: 1 });
  t.same(sim.users().map((user) => user.email), ['user1@example.com', 'user2@example.com', 'hand@elsewhere.net']);
});

t.test('PUT and DELETE /_simulator/faults drive faults from another process', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  const put = await control<DataBody<unknown>>(sim, 'PUT', 'faults', { body: { failNext: { count: 2, status: 503 }, errorRate: 0 } });
  t.equal(put.status, 200);
  t.same(put.body.data, { failNext: { count: 2, status: 503 }, errorRate: 0 });
  t.equal((await api(sim, 'GET', '/users/me')).status, 503);
  const midway = await control<DataBody<State>>(sim, 'GET', 'state');
  t.same(midway.body.data.faults, { errorRate: 0, failNext: { count: 1, status: 503 } }, 'the state shows what is left');
  t.equal((await control(sim, 'DELETE', 'faults')).status, 204);
  t.equal((await api(sim, 'GET', '/users/me')).status, 200, 'cleared');

  for (const body of [{ errorRate: -1 }, { failNext: { status: 500 } }, { surprise: true }, [1]]) {
    const refused = await control<ErrorsBody>(sim, 'PUT', 'faults', { body });
    t.equal(refused.status, 400, JSON.stringify(body));
  }
  t.equal((await control(sim, 'PUT', 'faults', { rawBody: '{' })).status, 400, 'invalid JSON');
  t.equal((await api(sim, 'GET', '/users/me')).status, 200, 'refused faults changed nothing');
});

t.test('control requests are not faulted and not logged', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, faults: { failNext: { count: 5, status: 500 }, latencyMs: 0 } });
  t.teardown(() => sim.close());
  t.equal((await control(sim, 'GET', 'state')).status, 200);
  t.equal((await control(sim, 'GET', 'requests')).status, 200);
  t.same(sim.requests(), []);
});

t.test('the request log records every API request and can be cleared', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 1 });
  t.teardown(() => sim.close());
  const before = Date.now();
  await api(sim, 'GET', `/users?workspace=${sim.workspaceGid}&limit=5`);
  await api(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, { body: { data: { user: 'x@example.com' } } });
  await api(sim, 'GET', '/users/me', { token: null });
  await api(sim, 'DELETE', '/teams/1');

  const expected = [
    { method: 'GET', path: '/api/1.0/users', query: { workspace: sim.workspaceGid, limit: '5' }, status: 200 },
    { method: 'POST', path: `/api/1.0/workspaces/${sim.workspaceGid}/addUser`, query: {}, status: 200 },
    { method: 'GET', path: '/api/1.0/users/me', query: {}, status: 401 },
    { method: 'DELETE', path: '/api/1.0/teams/1', query: {}, status: 404 },
  ];
  const logged = sim.requests();
  t.match(logged, expected);
  t.same(logged.map(({ method, path, query, status }) => ({ method, path, query, status })), expected);
  t.ok(logged.every((entry) => entry.startedAt >= before && entry.endedAt >= entry.startedAt));

  const overHttp = await control<DataBody<LoggedRequest[]>>(sim, 'GET', 'requests');
  t.same(overHttp.body.data, logged);
  t.equal((await control(sim, 'DELETE', 'requests')).status, 204);
  t.same(sim.requests(), []);
  await api(sim, 'GET', '/users/me');
  t.equal(sim.requests().length, 1);
  sim.clearRequests();
  t.same(sim.requests(), []);
});
