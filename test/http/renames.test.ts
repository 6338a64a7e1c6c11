import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const asanaCalls = (h: Harness) => h.simulator.requests().map((r) => `${r.method} ${r.path}`);
const replace = (path: string, value: unknown) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path, value }] });

t.test('renames are accepted and tracked, never faked (issue 11 item 2)', async (t) => {
  const h = await startHarness(t);
  const created = (await h.request('POST', '/Users', { body: userBody('old@example.com') })).body;
  const gid = created[SYNC].asanaGid as string;

  t.test('/Schemas says userName is readWrite', async (t) => {
    const schema = (await h.request('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User')).body;
    const userName = schema.attributes.find((a: { name: string }) => a.name === 'userName');
    t.equal(userName.mutability, 'readWrite');
  });

  t.test('PATCH userName: 200, new value at once, same Asana person, no Asana call', async (t) => {
    h.simulator.clearRequests();
    const patched = await h.request('PATCH', `/Users/${created.id}`, { body: replace('userName', 'new@example.com') });
    t.equal(patched.status, 200);
    t.equal(patched.body.userName, 'new@example.com');
    t.equal(patched.body[SYNC].asanaGid, gid);
    t.equal(patched.body[SYNC].asanaEmail, 'new@example.com');
    t.equal(patched.body[SYNC].emailInAsana, 'old@example.com');
    t.equal(patched.body[SYNC].state, 'actionRequired');
    t.match(patched.body[SYNC].action, /Asana profile/);
    t.same(asanaCalls(h), [], 'no removal, no new invitation');
    t.equal((await h.request('GET', '/Users?filter=userName eq "new@example.com"')).body.totalResults, 1);
    t.equal((await h.request('GET', '/Users?filter=userName eq "old@example.com"')).body.totalResults, 0);
    const pending = await h.request('GET', `/Users?filter=${encodeURIComponent(`${SYNC}:state eq "actionRequired"`)}`);
    t.same(pending.body.Resources.map((u: { id: string }) => u.id), [created.id]);
  });

  t.test('deactivate and reactivate after a rename act on the same person', async (t) => {
    h.simulator.clearRequests();
    t.equal((await h.request('PATCH', `/Users/${created.id}`, { body: replace('active', false) })).status, 200);
    t.equal((await h.request('PATCH', `/Users/${created.id}`, { body: replace('active', true) })).status, 200);
    t.same(h.simulator.users().map((u) => u.gid).sort(), [h.simulator.tokenOwnerGid, gid].sort(), 'nobody new was invited');
    t.equal(h.simulator.users()[0]?.active, true);
  });

  t.test('reconcile clears the state once Asana holds the new address', async (t) => {
    await h.bridge.reconciler.run('report');
    t.equal((await h.request('GET', `/Users/${created.id}`)).body[SYNC].state, 'actionRequired', 'Asana has not changed yet');
    h.simulator.changeEmail(gid, 'NEW@example.com');
    await h.bridge.reconciler.run('report');
    const after = (await h.request('GET', `/Users/${created.id}`)).body;
    t.equal(after[SYNC].state, 'synced');
    t.equal(after[SYNC].emailInAsana, undefined);
    t.equal(after[SYNC].action, undefined);
  });

  t.test('PUT with a non-email userName whose Asana email is unchanged is a plain rename', async (t) => {
    const put = await h.request('PUT', `/Users/${created.id}`, {
      body: { ...userBody('jdoe'), emails: [{ value: 'new@example.com', primary: true }] },
    });
    t.equal(put.status, 200);
    t.equal(put.body.userName, 'jdoe');
    t.equal(put.body[SYNC].state, 'synced');
  });
});
