import t from 'tap';
import { managedMembers, startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FAILED_GROUPS = `/Groups?filter=${encodeURIComponent(`${SYNC}:state eq "failed"`)}`;

/** Two users in Asana and an empty group linked to a team. */
async function setUp(h: Harness) {
  const b = (await h.request('POST', '/Users', { body: userBody('b@example.com') })).body;
  const c = (await h.request('POST', '/Users', { body: userBody('c@example.com') })).body;
  const created = (await h.request('POST', '/Groups', { body: { displayName: 'Unknown', members: [] } })).body;
  await h.bridge.runner.drain(10_000);
  const group = (await h.request('GET', `/Groups/${created.id}`)).body;
  return { b, c, group };
}

function addBoth(h: Harness, groupId: string, ids: string[]) {
  return h.request('PATCH', `/Groups/${groupId}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }] },
  });
}

const teamAdds = (h: Harness) => h.simulator.requests().filter((r) => /\/teams\/\d+\/addUser$/.test(r.path));

// Issue 9 item 7: where Asana's outcome is unknown, the bridge finds it out before undoing or repeating.
t.test('a refusal beside an unknown outcome does not undo what may have reached Asana', async (t) => {
  // No retries inside the client: the dropped call's outcome stays unknown when the request settles.
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '3000' }, timings: { asanaRetryBudgetMs: 0 } });
  const { b, c, group } = await setUp(h);
  h.simulator.clearRequests();
  h.simulator.setFaults({ dropNext: 1, failNext: { count: 1, status: 403 } });
  const response = await addBoth(h, group.id, [b.id, c.id]);
  t.equal(response.status, 403, 'the IdP hears the refusal');
  h.simulator.clearFaults();
  const kept = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.same(kept.members.map((m: { value: string }) => m.value).sort(), [b.id, c.id].sort(), 'the intent is kept, not undone');
  t.equal(kept[SYNC].state, 'failed', 'the refusal is recorded');

  t.ok(await h.bridge.runner.drain(10_000));
  const team = h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid);
  t.equal(managedMembers(h, team).length, 1, 'the call whose outcome was unknown went through; the refused one did not');
  t.equal(teamAdds(h).length, 3, 'dropped, refused, repeated: the refused call was sent once');
  t.equal((await h.request('GET', `/Groups/${group.id}`)).body[SYNC].state, 'failed', 'failed until the next write');
});

t.test('a refused call is not sent again when another call of the request passes the deadline', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '600' } });
  const { b, c, group } = await setUp(h);
  h.simulator.clearRequests();
  // Both calls wait 400 ms; one is dropped and retried (another 400 ms, past the deadline), the other refused.
  h.simulator.setFaults({ latencyMs: 400, dropNext: 1, failNext: { count: 1, status: 403 } });
  const response = await addBoth(h, group.id, [b.id, c.id]);
  t.equal(response.status, 204, 'answered at the deadline with the work under way');
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.clearFaults();
  t.equal(teamAdds(h).length, 3, 'dropped, refused, repeated: the refused call was sent once');
  const stored = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.equal(stored[SYNC].state, 'failed');
  t.match(stored[SYNC].lastError, /403/);
  t.ok((await h.request('GET', FAILED_GROUPS)).body.Resources.some((g: { id: string }) => g.id === group.id));
  t.equal(managedMembers(h, h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid)).length, 1);
});
