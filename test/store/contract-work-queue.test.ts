import t from 'tap';
import { parseFilter } from '../../src/scim/filter.js';
import { SYNC_SCHEMA, userResource } from '../../src/scim/schemas.js';
import type { AsanaWork } from '../../src/store/mapping-store.js';
import { groupKey, userKey } from '../../src/store/work-keys.js';
import { storedUser } from '../helpers/stored-user.js';
import { forEachEngine } from '../helpers/store-engines.js';
import { storedGroup } from '../helpers/stored-group.js';

/**
 * The store contract for the work queue (MappingStore in src/store/mapping-store.ts), run on every engine: which
 * work is due and in what order, and what completing, deferring, failing, parking and re-arming do to the queue and
 * to the sync state of the resource the work decides.
 */
const NOW = 1_000_000;
const invite = (userId: string, email: string): AsanaWork => ({ kind: 'addUserToWorkspace', userId, email });
const addToTeam = (groupId: string, userId: string, email: string): AsanaWork => ({
  kind: 'addUserToTeam',
  groupId,
  userId,
  email,
});

void forEachEngine(t, async (t, engine) => {
  t.test('only the oldest item of each order key is due; team work waits for its team and its person', async (t) => {
    const store = await engine.open();
    const [ann] = await store.insertUser(storedUser('u1', 'ann@example.com'), [invite('u1', 'ann@example.com')]);
    const [team] = await store.insertGroup(storedGroup('g1', 'Team', ['u1']), [
      { kind: 'createTeam', groupId: 'g1', name: 'Team' },
      addToTeam('g1', 'u1', 'ann@example.com'),
    ]);
    const [bob] = await store.insertUser(storedUser('u2', 'BOB@example.com'), [invite('u2', 'bob@example.com')]);
    // A second item for Bob's person key (a re-created SCIM user, same address) waits behind the first.
    const [bobAgain] = await store.insertUser(
      { ...storedUser('u3', 'bob2'), asanaEmail: 'bob2@example.com' },
      [invite('u3', 'Bob@Example.com')],
    );
    t.equal(bobAgain?.orderKey, 'Person:bob@example.com', 'order keys fold case');
    const due = await store.dueWork(NOW, 10);
    t.same(due.map((i) => i.id), [ann!.id, team!.id, bob!.id], 'heads only, oldest first; the team add waits');
    t.same(await store.dueWork(NOW, 2).then((items) => items.map((i) => i.id)), [ann!.id, team!.id], 'limit');
    t.equal(await store.oldestWorkId('Person:bob@example.com'), bob!.id);
    await store.completeWork(team!, { kind: 'teamLinked', groupId: 'g1', asanaGid: '500' });
    t.notOk((await store.dueWork(NOW, 10)).some((i) => i.work.kind === 'addUserToTeam'), 'still waits for the person');
    await store.completeWork(ann!, { kind: 'userLinked', userId: 'u1', asanaGid: '100' });
    t.ok((await store.dueWork(NOW, 10)).some((i) => i.work.kind === 'addUserToTeam'), 'due once both are done');
    await store.completeWork(bob!, { kind: 'none' });
    t.equal(await store.oldestWorkId('Person:bob@example.com'), bobAgain!.id);
  });

  t.test('completing the last item of a resource makes it synced and records what Asana taught', async (t) => {
    const store = await engine.open();
    const items = await store.insertGroup(storedGroup('g1', 'Team', []), [
      { kind: 'createTeam', groupId: 'g1', name: 'Team' },
      { kind: 'renameTeam', groupId: 'g1', name: 'Team 2' },
    ]);
    await store.completeWork(items[0]!, { kind: 'teamLinked', groupId: 'g1', asanaGid: '42' });
    t.match(await store.getGroup('g1'), { asanaGid: '42', sync: { state: 'pending' } }, 'work is left');
    await store.completeWork(items[1]!, { kind: 'none' });
    t.same((await store.getGroup('g1'))?.sync, { state: 'synced', attempts: 0, lastError: null });
    t.equal(await store.hasQueuedWork(groupKey('g1')), false);
  });

  t.test('a deferred item comes back at its time, counting attempts; the resource shows the error', async (t) => {
    const store = await engine.open();
    const [item] = await store.insertUser(storedUser('u1', 'ann@example.com'), [invite('u1', 'ann@example.com')]);
    await store.deferWork(item!, 'Asana answered 503', NOW + 5_000);
    t.same(await store.dueWork(NOW, 10), [], 'not due before its time');
    const [again] = await store.dueWork(NOW + 5_000, 10);
    t.match(again, { id: item!.id, attempts: 1, nextAttemptAt: NOW + 5_000, lastError: 'Asana answered 503' });
    t.same((await store.getUser('u1'))?.sync, { state: 'pending', attempts: 1, lastError: 'Asana answered 503' });
  });

  t.test('a refused item fails its resource with the first refusal; later ones keep it', async (t) => {
    const store = await engine.open();
    const [first, second] = await store.insertUser(storedUser('u1', 'ann@example.com'), [
      invite('u1', 'ann@example.com'),
      invite('u1', 'ann@example.com'),
    ]);
    await store.failWork(first!, 'Asana answered 403: not allowed');
    t.same((await store.getUser('u1'))?.sync, { state: 'failed', attempts: 1, lastError: 'Asana answered 403: not allowed' });
    await store.deferWork(second!, 'Asana answered 503', NOW);
    t.match((await store.getUser('u1'))?.sync, { state: 'failed', lastError: 'Asana answered 403: not allowed' },
      'a retry does not hide the refusal');
    await store.failWork(second!, 'later');
    t.match((await store.getUser('u1'))?.sync, { state: 'failed', lastError: 'Asana answered 403: not allowed' });
    await store.completeWork(second!, { kind: 'none' });
    t.equal((await store.getUser('u1'))?.sync.state, 'failed', 'only a new write moves a refusal on');
    const user = (await store.getUser('u1'))!;
    await store.updateUser({ ...user, version: 2 }, 1, [invite('u1', 'ann@example.com')]);
    t.same((await store.getUser('u1'))?.sync, { state: 'pending', attempts: 0, lastError: null });
  });

  t.test("a refused member removal or rename is parked, and the group's next write re-arms it", async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    const group = storedGroup('g1', 'Team', []);
    await store.insertGroup(group, []);
    const [removal] = await store.updateGroup({ ...group, version: 2 }, 1, [
      { kind: 'removeUserFromTeam', groupId: 'g1', userId: 'u1', email: 'ann@example.com', user: '100' },
    ]);
    await store.failWork(removal!, 'Asana answered 403');
    t.same(await store.dueWork(NOW, 10), [], 'parked work does not run');
    t.equal(await store.hasQueuedWork(groupKey('g1')), false, 'nor keep the group pending');
    t.equal((await store.getGroup('g1'))?.sync.state, 'failed');
    await store.updateGroup({ ...group, version: 3 }, 2, []);
    const [rearmed] = await store.dueWork(NOW, 10);
    t.match(rearmed, { id: removal!.id, attempts: 0 }, 're-armed by the next write, even one that queues nothing');
    t.equal((await store.getGroup('g1'))?.sync.state, 'pending');
  });

  t.test('enqueueRestore queues only work decided on resources still at the versions read', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    await store.insertUser(storedUser('u2', 'bob@example.com'), []);
    await store.updateUser({ ...storedUser('u2', 'bob@example.com'), version: 2 }, 1, []);
    const items = await store.enqueueRestore([
      { work: invite('u1', 'ann@example.com'), decidedOn: [{ key: userKey('u1'), version: 1 }] },
      { work: invite('u2', 'bob@example.com'), decidedOn: [{ key: userKey('u2'), version: 1 }] },
    ]);
    t.same(items.map((i) => i.resourceKey), [userKey('u1')], 'the stale decision is dropped');
    t.same((await store.getUser('u1'))?.sync, { state: 'pending', attempts: 0, lastError: 'restoring drift found in Asana' });
    t.equal((await store.getUser('u2'))?.sync.state, 'synced');
  });

  t.test('linkUser records the gid, the address Asana holds and whether the person is a guest', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    await store.insertUser(storedUser('u2', 'bob@example.com'), []);
    t.equal((await store.getUser('u1'))?.asanaGuest, null, 'not known until a reconciliation saw the membership');
    await store.linkUser('u1', '321', 'ANN@example.com', true);
    await store.linkUser('u2', '322', 'bob@example.com', false);
    t.match(await store.getUser('u1'), { asanaGid: '321', emailInAsana: 'ANN@example.com', asanaGuest: true });
    t.equal((await store.getUser('u2'))?.asanaGuest, false);
    const guests = await store.listUsers({
      filter: parseFilter(`${SYNC_SCHEMA}:guest eq true`, userResource),
      startIndex: 1,
      count: 10,
      descending: false,
    });
    t.same(guests.items.map((u) => u.id), ['u1'], 'the guest column is filterable');
    const updated = { ...storedUser('u1', 'ann@example.com'), version: 2, data: { userName: 'ann@example.com', title: 'Ms' } };
    await store.updateUser(updated, 1, []);
    t.equal((await store.getUser('u1'))?.asanaGuest, true, 'an IdP write keeps what Asana was seen to hold');
    await store.linkUser('u1', '321', 'ann@example.com', false);
    t.equal((await store.getUser('u1'))?.asanaGuest, false, 'a later reconciliation overwrites it');
  });

  t.test('operations views: queue figures, counts by sync state, resources needing attention', async (t) => {
    const store = await engine.open();
    const [item] = await store.insertUser(storedUser('u1', 'ann@example.com'), [invite('u1', 'ann@example.com')]);
    await store.insertUser(storedUser('u2', 'bob@example.com'), []);
    await store.deferWork(item!, 'Asana answered 503', Date.now() + 60_000);
    const stats = await store.workQueueStats(Date.now());
    t.match(stats, { ready: 0, backoff: 1 });
    t.ok(stats.oldestAgeMs !== null && stats.oldestAgeMs >= 0 && stats.oldestAgeMs < 60_000, 'queued moments ago');
    const counts = await store.resourceCounts();
    t.same(
      [...counts].sort((a, b) => a.syncState.localeCompare(b.syncState)),
      [{ type: 'User', syncState: 'pending', count: 1 }, { type: 'User', syncState: 'synced', count: 1 }],
    );
    t.match(await store.resourcesNeedingAttention('ANN', 10), [{ type: 'User', id: 'u1', name: 'ann@example.com', syncState: 'pending', attempts: 1, lastError: 'Asana answered 503' }]);
    t.same(await store.resourcesNeedingAttention('bob', 10), []);
  });

  t.test('audit log: append, query by user (also after deletion) and group, prune by age', async (t) => {
    const store = await engine.open();
    const entry = {
      actor: 'bridge' as const,
      resourceType: 'User' as const,
      asanaCalls: [{ operation: 'addUserForWorkspace', status: 200, ms: 5 }],
      httpStatus: 201,
      detail: null,
    };
    await store.appendAudit({ ...entry, at: '2026-01-01T00:00:00.000Z', operation: 'create', resourceId: 'u1', subject: 'ann@example.com', userIds: [], outcome: 'synced' });
    await store.appendAudit({ ...entry, at: '2026-01-02T00:00:00.000Z', operation: 'patch', resourceType: 'Group', resourceId: 'g1', subject: 'Team', userIds: ['u1'], outcome: 'synced' });
    await store.appendAudit({ ...entry, at: '2026-01-03T00:00:00.000Z', operation: 'create', resourceId: 'u2', subject: 'bob@example.com', userIds: [], outcome: 'synced' });
    const ann = await store.queryAudit({ user: 'ANN@example.com', limit: 10 });
    t.same(ann.map((e) => e.operation), ['patch', 'create'], 'newest first, with the group change that touched her');
    t.same(ann[1]?.asanaCalls, entry.asanaCalls);
    t.same((await store.queryAudit({ group: 'team', limit: 10 })).map((e) => e.resourceId), ['g1']);
    t.same((await store.queryAudit({ since: '2026-01-02T00:00:00.000Z', operation: 'create', limit: 10 })).map((e) => e.resourceId), ['u2']);
    t.equal(await store.pruneAudit('2026-01-02T12:00:00.000Z'), 2);
    t.equal((await store.queryAudit({ limit: 10 })).length, 1);
  });
});
