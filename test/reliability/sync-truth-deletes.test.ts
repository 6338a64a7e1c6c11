import t from 'tap';
import { groupKey } from '../../src/store/work-keys.js';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Issue 9 item 5: deleting a resource settles its dependent work at once; work for a resource that is gone is
// finished, never retried.
t.test("a deleted user's queued team add is settled by the delete", async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  const created = (await h.request('POST', '/Groups', { body: { displayName: 'Settled', members: [] } })).body;
  t.ok(await h.bridge.runner.drain(10_000));
  const group = (await h.request('GET', `/Groups/${created.id}`)).body;
  t.equal(group[SYNC].state, 'synced');

  h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
  const user = (await h.request('POST', '/Users', { body: userBody('gone@example.com') })).body;
  const added = await h.request('PATCH', `/Groups/${group.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] },
  });
  t.equal(added.status, 204);
  t.equal((await h.request('GET', `/Groups/${group.id}`)).body[SYNC].state, 'pending');

  t.equal((await h.request('DELETE', `/Users/${user.id}`)).status, 204);
  const settled = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.same(settled.members ?? [], [], 'the group no longer lists the user');
  t.equal(settled[SYNC].state, 'synced', 'the group has nothing left to do for the deleted user');
  t.equal(await h.bridge.store.hasQueuedWork(groupKey(group.id)), false, 'its team add left the queue with the user');

  h.simulator.clearFaults();
  t.ok(await h.bridge.runner.drain(5_000), 'the queue drains: nothing spins');
  t.equal(h.simulator.users().find((u) => u.email === 'gone@example.com')?.active ?? false, false);
  t.same(managedMembers(h, h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid)), []);
  t.notOk(h.logs.some((line) => line.includes('"level":50')), 'no error logged');
});
