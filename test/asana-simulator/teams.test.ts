import t from 'tap';
import { startAsanaSimulator, type AsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, call, type Compact, type DataBody, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

function createTeam(sim: AsanaSimulator, data: Record<string, unknown>): ReturnType<typeof api<DataBody<Compact>>> {
  return api<DataBody<Compact>>(sim, 'POST', '/teams', { body: { data } });
}

t.test('teams: create, read, update, and no delete', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());

  t.test('POST /teams answers 201 with a Location; names are not unique', async (t) => {
    const first = await createTeam(sim, { name: 'Design', organization: sim.workspaceGid, description: 'Pixels & <b>', visibility: 'public' });
    t.equal(first.status, 201);
    t.match(first.body.data, {
      gid: /^\d{16}$/,
      resource_type: 'team',
      name: 'Design',
      description: 'Pixels & <b>',
      html_description: '<body>Pixels &amp; &lt;b&gt;</body>',
      visibility: 'public',
      organization: { gid: sim.workspaceGid, resource_type: 'workspace', name: 'Example Org' },
      permalink_url: String,
    });
    const location = first.headers.get('location') ?? '';
    t.equal(location, `${sim.url}/teams/${first.body.data.gid}`);
    const fetched = await call<DataBody<Compact>>(location, 'GET', sim.token, {});
    t.same(fetched.body.data, first.body.data, 'Location names the new team');

    const second = await createTeam(sim, { name: 'Design', organization: sim.workspaceGid });
    t.equal(second.status, 201);
    t.not(second.body.data.gid, first.body.data.gid, 'a second team with the same name');
    t.equal(second.body.data['visibility'], 'secret', 'the default visibility');
    t.equal(sim.teams().filter((team) => team.name === 'Design').length, 2);
  });

  t.test('POST /teams refuses bad requests', async (t) => {
    const before = sim.teams().length;
    const cases = [
      { name: 'missing name', status: 400, data: { organization: sim.workspaceGid } },
      { name: 'missing organization', status: 400, data: { name: 'X' } },
      { name: 'unknown organization', status: 404, data: { name: 'X', organization: '1999999999999999' } },
      { name: 'bad visibility', status: 400, data: { name: 'X', organization: sim.workspaceGid, visibility: 'hidden' } },
      { name: 'description not a string', status: 400, data: { name: 'X', organization: sim.workspaceGid, description: 3 } },
    ];
    for (const { name, status, data } of cases) {
      const answer = await api<ErrorsBody>(sim, 'POST', '/teams', { body: { data } });
      t.equal(answer.status, status, name);
      t.match(answer.body, { errors: [{ message: String, help: String }] }, name);
    }
    const unwrapped = await api<ErrorsBody>(sim, 'POST', '/teams', { body: { name: 'X', organization: sim.workspaceGid } });
    t.equal(unwrapped.status, 400, 'a body not wrapped in data');
    t.equal(sim.teams().length, before, 'nothing was created');
  });

  t.test('GET and PUT /teams/{t}', async (t) => {
    const created = await createTeam(sim, { name: 'Ops', organization: sim.workspaceGid });
    const gid = created.body.data.gid;
    const updated = await api<DataBody<Compact>>(sim, 'PUT', `/teams/${gid}`, {
      body: { data: { name: 'Operations', description: 'Runs things', visibility: 'request_to_join' } },
    });
    t.equal(updated.status, 200);
    t.match(updated.body.data, { gid, name: 'Operations', description: 'Runs things', visibility: 'request_to_join' });
    t.match(sim.teams().find((team) => team.gid === gid), { name: 'Operations', description: 'Runs things', visibility: 'request_to_join' });
    const compact = await api<DataBody<Compact>>(sim, 'GET', `/teams/${gid}?opt_fields=visibility`);
    t.same(compact.body.data, { gid, resource_type: 'team', name: 'Operations', visibility: 'request_to_join' });

    const refused = [
      { path: `/teams/${gid}`, data: { organization: '1999999999999999' }, status: 400 },
      { path: `/teams/${gid}`, data: { visibility: 'hidden' }, status: 400 },
      { path: `/teams/${gid}`, data: { name: '' }, status: 400 },
      { path: '/teams/1999999999999999', data: { name: 'Y' }, status: 404 },
    ];
    for (const { path, data, status } of refused) {
      t.equal((await api(sim, 'PUT', path, { body: { data } })).status, status, JSON.stringify(data));
    }
    t.match(sim.teams().find((team) => team.gid === gid), { name: 'Operations', visibility: 'request_to_join' }, 'unchanged');
  });

  t.test('there is no DELETE /teams/{t}: 404 like any unknown route', async (t) => {
    const created = await createTeam(sim, { name: 'Doomed', organization: sim.workspaceGid });
    const answer = await api<ErrorsBody>(sim, 'DELETE', `/teams/${created.body.data.gid}`);
    t.equal(answer.status, 404);
    t.match(answer.body, { errors: [{ message: String, help: String }] });
    t.ok(sim.teams().some((team) => team.gid === created.body.data.gid), 'the team is still there');
    t.equal((await api(sim, 'PATCH', `/teams/${created.body.data.gid}`, { body: { data: {} } })).status, 404);
  });
});

t.test('team members', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: [{ name: 'zoe', email: 'zoe@example.com' }, { name: 'Adam', email: 'adam@example.com' }] });
  t.teardown(() => sim.close());
  const [zoe, adam] = sim.users();
  if (zoe === undefined || adam === undefined) throw new Error('seed missing');
  const guest = await api<DataBody<Compact>>(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, {
    body: { data: { user: 'guest@partner.net' } },
  });
  const team = await createTeam(sim, { name: 'Crew', organization: sim.workspaceGid });
  const teamGid = team.body.data.gid;

  t.test('addUser answers a team_membership and is idempotent', async (t) => {
    const added = await api<DataBody<Compact>>(sim, 'POST', `/teams/${teamGid}/addUser`, { body: { data: { user: zoe.email } } });
    t.equal(added.status, 200);
    t.match(added.body.data, {
      gid: /^\d{16}$/,
      resource_type: 'team_membership',
      user: { gid: zoe.gid, resource_type: 'user', name: 'zoe' },
      team: { gid: teamGid, resource_type: 'team', name: 'Crew' },
      is_guest: false,
      is_limited_access: false,
      is_admin: false,
    });
    const again = await api<DataBody<Compact>>(sim, 'POST', `/teams/${teamGid}/addUser`, { body: { data: { user: zoe.gid } } });
    t.equal(again.status, 200);
    t.equal(again.body.data.gid, added.body.data.gid, 'the same membership');
    const asGuest = await api<DataBody<Compact>>(sim, 'POST', `/teams/${teamGid}/addUser`, {
      body: { data: { user: guest.body.data.gid } },
    });
    t.match(asGuest.body.data, { is_guest: true });
    await api(sim, 'POST', `/teams/${teamGid}/addUser`, { body: { data: { user: adam.gid } } });
    t.same(sim.teams()[0]?.memberGids, [zoe.gid, adam.gid, guest.body.data.gid].sort());
  });

  t.test('GET /teams/{t}/users is alphabetical', async (t) => {
    const answer = await api<DataBody<Compact[]>>(sim, 'GET', `/teams/${teamGid}/users`);
    t.equal(answer.status, 200);
    t.same(answer.body.data.map((user) => user.name), ['Adam', 'guest@partner.net', 'zoe']);
    t.notOk('next_page' in answer.body);
  });

  t.test('addUser refuses users who are not active members of the organization', async (t) => {
    const outsider = await api<DataBody<Compact>>(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, {
      body: { data: { user: 'leaving@example.com' } },
    });
    await api(sim, 'POST', `/workspaces/${sim.workspaceGid}/removeUser`, { body: { data: { user: outsider.body.data.gid } } });
    const cases = [
      { name: 'a removed user', user: outsider.body.data.gid, status: 403 },
      { name: 'an unknown gid', user: '1999999999999999', status: 404 },
      { name: 'an unknown email', user: 'nobody@example.com', status: 404 },
      { name: 'no user', user: undefined, status: 400 },
    ];
    for (const { name, user, status } of cases) {
      const answer = await api<ErrorsBody>(sim, 'POST', `/teams/${teamGid}/addUser`, { body: { data: { user } } });
      t.equal(answer.status, status, name);
    }
    t.equal((await api(sim, 'POST', '/teams/1999999999999999/addUser', { body: { data: { user: zoe.gid } } })).status, 404);
    t.equal(sim.teams()[0]?.memberGids.length, 3, 'nobody was added');
  });

  t.test('removeUser answers {data:{}} and is quiet about non-members', async (t) => {
    const removed = await api<DataBody<unknown>>(sim, 'POST', `/teams/${teamGid}/removeUser`, { body: { data: { user: zoe.gid } } });
    t.equal(removed.status, 200);
    t.same(removed.body, { data: {} });
    const again = await api<DataBody<unknown>>(sim, 'POST', `/teams/${teamGid}/removeUser`, { body: { data: { user: zoe.gid } } });
    t.equal(again.status, 200);
    t.same(sim.teams()[0]?.memberGids, [adam.gid, guest.body.data.gid].sort());
    t.match(sim.users().find((user) => user.gid === zoe.gid), { active: true }, 'still in the workspace');
  });
});

t.test('GET /teams/{t}/users is capped at 2,000', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 2001, rateLimitPerMinute: 100_000, maxConcurrentWrites: 100 });
  t.teardown(() => sim.close());
  const team = await createTeam(sim, { name: 'Everyone', organization: sim.workspaceGid });
  const gids = sim.users().map((user) => user.gid);
  const statuses = new Set<number>();
  for (let i = 0; i < gids.length; i += 100) {
    const batch = gids.slice(i, i + 100);
    const answers = await Promise.all(
      batch.map((user) => api(sim, 'POST', `/teams/${team.body.data.gid}/addUser`, { body: { data: { user } } })),
    );
    for (const answer of answers) statuses.add(answer.status);
  }
  t.same([...statuses], [200]);
  t.equal(sim.teams()[0]?.memberGids.length, 2001);
  const answer = await api<DataBody<Compact[]>>(sim, 'GET', `/teams/${team.body.data.gid}/users`);
  t.equal(answer.body.data.length, 2000);
});
