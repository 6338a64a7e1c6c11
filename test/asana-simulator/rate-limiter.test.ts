import t from 'tap';
import { RateLimiter, type Admission } from '../../src/asana-simulator/rate-limiter.js';

function retryAfter(admission: Admission): number | undefined {
  if (!admission.admitted) return admission.retryAfterSeconds;
  admission.release();
  return undefined;
}

const roomy = { maxConcurrentReads: 100, maxConcurrentWrites: 100 };

t.test('the rolling window counts rejected requests and says when a slot frees', async (t) => {
  const limiter = new RateLimiter({ perWindow: 3, windowMs: 60_000, ...roomy });
  // [arrival in ms, expected Retry-After in seconds; undefined = admitted]
  const steps: Array<[number, number | undefined]> = [
    [0, undefined],
    [10_000, undefined],
    [20_000, undefined],
    // 0, 10, 20 and this rejected 30 are in the window: two must expire, so room comes at 10 + 60 = 70 s.
    [30_000, 40],
    // 0 has left; 10, 20, 30 remain and this one makes four: room at 20 + 60 = 80 s.
    [69_000, 11],
    [80_000, undefined],
    // 30, 69, 80 and this one: room at 69 + 60 = 129 s, 48.5 s away, rounded up.
    [80_500, 49],
  ];
  for (const [now, expected] of steps) {
    t.equal(retryAfter(limiter.admit('read', now)), expected, `at ${now} ms`);
  }
});

t.test('a steady stream just under the limit is never refused, across queue compactions', async (t) => {
  const limiter = new RateLimiter({ perWindow: 1000, windowMs: 1000, ...roomy });
  let refused = 0;
  for (let now = 0; now < 5000; now += 1) if (retryAfter(limiter.admit('write', now)) !== undefined) refused += 1;
  t.equal(refused, 0);
  t.equal(retryAfter(limiter.admit('write', 4999)), 1, 'one more in the same millisecond is refused');
});

t.test('concurrent reads and writes have separate pools', async (t) => {
  const limiter = new RateLimiter({ perWindow: 100, windowMs: 60_000, maxConcurrentReads: 2, maxConcurrentWrites: 1 });
  const read1 = limiter.admit('read', 0);
  const read2 = limiter.admit('read', 0);
  t.ok(read1.admitted && read2.admitted);
  t.equal(retryAfter(limiter.admit('read', 0)), 1, 'a third read waits');
  const write = limiter.admit('write', 0);
  t.ok(write.admitted, 'writes do not wait for reads');
  t.equal(retryAfter(limiter.admit('write', 0)), 1, 'a second write waits');
  if (read1.admitted) {
    read1.release();
    read1.release();
  }
  const read3 = limiter.admit('read', 0);
  t.ok(read3.admitted, 'a released slot is reused');
  t.equal(retryAfter(limiter.admit('read', 0)), 1, 'releasing twice frees one slot only');
});
