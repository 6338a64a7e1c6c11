import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

/**
 * Team permissions and team lookup (issue 10, items 2 and 7). An admin's personal access token ('pat', the
 * simulator's default) changes a team's members only as a member and does not see secret teams it is not in; the
 * service account ('serviceAccount') sees and changes every team.
 */
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
type Mode = 'pat' | 'serviceAccount';

const members = (h: Harness, gid: string) => h.simulator.teams().find((x) => x.gid === gid)?.memberGids ?? [];
const teamCalls = (h: Harness) => h.simulator.requests().filter((r) => r.path.includes('/teams'));

for (const mode of ['pat', 'serviceAccount'] as const satisfies Mode[]) {
  t.test(`${mode}: "push to an existing group" links a public team someone else made, with the owner in it`, async (t) => {
    const h = await startHarness(t, { simulator: { tokenMode: mode } });
    const alice = (await h.request('POST', '/Users', { body: userBody('alice@example.com') })).body;
    const existing = h.simulator.addTeam({ name: 'Sales', visibility: 'public' });
    h.simulator.clearRequests();
    const group = await h.request('POST', '/Groups', { body: { displayName: 'Sales', members: [{ value: alice.id }] } });
    t.equal(group.status, 201);
    t.match(group.body[SYNC], { state: 'synced', asanaGid: existing.gid }, 'linked, not a second team');
    t.same(new Set(members(h, existing.gid)), new Set([h.simulator.tokenOwnerGid, alice[SYNC].asanaGid]), 'the owner joined first');
    t.equal(h.simulator.teams().length, 1);
  });
}

t.test('pat: a secret team the token cannot see is not found: a new team is created', async (t) => {
  const h = await startHarness(t);
  const someone = h.simulator.addUser({ name: 'Someone', email: 'someone@example.com' });
  const hidden = h.simulator.addTeam({ name: 'Secret Plans', visibility: 'secret', memberGids: [someone.gid] });
  const group = await h.request('POST', '/Groups', { body: { displayName: 'Secret Plans' } });
  t.equal(group.status, 201);
  t.not(group.body[SYNC].asanaGid, hidden.gid, 'a new team');
  t.same(members(h, hidden.gid), [someone.gid], 'the hidden team is untouched');
  t.same(h.simulator.teams().filter((x) => x.name === 'Secret Plans').length, 2);
});

t.test('serviceAccount: the same secret team is found and linked', async (t) => {
  const h = await startHarness(t, { simulator: { tokenMode: 'serviceAccount' } });
  const hidden = h.simulator.addTeam({ name: 'Secret Plans', visibility: 'secret' });
  const group = await h.request('POST', '/Groups', { body: { displayName: 'Secret Plans' } });
  t.equal(group.body[SYNC].asanaGid, hidden.gid);
});

t.test("pat: a team the owner may not join is reported in the group's Sync state, not retried, not undone", async (t) => {
  const h = await startHarness(t);
  const alice = (await h.request('POST', '/Users', { body: userBody('alice@example.com') })).body;
  // Visible (request to join) but closed to the owner: Asana answers 403 to their joining.
  const closed = h.simulator.addTeam({ name: 'Legal', visibility: 'request_to_join' });
  const group = await h.request('POST', '/Groups', { body: { displayName: 'Legal', members: [{ value: alice.id }] } });
  t.equal(group.status, 201, 'the IdP intent is recorded');
  t.match(group.body[SYNC], { state: 'failed', lastError: /TeamAccessRefused: .*403.*add them to the team in Asana/ });
  t.same(members(h, closed.gid), [], 'nobody was changed');
  h.simulator.clearRequests();
  await sleep(500);
  t.same(teamCalls(h), [], 'not retried by the background loop');
  t.equal((await h.request('GET', `/Groups/${group.body.id}`)).status, 200, 'not undone');
});

t.test("pat: a 403 on a team membership change answers with Asana's reason, once, and is not retried", async (t) => {
  const h = await startHarness(t);
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map(async (n) => (await h.request('POST', '/Users', { body: userBody(`${n}@example.com`) })).body),
  );
  // A team the owner is in, open to requests (not public): once they leave it, they may not rejoin on their own.
  const team = h.simulator.addTeam({ name: 'Ops', visibility: 'request_to_join', memberGids: [h.simulator.tokenOwnerGid] });
  const group = (await h.request('POST', '/Groups', { body: { displayName: 'Ops', members: [{ value: alice.id }] } })).body;
  t.equal(group[SYNC].asanaGid, team.gid);
  // Someone takes the owner out of the team in Asana: only members may change it.
  const leave = await fetch(`${h.simulator.url}/teams/${team.gid}/removeUser`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { user: 'me' } }),
  });
  t.equal(leave.status, 200);
  h.simulator.clearRequests();
  const added = await h.request('PATCH', `/Groups/${group.id}`, {
    body: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }],
    },
  });
  t.equal(added.status, 403, "the IdP hears Asana's no, nothing of it having reached Asana");
  t.match(added.body.detail, /Only members of this team can change its members/);
  await sleep(500);
  t.equal(teamCalls(h).length, 1, 'one call, never retried');
  t.same(members(h, team.gid), [alice[SYNC].asanaGid]);
  // The reconciler reports the team's drift without looping on it: the owner is not in the team to change it.
  const report = await h.bridge.reconciler.run('restore');
  t.same(report.drift, [], 'the group was left as it was: no drift');
});

t.test('POST /Groups with 5,000 teams in the workspace costs a constant number of Asana calls', async (t) => {
  const h = await startHarness(t);
  for (let i = 0; i < 5_000; i++) h.simulator.addTeam({ name: `Team ${String(i).padStart(4, '0')}` });
  const calls: Record<string, number> = {};
  const measure = async (displayName: string) => {
    h.simulator.clearRequests();
    const created = await h.request('POST', '/Groups', { body: { displayName } });
    t.equal(created.status, 201, displayName);
    t.ok(await h.bridge.runner.drain(10_000));
    calls[displayName] = h.simulator.requests().length;
    return created.body;
  };
  const fresh = await measure('Brand New');
  const linked = await measure('Team 4321');
  t.equal(linked[SYNC].asanaGid, h.simulator.teams().find((x) => x.name === 'Team 4321')?.gid, 'links the existing team');
  t.not(fresh[SYNC].asanaGid, undefined);
  // Typeahead answers the exact name among at most 100: a new name costs typeahead + createTeam, an existing one
  // typeahead + the owner joining it. Paging every team would cost 50 GETs before either.
  t.same(calls, { 'Brand New': 2, 'Team 4321': 2 });
  t.comment(`calls per group create with 5,000 teams: new name ${calls['Brand New']}, existing name ${calls['Team 4321']}`);
  // A query that matches more teams than typeahead answers falls back to paging them all.
  h.simulator.clearRequests();
  const broad = await h.request('POST', '/Groups', { body: { displayName: 'Team' } });
  t.equal(broad.status, 201);
  t.ok(await h.bridge.runner.drain(30_000), 'on a loaded machine the walk may outlast the write deadline');
  const pages = h.simulator.requests().filter((r) => r.path.endsWith('/teams') && r.method === 'GET').length;
  t.equal(pages, 51, 'typeahead full (100 of 5,000 "Team …"), so every page is read: 5,002 teams / 100');
  t.comment(`calls for a name that prefixes 5,000 teams: ${h.simulator.requests().length}`);
});
