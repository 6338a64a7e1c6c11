import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

const asanaCalls = (h: Harness) => h.simulator.requests().map((r) => `${r.method} ${r.path}`);
const writes = (h: Harness) => asanaCalls(h).filter((c) => !c.startsWith('GET'));
/**
 * An Asana team with the members the IdP manages: the token's owner (an admin's personal access token, the
 * simulator's default) is in every team the bridge creates and stays there (test/provisioning/token-owner.test.ts).
 */
const teamOf = (h: Harness, gid: string) => {
  const team = h.simulator.teams().find((each) => each.gid === gid);
  return team && { ...team, memberGids: team.memberGids.filter((member) => member !== h.simulator.tokenOwnerGid) };
};
const patch = (...operations: unknown[]) => ({ schemas: [PATCH], Operations: operations });

async function createUsers(h: Harness, prefix: string, n: number): Promise<Array<{ id: string; gid: string }>> {
  const users = [];
  for (let i = 0; i < n; i++) {
    const response = await h.request('POST', '/Users', { body: userBody(`${prefix}${i}@example.com`) });
    users.push({ id: response.body.id as string, gid: response.body[SYNC].asanaGid as string });
  }
  return users;
}

t.test('Groups as Asana teams', async (t) => {
  const h = await startHarness(t);
  const people = await createUsers(h, 'member', 6);
  const [a, b, c, d] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0]];

  t.test('POST creates a team and adds each member with one call', async (t) => {
    h.simulator.clearRequests();
    const response = await h.request('POST', '/Groups', {
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: a.id }, { value: b.id }] },
    });
    t.equal(response.status, 201);
    const group = response.body;
    t.equal(group.displayName, 'Engineering');
    t.equal(group[SYNC].state, 'synced');
    t.same(group.members.map((m: { value: string }) => m.value), [a.id, b.id]);
    t.match(group.members[0], { value: a.id, display: 'member0@example.com', $ref: `${h.base}/Users/${a.id}`, type: 'User' });
    const team = teamOf(h, group[SYNC].asanaGid);
    t.equal(team?.name, 'Engineering');
    t.same(new Set(team?.memberGids), new Set([a.gid, b.gid]));
    t.ok(h.simulator.teams().find((each) => each.gid === team?.gid)?.memberGids.includes(h.simulator.tokenOwnerGid), 'and the owner');
    t.same(writes(h).sort(), ['POST /api/1.0/teams', `POST /api/1.0/teams/${team?.gid}/addUser`, `POST /api/1.0/teams/${team?.gid}/addUser`].sort());
  });

  t.test('an unknown member is 400 invalidValue and nothing changes', async (t) => {
    h.simulator.clearRequests();
    const teamsBefore = h.simulator.teams().length;
    const response = await h.request('POST', '/Groups', { body: { displayName: 'Ghosts', members: [{ value: 'nobody' }] } });
    t.equal(response.status, 400);
    t.equal(response.body.scimType, 'invalidValue');
    t.equal(h.simulator.teams().length, teamsBefore);
    t.same(asanaCalls(h), []);
    t.equal((await h.request('GET', '/Groups?filter=displayName eq "Ghosts"')).body.totalResults, 0);
  });

  t.test('a duplicate displayName (any case) is 409 uniqueness', async (t) => {
    const response = await h.request('POST', '/Groups', { body: { displayName: 'ENGINEERING', members: [] } });
    t.equal(response.status, 409);
    t.equal(response.body.scimType, 'uniqueness');
  });

  t.test('an existing, unlinked Asana team of that name is linked, not duplicated', async (t) => {
    const made = await fetch(`${h.simulator.url}/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { name: 'Design', organization: h.simulator.workspaceGid } }),
    });
    const existing = ((await made.json()) as { data: { gid: string } }).data.gid;
    const response = await h.request('POST', '/Groups', { body: { displayName: 'Design', members: [] } });
    t.equal(response.status, 201);
    t.equal(response.body[SYNC].asanaGid, existing);
    t.equal(h.simulator.teams().filter((team) => team.name === 'Design').length, 1);
  });

  t.test('reads come from the store: filters, excludedAttributes=members, users\' groups', async (t) => {
    h.simulator.clearRequests();
    const found = await h.request('GET', '/Groups?filter=displayName eq "engineering"&excludedAttributes=members');
    t.equal(found.body.totalResults, 1);
    t.equal(found.body.Resources[0].members, undefined);
    const id = found.body.Resources[0].id;
    const single = await h.request('GET', `/Groups/${id}?excludedAttributes=members`);
    t.equal(single.status, 200);
    t.equal(single.body.members, undefined);
    t.equal((await h.request('GET', `/Groups?filter=members[value eq "${a.id}"]`)).body.totalResults, 1);
    const user = (await h.request('GET', `/Users/${a.id}`)).body;
    t.same(user.groups.map((g: { value: string; display: string }) => [g.value, g.display]), [[id, 'Engineering']]);
    t.same(asanaCalls(h), []);
  });

  t.test('PATCH in the forms Okta and Entra send, each member one call, no-ops free', async (t) => {
    const created = (await h.request('POST', '/Groups', { body: { displayName: 'Ops', members: [{ value: a.id }] } })).body;
    const id = created.id;
    const gid = created[SYNC].asanaGid;
    const members = async () => ((await h.request('GET', `/Groups/${id}`)).body.members ?? []).map((m: { value: string }) => m.value);
    const cases: Array<[string, unknown, string[], number]> = [
      ['add a list', patch({ op: 'add', path: 'members', value: [{ value: b.id }, { value: c.id }] }), [a.id, b.id, c.id], 2],
      ['add again (no-op)', patch({ op: 'add', path: 'members', value: [{ value: b.id }] }), [a.id, b.id, c.id], 0],
      ['Okta remove by filter', patch({ op: 'remove', path: `members[value eq "${b.id}"]` }), [a.id, c.id], 1],
      ['Entra Remove with a value list', patch({ op: 'Remove', path: 'members', value: [{ value: c.id }] }), [a.id], 1],
      ['replace the whole list', patch({ op: 'replace', path: 'members', value: [{ value: c.id }, { value: d.id }] }), [c.id, d.id], 3],
      ['Okta no-path replace of id and displayName (unchanged)', patch({ op: 'replace', value: { id, displayName: 'Ops' } }), [c.id, d.id], 0],
      ['several ops in order', patch(
        { op: 'add', path: 'members', value: [{ value: a.id }] },
        { op: 'remove', path: `members[value eq "${a.id}"]` },
        { op: 'remove', path: `members[value eq "${c.id}"]` },
      ), [d.id], 1],
      ['replace with []', patch({ op: 'replace', path: 'members', value: [] }), [], 1],
    ];
    for (const [name, body, expected, calls] of cases) {
      h.simulator.clearRequests();
      const response = await h.request('PATCH', `/Groups/${id}`, { body });
      t.equal(response.status, 204, `${name}: 204`);
      t.same(await members(), expected, `${name}: members`);
      t.equal(writes(h).length, calls, `${name}: ${calls} Asana calls`);
      const gids = new Set(expected.map((uid) => people.find((p) => p.id === uid)?.gid));
      t.same(new Set(teamOf(h, gid)?.memberGids), gids, `${name}: Asana's team matches`);
    }
    h.simulator.clearRequests();
    const renamed = await h.request('PATCH', `/Groups/${id}?attributes=displayName`, {
      body: patch({ op: 'replace', value: { id, displayName: 'Operations' } }),
    });
    t.equal(renamed.status, 200);
    t.equal(renamed.body.displayName, 'Operations');
    t.same(writes(h), [`PUT /api/1.0/teams/${gid}`]);
    t.equal(teamOf(h, gid)?.name, 'Operations');
  });

  t.test('adding 3 members to a group of 100 costs exactly 3 Asana calls', async (t) => {
    const hundred = await createUsers(h, 'bulk', 103);
    const first = hundred.slice(0, 100).map((u) => ({ value: u.id }));
    const created = (await h.request('POST', '/Groups', { body: { displayName: 'Hundred', members: first } })).body;
    // On a loaded machine 100 adds may outlast the write deadline; the figure below is about the PATCH.
    t.ok(await h.bridge.runner.drain(30_000));
    t.equal(teamOf(h, created[SYNC].asanaGid)?.memberGids.length, 100);
    h.simulator.clearRequests();
    const response = await h.request('PATCH', `/Groups/${created.id}`, {
      body: patch({ op: 'add', path: 'members', value: hundred.slice(100).map((u) => ({ value: u.id })) }),
    });
    t.equal(response.status, 204);
    t.equal(asanaCalls(h).length, 3);
    t.equal(teamOf(h, created[SYNC].asanaGid)?.memberGids.length, 103);
  });

  t.test('PUT replaces displayName and members', async (t) => {
    const created = (await h.request('POST', '/Groups', { body: { displayName: 'Sales', members: [{ value: a.id }] } })).body;
    const response = await h.request('PUT', `/Groups/${created.id}`, { body: { displayName: 'Sales EMEA', members: [{ value: b.id }] } });
    t.equal(response.status, 200);
    t.equal(response.body.displayName, 'Sales EMEA');
    t.same(response.body.members.map((m: { value: string }) => m.value), [b.id]);
    const team = teamOf(h, created[SYNC].asanaGid);
    t.equal(team?.name, 'Sales EMEA');
    t.same(team?.memberGids, [b.gid]);
  });

  t.test('DELETE empties and renames the team, forgets the group, frees the name', async (t) => {
    const created = (await h.request('POST', '/Groups', { body: { displayName: 'Temp', members: [{ value: a.id }, { value: b.id }] } })).body;
    t.equal((await h.request('DELETE', `/Groups/${created.id}`)).status, 204);
    const team = teamOf(h, created[SYNC].asanaGid);
    t.equal(team?.name, '[deprovisioned] Temp');
    t.same(team?.memberGids, []);
    t.equal((await h.request('GET', `/Groups/${created.id}`)).status, 404);
    t.equal((await h.request('POST', '/Groups', { body: { displayName: 'Temp', members: [] } })).status, 201);
  });

  t.test('deactivation leaves the teams; reactivation re-adds the teams the IdP still lists', async (t) => {
    const [e] = await createUsers(h, 'cycler', 1);
    const user = e as { id: string; gid: string };
    const g1 = (await h.request('POST', '/Groups', { body: { displayName: 'Cyc-1', members: [{ value: user.id }] } })).body;
    const g2 = (await h.request('POST', '/Groups', { body: { displayName: 'Cyc-2', members: [{ value: user.id }] } })).body;
    await h.request('PATCH', `/Users/${user.id}`, { body: patch({ op: 'replace', value: { active: false } }) });
    t.same(teamOf(h, g1[SYNC].asanaGid)?.memberGids, [], 'Asana dropped them from the team');
    // The IdP removes them from Cyc-2 while they are inactive: stored, no Asana call (they are not in the workspace).
    h.simulator.clearRequests();
    t.equal((await h.request('PATCH', `/Groups/${g2.id}`, { body: patch({ op: 'remove', path: `members[value eq "${user.id}"]` }) })).status, 204);
    t.same(asanaCalls(h), []);
    await h.request('PATCH', `/Users/${user.id}`, { body: patch({ op: 'replace', value: { active: true } }) });
    t.ok(await h.bridge.runner.drain(10_000));
    t.same(teamOf(h, g1[SYNC].asanaGid)?.memberGids, [user.gid], 're-added to Cyc-1');
    t.same(teamOf(h, g2[SYNC].asanaGid)?.memberGids, [], 'not to Cyc-2');
  });
});
