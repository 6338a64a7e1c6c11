import t from 'tap';
import type { AsanaWork } from '../../src/store/mapping-store.js';
import { groupKey } from '../../src/store/work-keys.js';
import { storedUser } from '../helpers/stored-user.js';
import { conflict, forEachEngine } from '../helpers/store-engines.js';
import { storedGroup } from '../helpers/stored-group.js';

/**
 * The store contract for groups (MappingStore in src/store/mapping-store.ts), run on every engine: displayName
 * uniqueness, member references, version checks, tombstones and their purging, and the undo of each write.
 */

const createTeam = (groupId: string, name: string): AsanaWork => ({ kind: 'createTeam', groupId, name });

void forEachEngine(t, async (t, engine) => {
  t.test('a group reads back with its members in the order given', async (t) => {
    const store = await engine.open();
    for (const id of ['u1', 'u2', 'u3']) await store.insertUser(storedUser(id, `${id}@example.com`), []);
    const group = storedGroup('g1', 'Engineering', ['u3', 'u1', 'u2']);
    const [item] = await store.insertGroup(group, [createTeam('g1', 'Engineering')]);
    t.match(item, { resourceKey: groupKey('g1'), orderKey: 'Team:g1' });
    t.same(await store.getGroup('g1'), { ...group, sync: { state: 'pending', attempts: 0, lastError: null } });
    t.equal(await store.isGroupMember('g1', 'u3'), true);
    t.equal(await store.isGroupMember('g1', 'u9'), false);
    await store.updateGroup({ ...group, version: 2, memberIds: ['u2', 'u3'] }, 1, []);
    t.same((await store.getGroup('g1'))?.memberIds, ['u3', 'u2'], 'kept members keep their place');
  });

  t.test('displayName is unique among live groups, case-insensitively; members must exist', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    await store.insertGroup(storedGroup('g1', 'Sales', []), []);
    t.equal(await conflict(store.insertGroup(storedGroup('g2', 'SALES', []), [createTeam('g2', 'SALES')])), 'uniqueness');
    t.equal(await conflict(store.insertGroup(storedGroup('g3', 'Other', ['u1', 'ghost']), [])), 'reference');
    t.equal(await store.getGroup('g2'), undefined);
    t.equal(await store.getGroup('g3'), undefined);
    t.same(await store.dueWork(Date.now(), 10), [], 'refused inserts queued nothing');
    await store.insertGroup(storedGroup('g4', 'Ops', []), []);
    t.equal(await conflict(store.updateGroup({ ...storedGroup('g4', 'sales', []), version: 2 }, 1, [])), 'uniqueness');
    await store.deleteGroup('g1', 1, [{ kind: 'renameTeam', groupId: 'g1', name: '[deprovisioned] Sales' }]);
    await store.insertGroup(storedGroup('g5', 'Sales', []), []);
    t.equal((await store.getGroup('g5'))?.displayName, 'Sales', "a deleted group's name is free at once");
  });

  t.test('updateGroup and deleteGroup are compare-and-swaps on the version', async (t) => {
    const store = await engine.open();
    const group = storedGroup('g1', 'Team', []);
    await store.insertGroup(group, []);
    t.equal(await conflict(store.updateGroup({ ...group, version: 2 }, 3, [])), 'version');
    t.equal(await conflict(store.updateGroup({ ...storedGroup('ghost', 'G', []), version: 2 }, 1, [])), 'missing');
    t.equal(await conflict(store.deleteGroup('g1', 3, [])), 'version');
    t.equal(await conflict(store.deleteGroup('ghost', 1, [])), 'missing');
    await store.updateGroup({ ...group, version: 2, displayName: 'Team 2' }, 1, []);
    t.match(await store.getGroup('g1'), { version: 2, displayName: 'Team 2', sync: { state: 'synced' } });
  });

  t.test('a deleted group is a tombstone until its Asana clean-up is done, then purged', async (t) => {
    const store = await engine.open();
    await store.insertGroup(storedGroup('g1', 'Team', []), []);
    const [cleanUp] = await store.deleteGroup('g1', 1, [{ kind: 'renameTeam', groupId: 'g1', name: '[deprovisioned] Team' }]);
    t.equal(await store.getGroup('g1'), undefined, 'invisible to SCIM');
    t.equal(await store.teamGidOf('g1'), null, 'still known to its work');
    t.equal(await conflict(store.updateGroup(storedGroup('g1', 'Team', []), 1, [])), 'missing', 'not writable: a write that read it before the delete cannot bring it back');
    await store.completeWork(cleanUp!, { kind: 'none' });
    t.equal(await store.teamGidOf('g1'), undefined, 'purged once its work is done');

    await store.insertGroup(storedGroup('g2', 'Quiet', []), []);
    await store.deleteGroup('g2', 1, []);
    t.equal(await store.teamGidOf('g2'), undefined, 'a delete with no clean-up purges at once');

    await store.insertGroup(storedGroup('g3', 'Refused', []), []);
    const [refused] = await store.deleteGroup('g3', 1, [{ kind: 'renameTeam', groupId: 'g3', name: 'x' }]);
    await store.failWork(refused!, 'Asana answered 403');
    t.equal(await store.teamGidOf('g3'), undefined, 'a refused clean-up purges the tombstone too');
  });

  t.test('revertGroup undoes a create, an update and a delete, also of a purged tombstone', async (t) => {
    const store = await engine.open();
    await store.insertUser(storedUser('u1', 'ann@example.com'), []);
    await store.insertUser(storedUser('u2', 'bob@example.com'), []);
    const group = storedGroup('g1', 'Team', ['u1', 'u2']);
    const created = await store.insertGroup(group, [createTeam('g1', 'Team')]);
    t.equal(await store.revertGroup('g1', { writtenVersion: 1, workIds: created.map((i) => i.id) }), true, 'undo a create');
    t.equal(await store.teamGidOf('g1'), undefined);
    t.same(await store.dueWork(Date.now(), 10), []);

    await store.insertGroup(group, []);
    const renamed = await store.updateGroup({ ...group, version: 2, displayName: 'Renamed', memberIds: ['u1'] }, 1, [
      { kind: 'renameTeam', groupId: 'g1', name: 'Renamed' },
    ]);
    t.equal(await store.revertGroup('g1', { restore: group, writtenVersion: 1, workIds: renamed.map((i) => i.id) }), false, 'a later write got there first');
    t.equal(await store.revertGroup('g1', { restore: group, writtenVersion: 2, workIds: renamed.map((i) => i.id) }), true, 'undo an update');
    t.match(await store.getGroup('g1'), { version: 3, displayName: 'Team', memberIds: ['u1', 'u2'], sync: { state: 'synced' } });

    const current = (await store.getGroup('g1'))!;
    const [cleanUp] = await store.deleteGroup('g1', 3, [{ kind: 'renameTeam', groupId: 'g1', name: '[deprovisioned] Team' }]);
    await store.failWork(cleanUp!, 'Asana answered 403');
    await store.deleteUser('u2', 1, [], '2026-04-01T00:00:00.000Z');
    t.equal(await store.revertGroup('g1', { restore: current, writtenVersion: 3, workIds: [] }), true, 'undo a delete whose refusal purged the tombstone');
    t.match(await store.getGroup('g1'), { version: 4, displayName: 'Team', memberIds: ['u1'] }, 'deleted members stay gone');
  });

  t.test('isTeamLinked and teamGidOf follow the gid a completed createTeam taught', async (t) => {
    const store = await engine.open();
    const [item] = await store.insertGroup(storedGroup('g1', 'Team', []), [createTeam('g1', 'Team')]);
    t.equal(await store.isTeamLinked('9001'), false);
    await store.completeWork(item!, { kind: 'teamLinked', groupId: 'g1', asanaGid: '9001' });
    t.equal(await store.isTeamLinked('9001'), true);
    t.equal(await store.teamGidOf('g1'), '9001');
    t.match(await store.getGroup('g1'), { asanaGid: '9001', sync: { state: 'synced' } });
  });
});
