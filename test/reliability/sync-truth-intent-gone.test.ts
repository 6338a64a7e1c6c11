import t from 'tap';
import { managedMembers, startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function patch(h: Harness, path: string, operation: Record<string, unknown>) {
  return h.request('PATCH', path, { body: { schemas: [PATCH], Operations: [operation] } });
}

// Work whose intent no longer holds when Asana refuses it (the user was deactivated, or left the group, while the
// call was in flight) is finished, not failed: what the IdP asks for now holds in Asana.
t.test('a refused team add whose intent is gone does not fail its group', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  const cases: Array<[string, (userId: string, groupId: string) => Promise<unknown>]> = [
    ['the user was deactivated meanwhile', (userId) => patch(h, `/Users/${userId}`, { op: 'replace', path: 'active', value: false })],
    ['the user left the group meanwhile', (userId, groupId) =>
      patch(h, `/Groups/${groupId}`, { op: 'remove', path: `members[value eq "${userId}"]` })],
  ];
  let n = 0;
  for (const [name, meanwhile] of cases) {
    await t.test(name, async (t) => {
      n++;
      const user = (await h.request('POST', '/Users', { body: userBody(`gone-${n}@example.com`) })).body;
      const group = (await h.request('POST', '/Groups', { body: { displayName: `Intent ${n}`, members: [] } })).body;
      t.equal(group[SYNC].state, 'synced');
      // The add reaches Asana first and is refused after the write's deadline; the second write lands before.
      h.simulator.setFaults({ latencyMs: 500, failNext: { count: 1, status: 403 } });
      const added = await patch(h, `/Groups/${group.id}`, { op: 'add', path: 'members', value: [{ value: user.id }] });
      t.equal(added.status, 204, 'answered at the deadline, the add still in flight');
      await meanwhile(user.id, group.id);
      t.ok(await h.bridge.runner.drain(10_000));
      h.simulator.clearFaults();
      const after = (await h.request('GET', `/Groups/${group.id}`)).body;
      t.equal(after[SYNC].state, 'synced', 'the IdP intent holds in Asana: nothing failed');
      t.same(managedMembers(h, h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid)), [], 'and Asana holds no membership');
    });
  }
});
