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
