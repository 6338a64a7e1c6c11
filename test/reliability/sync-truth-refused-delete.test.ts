import t from 'tap';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

// A DELETE Asana refuses is undone: the IdP hears 403, so the group must still be there, at a new version.
t.test('a group delete Asana refuses leaves the group as it was', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '3000' } });

  await t.test('without members (the refused rename was its only clean-up)', async (t) => {
    const group = await h.request('POST', '/Groups', { body: { displayName: 'Kept', members: [] } });
    t.equal(group.body[SYNC].state, 'synced');
    h.simulator.setFaults({ failNext: { count: 1, status: 402 } });
    t.equal((await h.request('DELETE', `/Groups/${group.body.id}`)).status, 403);
    h.simulator.clearFaults();
    const after = await h.request('GET', `/Groups/${group.body.id}`);
    t.equal(after.status, 200, 'the group is still there');
    t.equal(after.body.displayName, 'Kept');
    t.equal(after.headers.get('etag'), 'W/"2"', 'the undo is a new version');
    t.ok(await h.bridge.runner.drain(5_000));
    t.equal(h.simulator.teams().find((x) => x.gid === group.body[SYNC].asanaGid)?.name, 'Kept', 'its team keeps its name');
    t.equal((await h.request('DELETE', `/Groups/${group.body.id}`)).status, 204, 'a later delete goes through');
    t.equal((await h.request('GET', `/Groups/${group.body.id}`)).status, 404);
  });

  await t.test('with a member', async (t) => {
    const user = (await h.request('POST', '/Users', { body: userBody('stays@example.com') })).body;
    const group = await h.request('POST', '/Groups', { body: { displayName: 'Kept too', members: [{ value: user.id }] } });
    t.equal(group.body[SYNC].state, 'synced');
    h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
    t.equal((await h.request('DELETE', `/Groups/${group.body.id}`)).status, 403);
    h.simulator.clearFaults();
    const after = await h.request('GET', `/Groups/${group.body.id}`);
    t.equal(after.status, 200, 'the group is still there');
    t.same(after.body.members.map((m: { value: string }) => m.value), [user.id]);
    t.ok(await h.bridge.runner.drain(5_000));
    t.same(managedMembers(h, h.simulator.teams().find((x) => x.gid === group.body[SYNC].asanaGid)), [user[SYNC].asanaGid]);
  });
});
