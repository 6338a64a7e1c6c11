import t from 'tap';
import { startAsanaSimulator, type AsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, type Compact, type DataBody, type ErrorsBody } from './fixtures/sim-client.js';

/**
 * The token's owner (facts.md §5): an admin's personal access token ('pat') against the Enterprise service account
 * ('serviceAccount', the default). Each behaviour is checked in both modes, with the answer each mode must give.
 */
const OWNER = { name: 'Ada Admin', email: 'ada.admin@example.com' };
type Mode = 'pat' | 'serviceAccount';
const MODES: Mode[] = ['pat', 'serviceAccount'];

async function start(t: { teardown(fn: () => unknown): void }, tokenMode: Mode, seedUsers = 2): Promise<AsanaSimulator> {
  const sim = await startAsanaSimulator({ tokenMode, tokenOwner: OWNER, seedUsers });
  t.teardown(() => sim.close());
  return sim;
}

function post<T = Compact>(sim: AsanaSimulator, path: string, data: Record<string, unknown>) {
  return api<DataBody<T> & ErrorsBody>(sim, 'POST', path, { body: { data } });
}

async function createTeam(sim: AsanaSimulator, name: string, visibility: string): Promise<string> {
  const created = await post(sim, '/teams', { name, organization: sim.workspaceGid, visibility });
  return created.body.data.gid;
}

function memberGids(sim: AsanaSimulator, team: string): string[] {
  return sim.teams().find((candidate) => candidate.gid === team)?.memberGids ?? [];
}

t.test("the default mode is an admin's personal access token, as customers' Asana runs (issue 10)", async (t) => {
  const sim = await startAsanaSimulator();
  t.teardown(() => sim.close());
  const me = await api<DataBody<Compact>>(sim, 'GET', '/users/me');
  t.equal(me.body.data.name, 'Simulator Admin');
  t.same(sim.users().map((user) => user.gid), [sim.tokenOwnerGid], 'listed among people');
});

for (const mode of MODES) {
  const pat = mode === 'pat';

  t.test(`${mode}: GET /users/me is the owner; a PAT's owner is a listed admin member`, async (t) => {
    const sim = await start(t, mode);
    const me = await api<DataBody<Compact>>(sim, 'GET', '/users/me?opt_fields=name,email');
    t.same(me.body.data, { gid: sim.tokenOwnerGid, resource_type: 'user', ...OWNER });
    const listed = async (path: string) =>
      (await api<DataBody<Compact[]>>(sim, 'GET', path)).body.data.some((user) => user.gid === sim.tokenOwnerGid);
    t.equal(await listed(`/users?workspace=${sim.workspaceGid}&limit=100`), pat, 'GET /users');
    t.equal(await listed(`/workspaces/${sim.workspaceGid}/users`), pat, 'getUsersForWorkspace');
    const memberships = await api<DataBody<Array<Compact & { user: Compact }>>>(
      sim,
      'GET',
      `/workspaces/${sim.workspaceGid}/workspace_memberships?limit=100&opt_fields=user,is_admin`,
    );
    t.equal(memberships.body.data.some((m) => m.user.gid === sim.tokenOwnerGid), pat, 'workspace memberships');
    const mine = await api<DataBody<Compact[]>>(sim, 'GET', '/users/me/workspace_memberships?opt_fields=is_admin,is_active');
    t.match(mine.body.data, [{ is_admin: true, is_active: true }], 'the owner administers the workspace');
  });

  t.test(`${mode}: removing the token's owner from the workspace is refused`, async (t) => {
    const sim = await start(t, mode);
    for (const user of ['me', OWNER.email, sim.tokenOwnerGid]) {
      const answer = await post(sim, `/workspaces/${sim.workspaceGid}/removeUser`, { user });
      t.equal(answer.status, 403, user);
    }
    const mine = await api<DataBody<Compact[]>>(sim, 'GET', '/users/me/workspace_memberships?opt_fields=is_active');
    t.match(mine.body.data, [{ is_active: true }], 'still a member');
  });

  t.test(`${mode}: the owner ${pat ? 'joins' : 'does not join'} the teams it creates`, async (t) => {
    const sim = await start(t, mode);
    const team = await createTeam(sim, 'Design', 'public');
    t.same(memberGids(sim, team), pat ? [sim.tokenOwnerGid] : []);
  });

  t.test(`${mode}: team membership changes ${pat ? 'need the owner in the team' : 'are open to the token'}`, async (t) => {
    const sim = await start(t, mode);
    const [alice, bob] = sim.users().filter((user) => user.gid !== sim.tokenOwnerGid);
    if (alice === undefined || bob === undefined) throw new Error('seed missing');
    const open = await createTeam(sim, 'Open', 'public');
    const closed = await createTeam(sim, 'Closed', 'request_to_join');
    for (const team of [open, closed]) {
      await post(sim, `/teams/${team}/addUser`, { user: bob.gid });
      // The owner leaves (a member may); from then on, the owner is an outsider to both teams.
      t.equal((await post(sim, `/teams/${team}/removeUser`, { user: 'me' })).status, 200);
    }
    const outsider = pat ? 403 : 200;
    for (const team of [open, closed]) {
      t.equal((await post(sim, `/teams/${team}/addUser`, { user: alice.gid })).status, outsider, 'add someone');
      t.equal((await post(sim, `/teams/${team}/removeUser`, { user: bob.gid })).status, outsider, 'remove someone');
    }
    const refused = await post(sim, `/teams/${closed}/addUser`, { user: 'me' });
    t.equal(refused.status, outsider, 'an admin cannot join a request-to-join team by itself');
    if (pat) t.match(refused.body, { errors: [{ message: String, help: String }] });
    t.equal((await post(sim, `/teams/${open}/addUser`, { user: 'me' })).status, 200, 'an admin may join a public team');
    t.equal((await post(sim, `/teams/${open}/addUser`, { user: alice.gid })).status, 200, 'then change its members');
    t.ok(memberGids(sim, open).includes(alice.gid));
    t.equal(memberGids(sim, closed).includes(bob.gid), pat, 'a refused removal changed nothing');
  });

  t.test(`${mode}: secret teams ${pat ? 'are invisible to non-members' : 'are visible'}`, async (t) => {
    const sim = await start(t, mode);
    const secret = await createTeam(sim, 'Payroll', 'secret');
    await createTeam(sim, 'Payments', 'public');
    if (pat) t.equal((await post(sim, `/teams/${secret}/removeUser`, { user: 'me' })).status, 200);
    else await post(sim, `/teams/${secret}/addUser`, { user: sim.users()[0]?.gid });
    const names = async (path: string) =>
      (await api<DataBody<Compact[]>>(sim, 'GET', path)).body.data.map((team) => team.name).sort();
    const visible = pat ? ['Payments'] : ['Payments', 'Payroll'];
    t.same(await names(`/workspaces/${sim.workspaceGid}/teams?limit=100`), visible, 'getTeamsForWorkspace');
    t.same(await names(`/workspaces/${sim.workspaceGid}/typeahead?resource_type=team&query=pay`), visible, 'typeahead');
    const byGid = pat ? 404 : 200;
    t.equal((await api(sim, 'GET', `/teams/${secret}`)).status, byGid, 'GET /teams/{gid}');
    t.equal((await api(sim, 'GET', `/teams/${secret}/team_memberships?limit=10`)).status, byGid, 'its memberships');
    t.equal((await post(sim, `/teams/${secret}/addUser`, { user: 'me' })).status, byGid, 'joining it');
    t.equal(sim.teams().length, 2, 'the control API still sees both');
  });

  t.test(`${mode}: addUser answers a UserBaseResponse; off-domain addresses become guests`, async (t) => {
    const sim = await start(t, mode, 0);
    for (const [email, guest] of [
      ['new.person@example.com', false],
      ['contractor@elsewhere.net', true],
    ] as const) {
      const added = await post(sim, `/workspaces/${sim.workspaceGid}/addUser`, { user: email });
      t.same(Object.keys(added.body.data).sort(), ['email', 'gid', 'name', 'photo', 'resource_type'], email);
      const memberships = await api<DataBody<Compact[]>>(sim, 'GET', `/users/${added.body.data.gid}/workspace_memberships`);
      const gid = memberships.body.data[0]?.gid;
      const full = await api<DataBody<Compact>>(sim, 'GET', `/workspace_memberships/${gid}`);
      t.match(full.body.data, { gid, resource_type: 'workspace_membership', is_guest: guest, is_active: true }, email);
    }
    t.equal((await api(sim, 'GET', '/workspace_memberships/1999999999999999')).status, 404, 'an unknown membership');
  });
}
