import t from 'tap';
import { managedMembers, startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Runs `write` (an IdP request) the first time the reconciler's pass has read `method` from the store. */
function interleave(h: Harness, method: 'listUsers' | 'listGroups', write: () => Promise<void>): void {
  const store = h.bridge.store;
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  let done = false;
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const answer = await original(...args);
    if (!done) {
      done = true;
      await write();
    }
    return answer;
  };
}

// Issue 9 item 2: restore work is decided against the desired state when it is queued, never a stale read.
t.test('reconcile with restore does not undo IdP writes made during the pass', async (t) => {
  const h = await startHarness(t);

  t.test('a member added to a group during the pass stays in the team', async (t) => {
    const a = (await h.request('POST', '/Users', { body: userBody('a@example.com') })).body;
    const b = (await h.request('POST', '/Users', { body: userBody('b@example.com') })).body;
    const group = (await h.request('POST', '/Groups', { body: { displayName: 'Pass', members: [{ value: a.id }] } })).body;
    interleave(h, 'listGroups', async () => {
      const added = await h.request('PATCH', `/Groups/${group.id}`, {
        body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: b.id }] }] },
      });
      t.equal(added.status, 204);
      t.ok(await h.bridge.runner.drain(10_000));
    });
    await h.bridge.reconciler.run('restore');
    t.ok(await h.bridge.runner.drain(10_000));
    const team = h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid);
    t.same(new Set(managedMembers(h, team)), new Set([a[SYNC].asanaGid, b[SYNC].asanaGid]), 'b is still in the team');
    t.equal((await h.request('GET', `/Groups/${group.id}`)).body[SYNC].state, 'synced');
  });

  t.test('a user reactivated during the pass stays in the workspace', async (t) => {
    const u = (await h.request('POST', '/Users', { body: userBody('u@example.com') })).body;
    t.equal((await h.request('PUT', `/Users/${u.id}`, { body: userBody('u@example.com', { active: false }) })).status, 200);
    // Someone adds u back by hand in Asana: drift the pass will see.
    h.simulator.addUser({ name: 'U', email: 'u@example.com' });
    interleave(h, 'listUsers', async () => {
      const reactivated = await h.request('PUT', `/Users/${u.id}`, { body: userBody('u@example.com', { active: true }) });
      t.equal(reactivated.status, 200);
      t.ok(await h.bridge.runner.drain(10_000));
    });
    await h.bridge.reconciler.run('restore');
    t.ok(await h.bridge.runner.drain(10_000));
    t.equal(h.simulator.users().find((x) => x.email === 'u@example.com')?.active, true, 'u is still in Asana');
    t.equal((await h.request('GET', `/Users/${u.id}`)).body[SYNC].state, 'synced');
  });
});
