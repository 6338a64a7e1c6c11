import t from 'tap';
import type { AsanaWork, UserRecord } from '../../src/store/mapping-store.js';
import { groupKey, userKey } from '../../src/store/work-keys.js';
import { storedUser } from '../helpers/stored-user.js';
import { conflict, forEachEngine } from '../helpers/store-engines.js';
import { storedGroup } from '../helpers/stored-group.js';

/**
 * The store contract for users (MappingStore in src/store/mapping-store.ts), stated once and run on every engine:
 * uniqueness, version checks, what each write does to the work queue and sync state, and the undo of each write.
 */
const invite = (user: UserRecord): AsanaWork => ({ kind: 'addUserToWorkspace', userId: user.id, email: user.asanaEmail });


void forEachEngine(t, async (t, engine) => {
  t.test('a user reads back as written, with its queued work', async (t) => {
    const store = await engine.open();
    const user = { ...storedUser('u1', 'ann@example.com'), externalId: 'ext-1', data: { userName: 'ann@example.com', title: 'Ms' } };
    const [item] = await store.insertUser(user, [invite(user)]);
    t.match(item, { resourceKey: userKey('u1'), orderKey: 'Person:ann@example.com', attempts: 0, work: invite(user) });
    const read = await store.getUser('u1');
    t.same(read, { ...user, asanaGuest: null, sync: { state: 'pending', attempts: 0, lastError: null } }, 'queued work made it pending; guest unknown');
    t.equal(await store.getUser('nobody'), undefined);
    t.same([...(await store.usersByIds(['u1', 'nobody'])).keys()], ['u1']);
    t.equal(await store.hasQueuedWork(userKey('u1')), true);
  });

  t.test('userName and the Asana email are unique, case-insensitively; a refused insert writes nothing', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    const sameName = { ...storedUser('u2', 'ANN@Example.COM'), asanaEmail: 'other@example.com' };
    t.equal(await conflict(store.insertUser(sameName, [invite(sameName)])), 'uniqueness', 'userName');
    const sameEmail = { ...storedUser('u3', 'ann2'), asanaEmail: 'Ann@example.com' };
    t.equal(await conflict(store.insertUser(sameEmail, [invite(sameEmail)])), 'uniqueness', 'Asana email');
    t.equal(await store.getUser('u2'), undefined);
    t.equal(await store.getUser('u3'), undefined);
    t.same(await store.dueWork(Date.now(), 10), [], 'no work was queued by the refused inserts');
    const renamed = { ...storedUser('u4', 'bob@example.com') };
    await store.insertUser(renamed, []);
    t.equal(
      await conflict(store.updateUser({ ...renamed, userName: 'ANN@example.com', version: 2 }, 1, [])),
      'uniqueness',
      'a rename onto a taken userName',
    );
    t.equal((await store.getUser('u4'))?.version, 1, 'the refused rename changed nothing');
  });

  t.test('updateUser is a compare-and-swap on the version and keeps the work queue’s fields', async (t) => {
    const store = await engine.open();
    const user = storedUser('u1', 'ann@example.com');
    await store.insertUser(user, []);
    await store.linkUser('u1', '777', 'ann@example.com', false);
    const next = { ...user, version: 2, active: false, asanaGid: null, sync: { state: 'failed' as const, attempts: 9, lastError: 'x' } };
    t.equal(await conflict(store.updateUser(next, 5, [])), 'version', 'a stale version');
    t.equal(await conflict(store.updateUser({ ...next, id: 'ghost' }, 1, [])), 'missing', 'no such user');
    t.same(await store.updateUser(next, 1, []), []);
    const read = await store.getUser('u1');
    t.match(read, { version: 2, active: false, asanaGid: '777', emailInAsana: 'ann@example.com' });
    t.same(read?.sync, { state: 'synced', attempts: 0, lastError: null }, 'no work queued: sync state untouched');
    const [item] = await store.updateUser({ ...next, version: 3, emailInAsana: 'new@example.com' }, 2, [invite(user)]);
    t.ok(item);
    t.match(await store.getUser('u1'), { version: 3, emailInAsana: 'ann@example.com', sync: { state: 'pending' } },
      'the address Asana holds is not overwritten; queued work makes it pending');
  });

  t.test('deleteUser takes the user out of groups, settles their team work and gives the groups new versions', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const bob = storedUser('u2', 'bob@example.com');
    await store.insertUser(ann, []);
    await store.insertUser(bob, []);
    await store.insertGroup(storedGroup('g1', 'Team', ['u1', 'u2']), [
      { kind: 'addUserToTeam', groupId: 'g1', userId: 'u1', email: 'ann@example.com' },
    ]);
    t.equal(await conflict(store.deleteUser('u1', 7, [], '2026-02-01T00:00:00.000Z')), 'version');
    t.equal(await conflict(store.deleteUser('ghost', 1, [], '2026-02-01T00:00:00.000Z')), 'missing');
    const removal: AsanaWork = { kind: 'removeUserFromWorkspace', userId: 'u1', email: 'ann@example.com', user: 'ann@example.com' };
    const [item] = await store.deleteUser('u1', 1, [removal], '2026-02-01T00:00:00.000Z');
    t.match(item, { resourceKey: userKey('u1'), work: removal });
    t.equal(await store.getUser('u1'), undefined);
    t.match(await store.getGroup('g1'), { version: 2, lastModified: '2026-02-01T00:00:00.000Z', memberIds: ['u2'] });
    t.equal(await store.hasQueuedWork(groupKey('g1')), false, 'the team add for the deleted user is gone');
    t.equal((await store.getGroup('g1'))?.sync.state, 'synced', 'and its group is synced again');
    t.equal(await store.isGroupMember('g1', 'u1'), false);
  });

  t.test('revertUser undoes a create, an update and a delete; a later write wins over the undo', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const created = await store.insertUser(ann, [invite(ann)]);
    t.equal(await store.revertUser('u1', { writtenVersion: 1, workIds: created.map((i) => i.id), at: 'at' }), true, 'undo a create');
    t.equal(await store.getUser('u1'), undefined);
    t.same(await store.dueWork(Date.now(), 10), [], 'its work went with it');

    await store.insertUser(ann, []);
    const changed = { ...ann, version: 2, active: false };
    const work = await store.updateUser(changed, 1, [invite(ann)]);
    t.equal(await store.revertUser('u1', { restore: { user: ann, groupIds: [] }, writtenVersion: 1, workIds: work.map((i) => i.id), at: 'at' }), false,
      'not at the written version: a later write got there first');
    t.equal(await store.revertUser('u1', { restore: { user: ann, groupIds: [] }, writtenVersion: 2, workIds: work.map((i) => i.id), at: 'at' }), true, 'undo an update');
    t.match(await store.getUser('u1'), { active: true, version: 3, sync: ann.sync }, 'restored at a new version, sync as before');
    t.same(await store.dueWork(Date.now(), 10), []);

    await store.insertGroup(storedGroup('g1', 'Team', ['u1']), []);
    await store.insertGroup(storedGroup('g2', 'Gone', ['u1']), []);
    const current = (await store.getUser('u1'))!;
    await store.deleteUser('u1', current.version, [], '2026-03-01T00:00:00.000Z');
    await store.deleteGroup('g2', 2, []);
    t.equal(
      await store.revertUser('u1', { restore: { user: current, groupIds: ['g1', 'g2'] }, workIds: [], at: '2026-03-02T00:00:00.000Z' }),
      true,
      'undo a delete',
    );
    t.match(await store.getUser('u1'), { version: current.version + 1 });
    t.match(await store.getGroup('g1'), { memberIds: ['u1'], version: 3, lastModified: '2026-03-02T00:00:00.000Z' },
      'back in its live group, which gets a new version');
    t.equal(await store.getGroup('g2'), undefined, 'a deleted group is not brought back');
  });

  t.test('groupsOfUsers lists each user’s live groups by displayName', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    await store.insertUser(storedUser('u2', 'bob@example.com'), []);
    await store.insertGroup(storedGroup('g1', 'b-team', ['u1']), []);
    await store.insertGroup(storedGroup('g2', 'A-team', ['u1', 'u2']), []);
    await store.insertGroup(storedGroup('g3', 'deleted', ['u2']), []);
    await store.deleteGroup('g3', 1, []);
    const groups = await store.groupsOfUsers(['u1', 'u2', 'u3']);
    t.same(groups.get('u1'), [{ id: 'g2', displayName: 'A-team' }, { id: 'g1', displayName: 'b-team' }]);
    t.same(groups.get('u2'), [{ id: 'g2', displayName: 'A-team' }]);
    t.equal(groups.has('u3'), false);
  });
});
