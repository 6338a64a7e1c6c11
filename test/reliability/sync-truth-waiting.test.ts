import t from 'tap';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

// Issue 9 items 3 and 5: work that can only wait for a queued prerequisite is not woken to poll it.
t.test("a group's member adds wait for its team without polling", async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await h.request('POST', '/Users', { body: userBody(`m${i}@example.com`) })).body.id);
  t.ok(await h.bridge.runner.drain(10_000));

  h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
  const group = await h.request('POST', '/Groups', { body: { displayName: 'Behind', members: ids.map((value) => ({ value })) } });
  t.equal(group.status, 201);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  h.simulator.clearFaults();
  t.ok(await h.bridge.runner.drain(20_000));

  const deferredAdds = h.logs.filter((line) => line.includes('asana work deferred') && line.includes('"addUserToTeam"'));
  t.equal(deferredAdds.length, 0, 'no member add was tried while the team was not there');
  const stored = (await h.request('GET', `/Groups/${group.body.id}`)).body;
  t.equal(stored[SYNC].state, 'synced');
  t.equal(managedMembers(h, h.simulator.teams().find((x) => x.gid === stored[SYNC].asanaGid)).length, 5);
});
