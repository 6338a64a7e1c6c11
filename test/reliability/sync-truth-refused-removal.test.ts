import t from 'tap';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// A membership change Asana refused stays owed: the next write of the group retries it, so the group never says
// `synced` while its team differs (the write itself need not touch that member).
t.test('a refused member removal is retried by the next write of the group', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '3000' } });
  const a = (await h.request('POST', '/Users', { body: userBody('a@example.com') })).body;
  const b = (await h.request('POST', '/Users', { body: userBody('b@example.com') })).body;
  const group = (await h.request('POST', '/Groups', {
    body: { displayName: 'Two', members: [{ value: a.id }, { value: b.id }] },
  })).body;
  t.equal(group[SYNC].state, 'synced');
  const team = () => managedMembers(h, h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid));
  t.equal(team().length, 2);

  h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
  const emptied = await h.request('PUT', `/Groups/${group.id}`, { body: { displayName: 'Two', members: [] } });
  h.simulator.clearFaults();
  t.equal(emptied.status, 403, 'one removal refused: the IdP hears it');
  const failed = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.equal(failed[SYNC].state, 'failed');
  t.same(failed.members ?? [], [], 'the other removal reached Asana, so the write stays');
  t.equal(team().length, 1, 'Asana still has the refused member');

  const noop = await h.request('PATCH', `/Groups/${group.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Two' }] },
  });
  t.equal(noop.status, 204);
  t.ok(await h.bridge.runner.drain(10_000));
  const after = (await h.request('GET', `/Groups/${group.id}`)).body;
  t.same(team(), [], 'the refused removal was retried');
  t.equal(after[SYNC].state, 'synced', 'and only then does the group say synced');
});
