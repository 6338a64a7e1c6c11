/**
 * The attacker of test/reliability/fairness.test.ts, a process of its own that the test starts under `nice`.
 * Keeps CONNECTIONS kept-alive connections busy (each sends its next request when its last is answered: a bounded
 * load) with the most expensive requests the bridge accepts or refuses, until its stdin closes. Requests are
 * written as prebuilt bytes on raw sockets, so the attacker needs little CPU to keep the bridge busy. Prints `attacking` once every kind has been answered once, and at the end one JSON line: how many
 * requests it sent and the median time of each kind.
 *
 * Environment: ORIGIN (http://127.0.0.1:PORT), TOKEN (a SCIM token), USER_ID (a user to PATCH), CONNECTIONS.
 */
import { connect, type Socket } from 'node:net';
import { INPUT_LIMITS } from '../../src/scim/input-limits.js';
import { userBody } from './harness.js';

export interface AttackerReport {
  readonly attacks: number;
  /** Median milliseconds of each kind of request, in the order of `worst` below. */
  readonly medianMs: number[];
  /** The status codes the attacker got, e.g. 401, 409, 200. */
  readonly statuses: number[];
}

const origin = new URL(process.env['ORIGIN'] ?? '');
const token = process.env['TOKEN'] ?? '';
const userId = process.env['USER_ID'] ?? '';
const connections = Number(process.env['CONNECTIONS'] ?? '2');
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

/**
 * Each request is built once, as the bytes of an HTTP/1.1 request on a kept-alive connection, so that sending
 * it again costs the attacker almost nothing: at `nice 19` it still keeps the bridge busy.
 */
function request(method: string, path: string, body?: string): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, `host: ${origin.host}`];
  head.push(`authorization: Bearer ${token}`);
  if (body !== undefined) head.push('content-type: application/scim+json', `content-length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`);
}
const slashes = `${'/'.repeat(16_000)}x`;
const worst: Buffer[] = [
  // Without a token: refused, but only after the path has been read and matched.
  Buffer.from(`GET ${slashes} HTTP/1.1\r\nhost: ${origin.host}\r\n\r\n`),
  Buffer.from(`GET /scim/v2/Users/${slashes} HTTP/1.1\r\nhost: ${origin.host}\r\n\r\n`),
  request('POST', '/scim/v2/Users', bigUser),
  request('POST', '/scim/v2/Users/.search', search),
  request('GET', '/scim/v2/Users?count=1000'),
  request('PATCH', `/scim/v2/Users/${userId}`, addresses),
];

/** One kept-alive connection: sends a request, resolves with the status once the whole answer is in. */
class Connection {
  private socket: Socket | undefined;
  private received = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;

  exchange(bytes: Buffer): Promise<number> {
    const socket = this.socket ?? this.open();
    return new Promise((resolve) => {
      this.waiting = resolve;
      socket.write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): Socket {
    const socket = connect(Number(origin.port), origin.hostname);
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.answer();
    });
    socket.on('error', () => undefined);
    // The bridge closes a connection after some refusals (a body it will not read): the next request opens another.
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.received = Buffer.alloc(0);
      this.waiting?.(0);
      this.waiting = undefined;
    });
    this.socket = socket;
    return socket;
  }

  /** Resolves the waiting exchange once a whole response (headers and Content-Length bytes of body) is in. */
  private answer(): void {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0 || this.waiting === undefined) return;
    const head = this.received.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0');
    if (this.received.length < end + 4 + length) return;
    this.received = this.received.subarray(end + 4 + length);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(Number(head.slice(9, 12)));
  }
}

let attacking = true;
process.stdin.on('data', () => undefined);
process.stdin.once('end', () => {
  attacking = false;
});
let attacks = 0;
const times = worst.map(() => [] as number[]);
const statuses = new Set<number>();
let announced = false;
const connection = async (offset: number) => {
  const link = new Connection();
  for (let n = offset; attacking; n++) {
    const kind = n % worst.length;
    const started = performance.now();
    const status = await link.exchange(worst[kind]!);
    times[kind]!.push(performance.now() - started);
    statuses.add(status);
    attacks += 1;
    if (!announced && times.every((kind) => kind.length > 0)) {
      announced = true;
      process.stdout.write('attacking\n');
    }
  }
  link.close();
};
await Promise.all(Array.from({ length: connections }, (_, i) => connection(i * 3)));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const report: AttackerReport = { attacks, medianMs: times.map(median), statuses: [...statuses].sort() };
process.stdout.write(`${JSON.stringify(report)}\n`);
