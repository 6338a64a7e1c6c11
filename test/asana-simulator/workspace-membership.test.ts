import t from 'tap';
import { startAsanaSimulator, type AsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, type Compact, type DataBody, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

function addUser(sim: AsanaSimulator, user: string): ReturnType<typeof api<DataBody<Compact>>> {
  return api<DataBody<Compact>>(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, { body: { data: { user } } });
}

function removeUser(sim: AsanaSimulator, user: string): ReturnType<typeof api<DataBody<Compact>>> {
  return api<DataBody<Compact>>(sim, 'POST', `/workspaces/${sim.workspaceGid}/removeUser`, { body: { data: { user } } });
}

t.test('addUser invites by email, is idempotent, and makes outsiders guests', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, emailDomains: ['example.com', 'example.org'] });
  t.teardown(() => sim.close());

  const cases = [
    { email: 'new.person@example.com', guest: false },
    { email: 'Mixed.Case@EXAMPLE.ORG', guest: false },
    { email: 'contractor@elsewhere.net', guest: true },
  ];
  for (const { email, guest } of cases) {
    const first = await addUser(sim, email);
    t.equal(first.status, 200, email);
    t.match(first.body.data, { gid: /^\d{16}$/, resource_type: 'user', name: String, email, photo: null });
    const again = await addUser(sim, email.toLowerCase());
    t.equal(again.status, 200, `${email} again`);
    t.equal(again.body.data.gid, first.body.data.gid, 'adding an existing member returns the same user');
    const byGid = await addUser(sim, first.body.data.gid);
    t.equal(byGid.body.data.gid, first.body.data.gid, 'a gid works as well as an email');
    t.match(sim.users().find((user) => user.gid === first.body.data.gid), { active: true, guest });
    const membership = await api<DataBody<Compact[]>>(
      sim,
      'GET',
      `/workspaces/${sim.workspaceGid}/workspace_memberships?user=${first.body.data.gid}&opt_fields=is_guest,is_active`,
    );
    t.match(membership.body.data, [{ is_guest: guest, is_active: true }]);
  }
  t.equal(sim.users().length, cases.length, 'no duplicates');
});

t.test('addUser refuses bad requests', async (t) => {
  const sim = await startAsanaSimulator(SERVICE_ACCOUNT);
  t.teardown(() => sim.close());
  const cases = [
    { name: 'not wrapped in data', status: 400, body: { user: 'a@example.com' } },
    { name: 'missing user', status: 400, body: { data: {} } },
    { name: 'empty body', status: 400, body: undefined },
    { name: 'user is not a string', status: 400, body: { data: { user: 12 } } },
    { name: 'data is not an object', status: 400, body: { data: 'a@example.com' } },
    { name: 'unknown gid', status: 404, body: { data: { user: '1999999999999999' } } },
  ];
  for (const { name, status, body } of cases) {
    const answer = await api<ErrorsBody>(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, { body });
    t.equal(answer.status, status, name);
    t.match(answer.body, { errors: [{ message: String, help: String }] }, name);
  }
  const invalidJson = await api<ErrorsBody>(sim, 'POST', `/workspaces/${sim.workspaceGid}/addUser`, { rawBody: '{"data":' });
  t.equal(invalidJson.status, 400, 'invalid JSON');
  const otherWorkspace = await api<ErrorsBody>(sim, 'POST', '/workspaces/1999999999999998/addUser', {
    body: { data: { user: 'a@example.com' } },
  });
  t.equal(otherWorkspace.status, 404, 'unknown workspace');
  t.same(sim.users(), [], 'nothing was created');
});

t.test('removeUser deactivates the membership, leaves every team, and re-adding re-activates the same gid', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 2 });
  t.teardown(() => sim.close());
  const [leaver, stayer] = sim.users();
  if (leaver === undefined || stayer === undefined) throw new Error('seed missing');
  const teamGids: string[] = [];
  for (const name of ['Red', 'Blue']) {
    const team = await api<DataBody<Compact>>(sim, 'POST', '/teams', { body: { data: { name, organization: sim.workspaceGid } } });
    teamGids.push(team.body.data.gid);
    for (const user of [leaver, stayer]) {
      await api(sim, 'POST', `/teams/${team.body.data.gid}/addUser`, { body: { data: { user: user.gid } } });
    }
  }

  const removed = await removeUser(sim, leaver.email);
  t.equal(removed.status, 200);
  t.same(removed.body, { data: {} });
  t.match(sim.users(), [{ gid: leaver.gid, active: false }, { gid: stayer.gid, active: true }]);
  t.same(
    sim.teams().map((team) => team.memberGids),
    [[stayer.gid], [stayer.gid]],
    'the removed user left every team',
  );
  const membership = await api<DataBody<Compact[]>>(
    sim,
    'GET',
    `/workspaces/${sim.workspaceGid}/workspace_memberships?user=${leaver.gid}&opt_fields=is_active`,
  );
  t.match(membership.body.data, [{ is_active: false }]);
  const listed = await api<DataBody<Compact[]>>(sim, 'GET', `/users?workspace=${sim.workspaceGid}`);
  t.same(listed.body.data.map((user) => user.gid), [stayer.gid], 'removed users are not listed');
  const teamUsers = await api<DataBody<Compact[]>>(sim, 'GET', `/teams/${teamGids[0]}/users`);
  t.same(teamUsers.body.data.map((user) => user.gid), [stayer.gid]);
  const stillReadable = await api<DataBody<Compact>>(sim, 'GET', `/users/${leaver.gid}?opt_fields=workspaces`);
  t.equal(stillReadable.status, 200, 'a removed user still exists');
  t.same(stillReadable.body.data['workspaces'], []);

  const readded = await addUser(sim, leaver.email);
  t.equal(readded.status, 200);
  t.equal(readded.body.data.gid, leaver.gid, 'the same gid comes back');
  t.match(sim.users(), [{ gid: leaver.gid, active: true }, { gid: stayer.gid, active: true }]);
  t.same(sim.teams().map((team) => team.memberGids), [[stayer.gid], [stayer.gid]], 'team memberships do not come back');
});

t.test('removeUser of a non-member: 200 by default, 400 with removeNonMember "error"', async (t) => {
  const cases = [
    { removeNonMember: 'ok' as const, status: 200 },
    { removeNonMember: 'error' as const, status: 400 },
  ];
  for (const { removeNonMember, status } of cases) {
    const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 1, removeNonMember });
    t.teardown(() => sim.close());
    const [member] = sim.users();
    if (member === undefined) throw new Error('seed missing');
    t.equal((await removeUser(sim, member.gid)).status, 200, `${removeNonMember}: a member`);
    t.equal((await removeUser(sim, member.gid)).status, status, `${removeNonMember}: already removed`);
    t.equal((await removeUser(sim, 'stranger@example.com')).status, status, `${removeNonMember}: never a member`);
    t.equal((await removeUser(sim, '1999999999999999')).status, 404, `${removeNonMember}: unknown gid`);
    t.equal((await removeUser(sim, 'me')).status, 403, `${removeNonMember}: the token owner`);
    t.same(sim.users().map((user) => user.active), [false]);
  }
});

t.test('GET /workspaces/{w}/users is alphabetical, unpaginated, and capped at 2,000', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 2001 });
  t.teardown(() => sim.close());
  const answer = await api<DataBody<Compact[]>>(sim, 'GET', `/workspaces/${sim.workspaceGid}/users?limit=10`);
  t.equal(answer.status, 200);
  t.equal(answer.body.data.length, 2000);
  t.notOk('next_page' in answer.body);
  const names = answer.body.data.map((user) => user.name ?? '');
  t.same(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), 'alphabetical');
  t.equal(names[0], 'User 1');
  t.equal(names[1], 'User 10', 'alphabetical, not by number');

  const unpaginated = await api<DataBody<Compact[]>>(sim, 'GET', `/users?workspace=${sim.workspaceGid}`);
  t.equal(unpaginated.body.data.length, 1000, 'GET /users without limit is truncated as on Asana');
  t.notOk('next_page' in unpaginated.body);
});
