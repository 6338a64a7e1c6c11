import t from 'tap';
import type { BudgetLimits } from '../../src/store/coordination.js';
import type { BridgeStore } from '../../src/store/open-store.js';
import { storedUser } from '../helpers/stored-user.js';
import { forEachEngine, type Engine } from '../helpers/store-engines.js';

/**
 * Replica coordination in the store (issue 13 item 3), part of the store contract run on every engine: two stores
 * on one database are two replicas (two connections, as two processes would have). Claims, leases and the budget
 * are decided by the database, not by either process.
 */
async function twoReplicas(engine: Engine): Promise<[BridgeStore, BridgeStore]> {
  const url = await engine.freshUrl();
  return [await engine.open(url), await engine.open(url)];
}

const invite = (userId: string, email: string) => ({ kind: 'addUserToWorkspace', userId, email }) as const;
const remove = (userId: string, email: string) => ({ kind: 'removeUserFromWorkspace', userId, email, user: email }) as const;

void forEachEngine(t, async (t, engine) => {
  t.test('an item is claimed by one replica; a dead holder loses it when its lease runs out', async (t) => {
    const [a, b] = await twoReplicas(engine);
    const [item] = await a.insertUser(storedUser('u1', 'ann@example.com'), [invite('u1', 'ann@example.com')]);
    if (item === undefined) throw new Error('no work queued');
    const now = 1_000;
    const claimedByA = await a.claimDueWork(now, 10, { holder: 'a', until: now + 500 });
    t.same(claimedByA.map((i) => i.id), [item.id], 'a claims the due item');
    t.same(await b.claimDueWork(now, 10, { holder: 'b', until: now + 500 }), [], 'b finds nothing to claim');
    t.equal(await b.claimWorkItem(item.id, now, { holder: 'b', until: now + 500 }), undefined, "b's fast path cannot take it");
    t.equal(await a.claimWorkItem(item.id, now, { holder: 'a', until: now + 500 }), undefined, "nor a's own fast path: one run at a time");

    await a.renewWorkLeases({ holder: 'a', until: now + 1_000 });
    t.same(await b.claimDueWork(now + 800, 10, { holder: 'b', until: now + 1_300 }), [], 'a renewed: still its own');
    const taken = await b.claimDueWork(now + 1_001, 10, { holder: 'b', until: now + 2_000 });
    t.same(taken.map((i) => i.id), [item.id], "a stopped renewing (died): b takes the item after a's lease");
  });

  t.test("order keys hold across replicas: a person's next item waits while the first is leased or queued", async (t) => {
    const [a, b] = await twoReplicas(engine);
    const [first, second] = await a.insertUser(storedUser('u1', 'bob@example.com'), [
      invite('u1', 'bob@example.com'),
      remove('u1', 'bob@example.com'),
    ]);
    if (first === undefined || second === undefined) throw new Error('no work queued');
    const now = 1_000;
    t.same((await a.claimDueWork(now, 10, { holder: 'a', until: now + 500 })).map((i) => i.id), [first.id], 'only the head is due');
    t.equal(await b.claimWorkItem(second.id, now, { holder: 'b', until: now + 500 }), undefined, 'the second is not the head');
    await a.deferWork(first, 'timeout', now + 100);
    t.same(await b.claimDueWork(now, 10, { holder: 'b', until: now + 500 }), [], 'a deferred head is not due yet, nor is what follows');
    const retried = await b.claimDueWork(now + 100, 10, { holder: 'b', until: now + 600 });
    t.same(retried.map((i) => [i.id, i.attempts]), [[first.id, 1]], 'the deferral ended the lease: b retries the head');
    await b.completeWork(first, { kind: 'none' });
    const next = await a.claimWorkItem(second.id, now + 100, { holder: 'a', until: now + 600 });
    t.equal(next?.id, second.id, 'once done, the next item of the key can be claimed');
  });

  t.test('one holder of a named lease at a time; it can be renewed and is free once released or expired', async (t) => {
    const [a, b] = await twoReplicas(engine);
    t.ok(await a.takeLease({ name: 'reconcile', holder: 'a', until: 2_000 }, 1_000), 'a takes the lease');
    t.notOk(await b.takeLease({ name: 'reconcile', holder: 'b', until: 2_500 }, 1_500), 'b cannot while it is live');
    t.ok(await a.takeLease({ name: 'reconcile', holder: 'a', until: 3_000 }, 1_500), 'a renews it');
    t.notOk(await b.takeLease({ name: 'reconcile', holder: 'b', until: 3_500 }, 2_500), 'renewed: still a');
    t.ok(await b.takeLease({ name: 'reconcile', holder: 'b', until: 4_000 }, 3_001), 'expired: b takes it');
    await a.releaseLease('reconcile', 'a');
    t.notOk(await a.takeLease({ name: 'reconcile', holder: 'a', until: 5_000 }, 3_100), "a's release does not end b's lease");
    await b.releaseLease('reconcile', 'b');
    t.ok(await a.takeLease({ name: 'reconcile', holder: 'a', until: 5_000 }, 3_100), 'released: free');
  });

  t.test('the Asana budget counts every replica: window, concurrency and pauses are shared', async (t) => {
    const [a, b] = await twoReplicas(engine);
    const limits: BudgetLimits = { perWindow: 3, windowMs: 1_000, maxConcurrentReads: 2, maxConcurrentWrites: 1 };
    const take = (store: BridgeStore, kind: 'read' | 'write', now: number, budgetKey = 'sha256:token') =>
      store.takeBudgetSlot({ budgetKey, holder: store === a ? 'a' : 'b', kind, limits, now, inFlightUntil: now + 5_000, holdUntil: now + 10_000 });

    const w1 = await take(a, 'write', 0);
    t.ok(w1.granted, 'a sends a write');
    t.same(await take(b, 'write', 0), { granted: false, retryAt: undefined }, "b's write waits: one write at a time per token");
    t.ok((await take(b, 'read', 0)).granted, 'a read has its own pool');
    if (!w1.granted) throw new Error('unreachable');
    await a.releaseBudgetSlot(w1.slotId, 1_000);
    t.ok((await take(b, 'write', 10)).granted, "a's write answered: b may write");
    t.same(await take(a, 'read', 20), { granted: false, retryAt: 1_000 }, 'three requests in the window: the next waits for the first to leave it');
    t.ok((await take(a, 'read', 20, 'sha256:other-token')).granted, 'another token has its own budget');
    t.ok((await take(a, 'read', 1_000)).granted, 'the answered request left the window');

    const dead = await take(b, 'write', 1_000, 'sha256:third-token');
    t.ok(dead.granted, 'a write whose holder then dies without an answer');
    t.same(await take(a, 'write', 5_999, 'sha256:third-token'), { granted: false, retryAt: undefined }, 'holds the write pool until its lease runs out');
    await b.renewBudgetSlots('b', 6_500, 7_500);
    t.same(await take(a, 'write', 6_000, 'sha256:third-token'), { granted: false, retryAt: undefined }, 'while its holder renews it');
    t.ok((await take(a, 'write', 6_500, 'sha256:third-token')).granted, 'then frees it (it stays in the window)');

    await b.pauseBudget('sha256:other-token', 5_000);
    t.same(await take(a, 'read', 2_000, 'sha256:other-token'), { granted: false, retryAt: 5_000 }, "b's 429 pauses a too");
  });
});
