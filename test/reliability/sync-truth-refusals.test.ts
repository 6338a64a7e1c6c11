import t from 'tap';
import { managedMembers, startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FAILED = `/Users?filter=${encodeURIComponent(`${SYNC}:state eq "failed"`)}`;
const FAILED_GROUPS = `/Groups?filter=${encodeURIComponent(`${SYNC}:state eq "failed"`)}`;

/** Asana refuses the next call with `status`, answering after the write's 300 ms deadline. */
function refuseAfterDeadline(h: Harness, status: number): void {
  h.simulator.setFaults({ latencyMs: 600, failNext: { count: 1, status } });
}

// Issue 9 item 3: a refused prerequisite fails its dependents, stays failed, and the next write queues it again.
t.test('a team creation Asana refuses after the deadline', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  const { id } = (await h.request('POST', '/Users', { body: userBody('a@example.com') })).body;
  t.ok(await h.bridge.runner.drain(10_000));
  const a = (await h.request('GET', `/Users/${id}`)).body;
  refuseAfterDeadline(h, 403);
  const created = await h.request('POST', '/Groups', { body: { displayName: 'Refused', members: [{ value: a.id }] } });
  t.equal(created.status, 201);
  t.equal(created.body[SYNC].state, 'pending');

  t.ok(await h.bridge.runner.drain(5_000), 'its member add does not wait forever for the missing team');
  h.simulator.clearFaults();
  const group = (await h.request('GET', `/Groups/${created.body.id}`)).body;
  t.equal(group[SYNC].state, 'failed', 'the group says failed, and stays so');
  t.match(group[SYNC].lastError, /403/);
  const listed = (await h.request('GET', FAILED_GROUPS)).body;
  t.same(listed.Resources.map((g: { id: string }) => g.id), [created.body.id], 'the failed filter lists it');
  t.equal(h.simulator.teams().filter((x) => x.name === 'Refused').length, 0);

  const renamed = await h.request('PATCH', `/Groups/${created.body.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Refused no more' }] },
  });
  t.equal(renamed.status, 204);
  t.ok(await h.bridge.runner.drain(10_000));
  const after = (await h.request('GET', `/Groups/${created.body.id}`)).body;
  t.equal(after[SYNC].state, 'synced', 'the next write created the team and added its member');
  const teams = h.simulator.teams().filter((x) => x.name === 'Refused no more');
  t.equal(teams.length, 1);
  t.same(managedMembers(h, teams[0]), [a[SYNC].asanaGid]);
  t.equal(after[SYNC].asanaGid, teams[0]?.gid);
});

// Issue 9 item 4: any write to an active user who is not in Asana (or failed) queues the invitation again.
t.test('a user whose invitation Asana refused', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  const writes: Array<[string, (id: string) => Promise<number>]> = [
    ['PATCH of the title', async (id) => (await h.request('PATCH', `/Users/${id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] },
    })).status],
    ['PUT', async (id) => (await h.request('PUT', `/Users/${id}`, { body: userBody(`put@example.com`, { title: 'x' }) })).status],
  ];
  for (const [name, write] of writes) {
    await t.test(name, async (t) => {
      const email = name === 'PUT' ? 'put@example.com' : 'patch@example.com';
      refuseAfterDeadline(h, 402);
      const created = await h.request('POST', '/Users', { body: userBody(email) });
      t.equal(created.status, 201);
      t.ok(await h.bridge.runner.drain(5_000));
      h.simulator.clearFaults();
      const refused = (await h.request('GET', `/Users/${created.body.id}`)).body;
      t.equal(refused[SYNC].state, 'failed');
      t.ok((await h.request('GET', FAILED)).body.Resources.some((u: { id: string }) => u.id === created.body.id));

      h.simulator.clearRequests();
      t.equal(await write(created.body.id), 200);
      t.ok(await h.bridge.runner.drain(10_000));
      t.equal(h.simulator.requests().filter((r) => r.path.endsWith('/addUser')).length, 1, 'the write sent the invitation');
      const after = (await h.request('GET', `/Users/${created.body.id}`)).body;
      t.equal(after[SYNC].state, 'synced');
      t.equal(h.simulator.users().find((u) => u.email === email)?.active, true);
      t.equal(after[SYNC].asanaGid, h.simulator.users().find((u) => u.email === email)?.gid);
    });
  }
});
