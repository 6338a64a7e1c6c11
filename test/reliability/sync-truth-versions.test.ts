import t from 'tap';
import { startHarness, userBody } from '../helpers/harness.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Issue 9 item 6: an undone write moves the version on; one ETag never names two states.
t.test('an undone write does not give its version number back', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '3000' } });

  t.test('user', async (t) => {
    const user = await h.request('POST', '/Users', { body: userBody('etag@example.com') });
    t.equal(user.headers.get('etag'), 'W/"1"');
    h.simulator.setFaults({ latencyMs: 300, failNext: { count: 1, status: 403 } });
    const deactivate = h.request('PATCH', `/Users/${user.body.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = await h.request('GET', `/Users/${user.body.id}`);
    t.equal(during.headers.get('etag'), 'W/"2"', 'a reader sees the write while Asana is asked');
    t.equal(during.body.active, false);
    t.equal((await deactivate).status, 403, 'Asana refused: the write is undone');
    h.simulator.clearFaults();
    const undone = await h.request('GET', `/Users/${user.body.id}`);
    t.equal(undone.body.active, true);
    t.equal(undone.headers.get('etag'), 'W/"3"', 'the undo is a new version');
    const next = await h.request('PATCH', `/Users/${user.body.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Other' }] },
    });
    t.equal(next.headers.get('etag'), 'W/"4"');
  });

  t.test('group', async (t) => {
    const group = await h.request('POST', '/Groups', { body: { displayName: 'Versions', members: [] } });
    h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
    const renamed = await h.request('PATCH', `/Groups/${group.body.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Never' }] },
    });
    t.equal(renamed.status, 403);
    h.simulator.clearFaults();
    const undone = await h.request('GET', `/Groups/${group.body.id}`);
    t.equal(undone.body.displayName, 'Versions');
    t.equal(undone.headers.get('etag'), 'W/"3"', 'the undone rename had W/"2"; the undo is W/"3"');
  });
});

// Deleting a user takes them out of their groups: each such group is a new state, so a new version.
t.test("deleting a member gives each of the member's groups a new version", async (t) => {
  const h = await startHarness(t);
  const user = await h.request('POST', '/Users', { body: userBody('member-gone@example.com') });
  const group = await h.request('POST', '/Groups', { body: { displayName: 'Loses one', members: [{ value: user.body.id }] } });
  t.equal(group.headers.get('etag'), 'W/"1"');
  const before = await h.request('GET', `/Groups/${group.body.id}`);
  t.equal(before.body.members.length, 1);
  t.equal((await h.request('DELETE', `/Users/${user.body.id}`)).status, 204);
  const after = await h.request('GET', `/Groups/${group.body.id}`);
  t.same(after.body.members ?? [], []);
  t.equal(after.headers.get('etag'), 'W/"2"', 'another member list, another ETag');
  t.not(after.body.meta.lastModified, before.body.meta.lastModified, 'lastModified moves with it');
  const stale = await h.request('PATCH', `/Groups/${group.body.id}`, {
    headers: { 'If-Match': 'W/"1"' },
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Stale' }] },
  });
  t.equal(stale.status, 412, 'a write made against the old member list is refused');
});
