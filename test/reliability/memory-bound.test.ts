/**
 * Issue 15, item 2: every cache is bounded in bytes, so no stream of distinct queries grows the process. The bridge
 * runs as its own process (src/main.ts); 10,000 distinct expensive list queries — filters at the comparison cap,
 * each of another shape, at another startIndex, with count=0 (the shape that grew the read cache by ~290 KB a
 * request) or a small page — go to it, and its resident memory may grow by at most MAX_GROWTH_MIB.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { INPUT_LIMITS } from '../../src/scim/input-limits.js';
import { startBridgeProcess } from '../helpers/bridge-process.js';
import { userBody } from '../helpers/harness.js';

const QUERIES = 10_000;
const WARM_UP = 500;
const CONNECTIONS = 4;
/** Before the fix the same run grew the process by gigabytes; bounded caches keep it to tens of MiB. */
const MAX_GROWTH_MIB = 96;

const ATTRIBUTES = [
  'userName',
  'title',
  'displayName',
  'nickName',
  'emails.value',
  'name.givenName',
  'name.familyName',
  'externalId',
  'addresses.locality',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter',
];

/** The n-th filter: INPUT_LIMITS.maxFilterTerms comparisons whose attributes and operators spell n. */
function expensiveFilter(n: number): string {
  const terms: string[] = [];
  for (let i = 0, rest = n; i < INPUT_LIMITS.maxFilterTerms; i++, rest = Math.floor(rest / 3) + i) {
    const attribute = ATTRIBUTES[(rest + i) % ATTRIBUTES.length] ?? 'userName';
    terms.push(rest % 2 === 0 ? `${attribute} pr` : `${attribute} co "x${i}"`);
  }
  return terms.join(n % 2 === 0 ? ' or ' : ' and ');
}

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

// 10,000 requests on a machine shared with other test processes take minutes, not seconds.
t.setTimeout(420_000);

t.test('10,000 distinct expensive queries leave the process within a bounded size', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-memory-'));
  const simulator = await startAsanaSimulator();
  const bridge = await startBridgeProcess(simulator, join(dir, 'bridge.db'), { SCIM_RATE_LIMIT_PER_MINUTE: '100000000' });
  t.teardown(async () => {
    await bridge.kill();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < 20; i++) {
    const created = await bridge.request('POST', '/Users', userBody(`user${i}@example.com`, { title: `T${i}` }));
    t.equal(created.status, 201, `user ${i} created`);
  }
  const pid = bridge.child.pid;
  if (pid === undefined) throw new Error('no bridge pid');

  let next = 0;
  const run = async (until: number) => {
    const worker = async () => {
      for (let n = next++; n < until; n = next++) {
        const query = new URLSearchParams({
          filter: expensiveFilter(n),
          startIndex: String(1 + (n % 997)),
          count: String(n % 3 === 0 ? 0 : 1 + (n % 5)),
        });
        const response = await fetch(`${bridge.base}/Users?${query}`, { headers: { authorization: `Bearer ${bridge.token}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`query ${n} answered ${response.status}`);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  };
  await run(WARM_UP);
  const before = rssMiB(pid);
  await run(QUERIES + WARM_UP);
  const after = rssMiB(pid);
  t.comment(`memory figures: RSS ${before.toFixed(0)} MiB after ${WARM_UP} warm-up queries, ${after.toFixed(0)} MiB after ${QUERIES} more`);
  t.ok(after - before < MAX_GROWTH_MIB, `grew ${(after - before).toFixed(0)} MiB (bound ${MAX_GROWTH_MIB} MiB)`);
});
