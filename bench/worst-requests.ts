/**
 * The attacker of bench/fairness-bench.ts, run as a worker thread so that its own work (building 1 MB
 * bodies, reading answers) does not delay the measuring client's event loop. Keeps `connections` requests in
 * flight (each sends its next request when the last is answered) until told to stop. Posts 'attacking' once
 * every kind of request has been answered once, and at the end how many it sent and the median time of each kind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { INPUT_LIMITS } from '../src/scim/input-limits.js';
import { userBody } from '../test/helpers/harness.js';

export interface AttackerData {
  readonly origin: string;
  readonly base: string;
  readonly token: string;
  readonly userId: string;
  readonly connections: number;
}

export interface AttackerReport {
  readonly attacks: number;
  /** Median milliseconds of each kind of request, in the order of `worst` below. */
  readonly medianMs: number[];
}

const { origin, base, token, userId, connections } = workerData as AttackerData;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
const bigString = 'x'.repeat(INPUT_LIMITS.maxStringLength);
// Near the body limit: 120 strings at the string cap, attributes the bridge does not keep.
const bigUser = JSON.stringify(
  userBody('big@example.com', Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, bigString]))),
);
const search = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
  filter: Array.from({ length: INPUT_LIMITS.maxFilterTerms }, (_, i) => `title co "${i}"`).join(' or '),
  count: 1000,
});
const addresses = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    {
      op: 'replace',
      path: 'addresses',
      value: Array.from({ length: INPUT_LIMITS.maxValuesPerAttribute }, (_, i) => ({ locality: `${i} ${bigString.slice(0, 60)}` })),
    },
  ],
});

const worst: Array<() => Promise<Response>> = [
  () => fetch(`${origin}${'/'.repeat(16_000)}x`),
  () => fetch(`${base}/Users/${'/'.repeat(16_000)}x`),
  () => fetch(`${base}/Users`, { method: 'POST', headers, body: bigUser }),
  () => fetch(`${base}/Users/.search`, { method: 'POST', headers, body: search }),
  () => fetch(`${base}/Users?count=1000`, { headers }),
  () => fetch(`${base}/Users/${userId}`, { method: 'PATCH', headers, body: addresses }),
];

let attacking = true;
let attacks = 0;
const times = worst.map(() => [] as number[]);
parentPort?.once('message', () => {
  attacking = false;
});

let announced = false;
const connection = async (offset: number) => {
  for (let n = offset; attacking; n++) {
    const kind = n % worst.length;
    const started = performance.now();
    const response = await worst[kind]!();
    await response.arrayBuffer();
    times[kind]!.push(performance.now() - started);
    attacks += 1;
    if (!announced && times.every((kind) => kind.length > 0)) {
      announced = true;
      parentPort?.postMessage('attacking');
    }
  }
};
await Promise.all(Array.from({ length: connections }, (_, i) => connection(i * 3)));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
parentPort?.postMessage({ attacks, medianMs: times.map(median) } satisfies AttackerReport);
