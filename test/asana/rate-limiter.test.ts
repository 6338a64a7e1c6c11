import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiter, type RequestKind } from '../../src/asana/rate-limiter.js';

// The limiter's clock is performance.now(); timings are read from the same clock and only lower bounds that the
// design guarantees are asserted.

t.test('never grants more than the limit within any window, counting from each release', async (t) => {
  const windowMs = 150;
  const limiter = new RateLimiter({ requestsPerMinute: 5, windowMs });
  const granted: number[] = [];
  await Promise.all(
    Array.from({ length: 17 }, async () => {
      const release = await limiter.acquire('read');
      granted.push(performance.now());
      release();
    }),
  );
  t.equal(granted.length, 17);
  granted.sort((a, b) => a - b);
  for (let i = 0; i + 5 < granted.length; i += 1) {
    t.ok(granted[i + 5]! - granted[i]! >= windowMs, `grants ${i} and ${i + 5} are a window apart`);
  }
});

t.test('a slot stays taken until a window after its release, however long the request ran', async (t) => {
  const windowMs = 100;
  const limiter = new RateLimiter({ requestsPerMinute: 2, windowMs });
  const first = await limiter.acquire('read');
  const second = await limiter.acquire('write');
  let thirdAt = 0;
  const third = limiter.acquire('read').then((release) => {
    thirdAt = performance.now();
    release();
  });
  await sleep(200); // longer than the window: a send-time count would already have let the third one go
  t.equal(thirdAt, 0, 'still waiting while both slots are in flight');
  const releasedAt = performance.now();
  first();
  second();
  await third;
  t.ok(thirdAt - releasedAt >= windowMs, 'granted a window after the releases');
});

t.test('reads and writes have independent concurrency pools', async (t) => {
  const limiter = new RateLimiter({ requestsPerMinute: 1000, maxConcurrentReads: 2, maxConcurrentWrites: 1 });
  const active: Record<RequestKind, number> = { read: 0, write: 0 };
  const peak: Record<RequestKind, number> = { read: 0, write: 0 };
  const run = async (kind: RequestKind) => {
    const release = await limiter.acquire(kind);
    active[kind] += 1;
    peak[kind] = Math.max(peak[kind], active[kind]);
    await sleep(20);
    active[kind] -= 1;
    release();
  };
  const kinds: RequestKind[] = ['read', 'read', 'read', 'read', 'read', 'write', 'write', 'write'];
  await Promise.all(kinds.map(run));
  t.same(peak, { read: 2, write: 1 });
});

t.test('a write is not held behind reads that wait for the read pool', async (t) => {
  const limiter = new RateLimiter({ requestsPerMinute: 1000, maxConcurrentReads: 1 });
  const heldRead = await limiter.acquire('read');
  let readGranted = false;
  const waitingRead = limiter.acquire('read').then((release) => {
    readGranted = true;
    release();
  });
  const releaseWrite = await limiter.acquire('write');
  t.equal(readGranted, false, 'the read still waits for its pool');
  releaseWrite();
  heldRead();
  await waitingRead;
  t.equal(readGranted, true);
});

t.test('waiting callers are served in arrival order', async (t) => {
  const cases: { name: string; options: ConstructorParameters<typeof RateLimiter>[0]; kinds: RequestKind[] }[] = [
    {
      name: 'blocked by the read pool',
      options: { requestsPerMinute: 1000, maxConcurrentReads: 1 },
      kinds: ['read', 'read', 'read', 'read', 'read'],
    },
    {
      name: 'blocked by the window, reads and writes interleaved',
      options: { requestsPerMinute: 1, windowMs: 30 },
      kinds: ['read', 'write', 'read', 'write', 'write', 'read'],
    },
  ];
  for (const { name, options, kinds } of cases) {
    const limiter = new RateLimiter(options);
    const held = await limiter.acquire('read');
    const order: number[] = [];
    const all = Promise.all(
      kinds.map(async (kind, index) => {
        const release = await limiter.acquire(kind);
        order.push(index);
        release();
      }),
    );
    held();
    await all;
    t.same(order, kinds.map((_, index) => index), name);
  }
});

t.test('pause holds back every caller until it has passed', async (t) => {
  const limiter = new RateLimiter({ requestsPerMinute: 1000 });
  const pausedAt = performance.now();
  limiter.pause(120);
  const grantedAt = await Promise.all(
    (['read', 'write', 'read'] as const).map(async (kind) => {
      const release = await limiter.acquire(kind);
      release();
      return performance.now();
    }),
  );
  for (const at of grantedAt) t.ok(at - pausedAt >= 120, 'granted after the pause');

  // A shorter pause does not shorten a longer one already in force.
  const longPauseAt = performance.now();
  limiter.pause(120);
  limiter.pause(10);
  const release = await limiter.acquire('read');
  release();
  t.ok(performance.now() - longPauseAt >= 120);
});

t.test('releasing twice frees one slot only', async (t) => {
  const limiter = new RateLimiter({ requestsPerMinute: 1000, maxConcurrentWrites: 1 });
  const first = await limiter.acquire('write');
  const waitingSecond = limiter.acquire('write');
  first();
  const second = await waitingSecond;
  first();
  let thirdGranted = false;
  const third = limiter.acquire('write').then((release) => {
    thirdGranted = true;
    release();
  });
  await sleep(20);
  t.equal(thirdGranted, false, 'the second write still holds the only slot');
  second();
  await third;
  t.equal(thirdGranted, true);
});

t.test('rejects limits that are not positive integers', async (t) => {
  const invalid = [
    { requestsPerMinute: 0 },
    { requestsPerMinute: 1.5 },
    { requestsPerMinute: 10, maxConcurrentReads: 0 },
    { requestsPerMinute: 10, maxConcurrentWrites: -1 },
    { requestsPerMinute: 10, windowMs: 0 },
  ];
  for (const options of invalid) t.throws(() => new RateLimiter(options), RangeError, JSON.stringify(options));
});
