import t from 'tap';
import type { AsanaWork, UserRecord } from '../../src/store/mapping-store.js';
import { groupKey, userKey } from '../../src/store/work-keys.js';
import { storedUser } from '../helpers/stored-user.js';
import { forEachEngine } from '../helpers/store-engines.js';
import { storedGroup } from '../helpers/stored-group.js';

/**
 * The store contract for deprovisioning (DeprovisioningStore in src/store/deprovisioning-store.ts), run on every
 * engine: the brake's admissions and held removals, task handovers and the dry run's planned work; and the team
 * removals a deleted user's refused workspace removal leaves (MappingStore.failWork).
 */
const NOW = 1_000_000;
const WINDOW = 60_000;
const removal = (user: UserRecord, extra: Partial<Extract<AsanaWork, { kind: 'removeUserFromWorkspace' }>> = {}): AsanaWork => ({
  kind: 'removeUserFromWorkspace',
  userId: user.id,
  email: user.asanaEmail,
  user: `gid-${user.id}`,
  ...extra,
});

void forEachEngine(t, async (t, engine) => {
  t.test('the brake admits up to the limit in the window, holds the rest; a retry of an admitted one is admitted', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const bob = storedUser('u2', 'bob@example.com');
    const cat = storedUser('u3', 'cat@example.com');
    const items = [];
    for (const user of [ann, bob, cat]) {
      await store.insertUser(user, []);
      const [item] = await store.updateUser({ ...user, version: 2, active: false }, 1, [removal(user)]);
      items.push(item!);
    }
    const [a, b, c] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0]];
    t.same(await store.admitRemoval(a, NOW, NOW - WINDOW, 2, 'brake'), { admitted: true });
    t.same(await store.admitRemoval(b, NOW + 1, NOW - WINDOW, 2, 'brake'), { admitted: true });
    t.same(await store.admitRemoval(c, NOW + 2, NOW - WINDOW, 2, 'brake: 2 removals in 1 minute'), {
      admitted: false,
      heldBefore: 0,
    });
    t.same(await store.admitRemoval(a, NOW + 3, NOW - WINDOW, 2, 'brake'), { admitted: true }, 'a retry was admitted before');
    t.equal((await store.getUser('u3'))?.sync.state, 'held');
    const dan = storedUser('u4', 'dan@example.com');
    await store.insertUser(dan, []);
    const [d] = await store.updateUser({ ...dan, version: 2, active: false }, 1, [removal(dan)]);
    t.same(await store.admitRemoval(d!, NOW + WINDOW + 3, NOW + 3, 2, 'brake'), { admitted: true }, 'the window moved on');
  });

  t.test('a held removal does not run, its user says held; release runs it without counting', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const bob = storedUser('u2', 'bob@example.com');
    await store.insertUser(ann, []);
    await store.insertUser(bob, []);
    const [a] = await store.updateUser({ ...ann, version: 2, active: false }, 1, [removal(ann)]);
    const [b] = await store.updateUser({ ...bob, version: 2, active: false }, 1, [removal(bob)]);
    t.same(await store.admitRemoval(a!, NOW, NOW - WINDOW, 0, 'brake: limit 0'), { admitted: false, heldBefore: 0 });
    t.same(await store.admitRemoval(b!, NOW, NOW - WINDOW, 0, 'brake: limit 0'), { admitted: false, heldBefore: 1 });
    t.same((await store.getUser('u1'))?.sync, { state: 'held', attempts: 0, lastError: 'brake: limit 0' });
    t.same(await store.dueWork(NOW + 1, 10), [], 'held work is not due');
    t.equal(await store.hasQueuedWork(userKey('u1')), false, 'held work is not queued work');
    const held = await store.heldRemovals();
    t.match(held, [
      { workId: a!.id, userId: 'u1', userName: 'ann@example.com', email: 'ann@example.com', reason: 'brake: limit 0' },
      { workId: b!.id, userId: 'u2', userName: 'bob@example.com', email: 'bob@example.com' },
    ]);
    t.type(held[0]?.queuedAt, 'number', 'when it was queued');
    t.equal(await store.releaseRemovals(['u1', 'nobody'], NOW + 2), 1, 'only the named user');
    t.same((await store.getUser('u1'))?.sync, { state: 'pending', attempts: 0, lastError: null });
    t.same((await store.dueWork(NOW + 3, 10)).map((i) => i.id), [a!.id], 'the released removal runs');
    t.same(await store.admitRemoval(a!, NOW + 4, NOW - WINDOW, 0, 'brake'), { admitted: true }, 'a released removal is admitted');
    t.equal((await store.getUser('u2'))?.sync.state, 'held');
    t.equal(await store.releaseRemovals(undefined, NOW + 5), 1, 'all the rest');
    t.same(await store.heldRemovals(), []);
    // Released removals did not count: a new one is admitted under limit 1.
    const cat = storedUser('u3', 'cat@example.com');
    await store.insertUser(cat, []);
    const [c] = await store.updateUser({ ...cat, version: 2, active: false }, 1, [removal(cat)]);
    t.same(await store.admitRemoval(c!, NOW + 6, NOW - WINDOW, 1, 'brake'), { admitted: true });
  });

  t.test('a person already held waits with the first removal: a second one is held whatever the count', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    await store.insertUser(ann, []);
    const [first] = await store.updateUser({ ...ann, version: 2, active: false }, 1, [removal(ann)]);
    t.same(await store.admitRemoval(first!, NOW, NOW - WINDOW, 0, 'brake'), { admitted: false, heldBefore: 0 });
    const [second] = await store.enqueueRestore([{ work: removal(ann), decidedOn: [{ key: userKey('u1'), version: 2 }] }]);
    t.same(await store.admitRemoval(second!, NOW + 1, NOW - WINDOW, 10, 'brake'), { admitted: false, heldBefore: 1 });
  });

  t.test('reactivating a held user, or creating the person again, drops the held removal', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const bob = storedUser('u2', 'bob@example.com');
    await store.insertUser(ann, []);
    await store.insertUser(bob, []);
    const [a] = await store.updateUser({ ...ann, version: 2, active: false }, 1, [removal(ann)]);
    const [b] = await store.deleteUser('u2', 1, [removal(bob)], '2026-01-02T00:00:00.000Z');
    await store.admitRemoval(a!, NOW, NOW - WINDOW, 0, 'brake');
    await store.admitRemoval(b!, NOW, NOW - WINDOW, 0, 'brake');
    t.match(await store.heldRemovals(), [{ userId: 'u1' }, { userId: 'u2', userName: null }], 'a deleted user is still owed');
    await store.updateUser({ ...ann, version: 3, active: true }, 2, []);
    t.same((await store.heldRemovals()).map((h) => h.userId), ['u2'], 'reactivated: no longer held');
    await store.insertUser({ ...storedUser('u9', 'BOB@example.com'), asanaEmail: 'BOB@example.com' }, []);
    t.same(await store.heldRemovals(), [], 'the same person created again under a new id');
  });

  t.test('task handovers: one per removal, the target chosen once, moves counted, the latest per user', async (t) => {
    const store = await engine.open();
    t.equal(await store.taskHandover(1), undefined);
    const started = await store.startTaskHandover(1, 'u1', NOW);
    t.same(started, {
      workId: 1,
      userId: 'u1',
      targetGid: null,
      targetLabel: null,
      handedOver: 0,
      notHandedOver: 0,
      startedAt: NOW,
      finishedAt: null,
      outcome: null,
      inFlightTask: null,
    });
    t.same(await store.startTaskHandover(1, 'u1', NOW + 5), started, 'starting again resumes the same record');
    t.match(await store.chooseHandoverTarget(1, 'gid-boss', 'manager'), { targetGid: 'gid-boss', targetLabel: 'manager' });
    t.match(await store.chooseHandoverTarget(1, 'gid-other', 'it@example.com'), { targetGid: 'gid-boss', targetLabel: 'manager' }, 'the first target wins');
    await store.beginTaskMove(1, 'task-1');
    t.equal((await store.taskHandover(1))?.inFlightTask, 'task-1');
    await store.settleTaskMove(1, 'handedOver');
    await store.beginTaskMove(1, 'task-2');
    await store.settleTaskMove(1, 'notHandedOver');
    await store.beginTaskMove(1, 'task-3');
    await store.settleTaskMove(1, null);
    t.match(await store.taskHandover(1), { handedOver: 1, notHandedOver: 1, inFlightTask: null });
    const finished = await store.finishTaskHandover(1, NOW + 10, '1 task could not be handed over');
    t.match(finished, { finishedAt: NOW + 10, outcome: '1 task could not be handed over' });
    t.match(await store.finishTaskHandover(1, NOW + 20, null), { finishedAt: NOW + 10 }, 'finished once');
    await store.startTaskHandover(7, 'u1', NOW + 30);
    await store.startTaskHandover(3, 'u2', NOW + 40);
    const latest = await store.latestHandovers(['u1', 'u2', 'u3']);
    t.same([...latest.keys()].sort(), ['u1', 'u2']);
    t.equal(latest.get('u1')?.workId, 7, "the user's latest removal");
    t.equal(latest.get('u2')?.startedAt, NOW + 40);
    t.same((await store.latestHandovers([])).size, 0);
  });

  t.test('dry run: pending resources say planned; plannedWork lists queued and held work; resume', async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    const bob = storedUser('u2', 'bob@example.com');
    await store.insertUser(ann, [{ kind: 'addUserToWorkspace', userId: 'u1', email: 'ann@example.com' }]);
    await store.insertUser(bob, []);
    const [b] = await store.updateUser({ ...bob, version: 2, active: false }, 1, [removal(bob)]);
    await store.admitRemoval(b!, NOW, NOW - WINDOW, 0, 'brake');
    await store.insertGroup(storedGroup('g1', 'Team', []), [{ kind: 'createTeam', groupId: 'g1', name: 'Team' }]);
    await store.markPlanned(userKey('u1'));
    await store.markPlanned(groupKey('g1'));
    await store.markPlanned(userKey('u2'));
    t.equal((await store.getUser('u1'))?.sync.state, 'planned');
    t.equal((await store.getGroup('g1'))?.sync.state, 'planned');
    t.equal((await store.getUser('u2'))?.sync.state, 'held', 'only a pending resource becomes planned');
    t.match(await store.plannedWork(), [
      { resourceKey: userKey('u1'), name: 'ann@example.com', work: { kind: 'addUserToWorkspace' }, held: false },
      { resourceKey: userKey('u2'), name: 'bob@example.com', work: { kind: 'removeUserFromWorkspace' }, held: true },
      { resourceKey: groupKey('g1'), name: 'Team', work: { kind: 'createTeam' }, held: false },
    ]);
    t.equal(await store.resumePlanned(), 2);
    t.equal((await store.getUser('u1'))?.sync.state, 'pending');
    t.equal((await store.getGroup('g1'))?.sync.state, 'pending');
    t.equal(await store.resumePlanned(), 0);
  });

  t.test("a deleted user's refused workspace removal queues the team removals of their linked teams", async (t) => {
    const store = await engine.open();
    const ann = storedUser('u1', 'ann@example.com');
    await store.insertUser(ann, []);
    await store.insertGroup(storedGroup('g1', 'Linked', ['u1']), []);
    await store.insertGroup(storedGroup('g2', 'Unlinked', ['u1']), []);
    await store.completeWork(
      (await store.enqueueRestore([{ work: { kind: 'createTeam', groupId: 'g1', name: 'Linked' }, decidedOn: [] }]))[0]!,
      { kind: 'teamLinked', groupId: 'g1', asanaGid: 'team-1' },
    );
    t.equal((await store.getGroup('g1'))?.sync.state, 'synced');
    const [item] = await store.deleteUser('u1', 1, [removal(ann, { groupIds: ['g1', 'g2'] })], '2026-01-02T00:00:00.000Z');
    await store.failWork(item!, 'Asana refused: cannot remove the last admin');
    const due = await store.dueWork(NOW, 10);
    t.match(
      due.map((i) => i.work),
      [{ kind: 'removeUserFromTeam', groupId: 'g1', userId: 'u1', email: 'ann@example.com', user: 'gid-u1' }],
      'only the team Asana holds',
    );
    t.equal((await store.getGroup('g1'))?.sync.state, 'pending', 'the group no longer says synced');

    const bob = storedUser('u2', 'bob@example.com');
    await store.insertUser(bob, []);
    const [live] = await store.updateUser({ ...bob, version: 2, active: false }, 1, [removal(bob, { groupIds: ['g1'] })]);
    await store.failWork(live!, 'Asana refused');
    t.equal((await store.dueWork(NOW, 10)).length, 1, 'a user still there shows the refusal itself: nothing queued');
    t.equal((await store.getUser('u2'))?.sync.state, 'failed');
  });
});
