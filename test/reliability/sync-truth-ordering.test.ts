import t from 'tap';
import { startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

// Issue 9 item 1: Asana work for one person runs in the order the IdP asked for it, whatever SCIM id it came under.
t.test('a re-hire during an outage ends active in Asana, after the old record is removed', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
  const first = await h.request('POST', '/Users', { body: userBody('bob@example.com') });
  t.equal(first.status, 201);
  t.equal(first.body[SYNC].state, 'pending', 'the invitation is queued');
  t.equal((await h.request('DELETE', `/Users/${first.body.id}`)).status, 204, 'the removal is queued behind it');

  h.simulator.clearFaults();
  const second = await h.request('POST', '/Users', { body: userBody('bob@example.com') });
  t.equal(second.status, 201);
  t.not(second.body[SYNC].state, 'synced', 'the new invitation waits for the old removal: not synced yet');

  t.ok(await h.bridge.runner.drain(20_000), 'the queue drains');
  const bob = h.simulator.users().filter((u) => u.email === 'bob@example.com');
  t.equal(bob.length, 1);
  t.equal(bob[0]?.active, true, 'Asana ends with bob in the workspace, as the IdP asked last');
  const stored = (await h.request('GET', `/Users/${second.body.id}`)).body;
  t.equal(stored.active, true);
  t.equal(stored[SYNC].state, 'synced');
  const calls = h.simulator.requests().filter((r) => r.status === 200 && /\/(addUser|removeUser)$/.test(r.path));
  t.same(calls.map((r) => r.path.split('/').pop()), ['addUser', 'removeUser', 'addUser'], 'invite, remove, re-invite');
});

