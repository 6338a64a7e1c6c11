import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Lets queued work finish between a write's read of the resource and its store write. */
function drainBefore(h: Harness, method: 'updateUser' | 'updateGroup'): void {
  const store = h.bridge.store;
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    await h.bridge.runner.drain(10_000);
    return original(...args);
  };
}

// What Asana taught the bridge (a gid, a finished step) belongs to the work queue: a write that read the resource
// before its work finished must not put the old gid or the old sync state back.
t.test('a write racing the completion of earlier work', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });

  t.test('user', async (t) => {
    h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
    const user = (await h.request('POST', '/Users', { body: userBody('race@example.com') })).body;
    t.equal(user[SYNC].state, 'pending');
    h.simulator.clearFaults();
    drainBefore(h, 'updateUser');
    const patched = await h.request('PATCH', `/Users/${user.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Racer' }] },
    });
    t.equal(patched.status, 200);
    t.equal(patched.body.title, 'Racer');
    t.equal(patched.body[SYNC].state, 'synced', 'the invitation that finished meanwhile counts');
    t.equal(patched.body[SYNC].asanaGid, h.simulator.users().find((u) => u.email === 'race@example.com')?.gid);
  });

  t.test('group', async (t) => {
    h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
    const group = (await h.request('POST', '/Groups', { body: { displayName: 'Racing', members: [] } })).body;
    t.equal(group[SYNC].state, 'pending');
    h.simulator.clearFaults();
    drainBefore(h, 'updateGroup');
    const patched = await h.request('PATCH', `/Groups/${group.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'ext-1' }] },
    });
    t.equal(patched.status, 204);
    const stored = (await h.request('GET', `/Groups/${group.id}`)).body;
    t.equal(stored[SYNC].state, 'synced');
    t.equal(stored[SYNC].asanaGid, h.simulator.teams().find((x) => x.name === 'Racing')?.gid);
    t.equal(h.simulator.teams().filter((x) => x.name === 'Racing').length, 1);
  });
});
