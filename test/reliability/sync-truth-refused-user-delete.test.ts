import t from 'tap';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

// Issue 9, found by the model test (test/model/replays/refused-user-delete-leaves-team-member.json): a user's
// DELETE is answered 204 before Asana refuses the removal from the workspace, which was to take them out of their
// teams too. Their groups must not say `synced` while the teams still hold them: the teams' removals are queued.
t.test("a deleted user's refused workspace removal still takes them out of their teams", async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '100' } });
  const user = (await h.request('POST', '/Users', { body: userBody('leaver@example.com') })).body;
  const linked = async (id: string) => (await h.request('GET', `/Users/${id}`)).body;
  const other = (await h.request('POST', '/Users', { body: userBody('stayer@example.com') })).body;
  t.ok(await h.bridge.runner.drain(10_000));
  const members = [{ value: user.id }, { value: other.id }];
  const created = (await h.request('POST', '/Groups', { body: { displayName: 'Leavers', members } })).body;
  t.ok(await h.bridge.runner.drain(10_000));
  const group = (await h.request('GET', `/Groups/${created.id}`)).body;
  t.equal(group[SYNC].state, 'synced');
  const teamGid = group[SYNC].asanaGid as string;

  // Asana answers after the write's deadline, and refuses.
  h.simulator.setFaults({ latencyMs: 400, failNext: { count: 1, status: 402 } });
  t.equal((await h.request('DELETE', `/Users/${user.id}`)).status, 204);
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.clearFaults();
  t.equal(h.simulator.users().find((u) => u.email === 'leaver@example.com')?.active, true, 'Asana refused the removal');
  t.ok(await h.bridge.runner.drain(10_000));

  const after = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.same(after.members.map((m: { value: string }) => m.value), [other.id]);
  t.same(managedMembers(h, h.simulator.teams().find((x) => x.gid === teamGid)), [(await linked(other.id))[SYNC].asanaGid], 'the team no longer holds them');
  t.equal(after[SYNC].state, 'synced', 'and only then does the group say synced');
});

// The person comes back under a new SCIM id and into the same group before the team removal runs: it must not
// take the re-hired person out of the team.
t.test('the team removal left by a refused delete spares the same person listed again', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '100' } });
  const user = (await h.request('POST', '/Users', { body: userBody('rehire@example.com') })).body;
  const created = (await h.request('POST', '/Groups', { body: { displayName: 'Rehires', members: [{ value: user.id }] } })).body;
  t.ok(await h.bridge.runner.drain(10_000));
  const group = (await h.request('GET', `/Groups/${created.id}`)).body;
  const teamGid = group[SYNC].asanaGid as string;

  h.simulator.setFaults({ latencyMs: 400, failNext: { count: 1, status: 403 } });
  t.equal((await h.request('DELETE', `/Users/${user.id}`)).status, 204);
  const again = (await h.request('POST', '/Users', { body: userBody('rehire@example.com') })).body;
  const put = await h.request('PUT', `/Groups/${group.id}`, { body: { displayName: 'Rehires', members: [{ value: again.id }] } });
  t.equal(put.status, 200);
  h.simulator.clearFaults();
  t.ok(await h.bridge.runner.drain(10_000));

  const person = h.simulator.users().find((u) => u.email === 'rehire@example.com');
  t.equal(person?.active, true);
  t.same(managedMembers(h, h.simulator.teams().find((x) => x.gid === teamGid)), [person?.gid], 'the re-hired person stays in the team');
  t.equal((await h.request('GET', `/Groups/${group.id}`)).body[SYNC].state, 'synced');
});
