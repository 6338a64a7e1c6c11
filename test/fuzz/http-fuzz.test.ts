import t from 'tap';
import { startHarness, TEST_TOKEN, userBody, type Harness } from '../helpers/harness.js';
import { rawExchange } from '../helpers/raw-http.js';
import { Random } from './mutate.js';
import { generateRequest, type Category, type FuzzRequest, type FuzzTargets } from './request-generator.js';
import { checkAnswer, type Answer } from './response-shape.js';
import { diffSnapshots, StoreReader, widenDirty, type Dirty } from './store-snapshot.js';

/**
 * Issue 6, bad input: a seeded fuzzer over the whole HTTP surface of ONE listening bridge. Every answer must be a
 * well-formed SCIM response and never a 5xx; the process must stay up; and requests the bridge rejects must
 * change nothing: the SQLite file is snapshotted around every batch and compared, leaving out only the resources
 * that accepted writes touched, and a batch with no accepted write must cost no Asana call.
 * Replay a run with FUZZ_SEED=<seed> (and FUZZ_REQUESTS=<n> for a longer one).
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_516);
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 10_000);
const BATCH = 250;
const IN_FLIGHT = 16;
/** Every PROBE_EVERY-th batch is a probe: nothing in it can be accepted, so it must cost no Asana call. */
const PROBE_EVERY = 4;
const MIN_USERS = 16;
const MIN_GROUPS = 4;

interface Outcome {
  readonly request: FuzzRequest;
  readonly answer?: Answer;
  readonly problems: readonly string[];
}

async function send(h: Harness, request: FuzzRequest): Promise<Outcome> {
  if (request.raw !== undefined) {
    const exchange = await rawExchange(h.origin, { send: request.raw, giveUpMs: 10_000 });
    if (exchange.status === undefined) return { request, problems: [exchange.closedByServer ? 'closed without an answer' : 'no answer in 10 s'] };
    const answer = { status: exchange.status, contentType: exchange.headers['content-type'], text: exchange.body };
    // A raw request that succeeded went to a route fetch also reaches; only its status and JSON are judged here.
    const problems = answer.status >= 400 || answer.status < 200 ? checkAnswer('RAW', '', answer) : [];
    return { request, answer, problems };
  }
  const url = new URL(h.origin + request.path);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
  } catch (error) {
    return { request, problems: [`no answer: ${String((error as Error).cause ?? error)}`] };
  }
  const answer = {
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    etag: response.headers.get('etag') ?? undefined,
    location: response.headers.get('location') ?? undefined,
    text: await response.text(),
  };
  return { request, answer, problems: checkAnswer(request.method, url.pathname, answer) };
}

/** Sends a batch with at most IN_FLIGHT requests open at once; answers come back in request order. */
async function sendAll(h: Harness, requests: readonly FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      outcomes[i] = await send(h, requests[i] as FuzzRequest);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return outcomes;
}

/**
 * The request made unacceptable for a probe batch, or undefined to draw another: a POST that may create is left
 * out, and every other write carries an If-Match no resource has (versions start at 1), so it ends in a 4xx.
 */
function asProbe(request: FuzzRequest): FuzzRequest | undefined {
  if (request.raw !== undefined) return request;
  const path = new URL(`http://x${request.path}`).pathname;
  if (request.method === 'POST' && !/\/\.search\/?$/i.test(path)) return undefined;
  if (!['PUT', 'PATCH', 'DELETE'].includes(request.method)) return request;
  return { ...request, headers: { ...request.headers, 'if-match': 'W/"0"' } };
}

function drawBatch(random: Random, targets: FuzzTargets, size: number, probe: boolean): FuzzRequest[] {
  const requests: FuzzRequest[] = [];
  while (requests.length < size) {
    const request = generateRequest(random, targets);
    const kept = probe ? asProbe(request) : request;
    if (kept) requests.push(kept);
  }
  return requests;
}

/** Resources an accepted write may have changed: the id in its path and the one in its answer. */
function touchedBy(outcome: Outcome, dirty: Dirty): boolean {
  const { request, answer } = outcome;
  if (answer === undefined || answer.status >= 300 || request.method === 'GET' || request.method === 'HEAD') return false;
  if (request.raw !== undefined) return false;
  const path = new URL(`http://x${request.path}`).pathname;
  if (/\/\.search\/?$/i.test(path)) return false;
  const match = /\/(users|groups)(?:\/([^/]+))?\/?$/i.exec(path);
  if (!match) return false;
  const ids = dirty[match[1]?.toLowerCase() === 'users' ? 'users' : 'groups'];
  if (match[2] !== undefined) ids.add(decodeURIComponent(match[2]));
  try {
    const id = (JSON.parse(answer.text) as { id?: unknown }).id;
    if (typeof id === 'string') ids.add(id);
  } catch {
    // 204: no body, the path named the resource.
  }
  return true;
}

/** Keeps enough real targets around: accepted DELETEs and deactivations wear the seeded population down. */
async function replenish(h: Harness, reader: StoreReader, round: number): Promise<void> {
  const { users, groups } = reader.targets();
  for (let i = users.length; i < MIN_USERS; i++) {
    await h.request('POST', '/Users', { body: userBody(`seed${round}-${i}@example.com`) });
  }
  const members = reader.targets().users.slice(0, 3).map((u) => ({ value: u.id }));
  for (let i = groups.length; i < MIN_GROUPS; i++) {
    await h.request('POST', '/Groups', { body: { displayName: `Seed ${round}-${i}`, members } });
  }
}

t.test('fuzzing the HTTP surface: well-formed SCIM answers, no 5xx, rejected requests change nothing', async (t) => {
  const h = await startHarness(t, { env: { SCIM_RATE_LIMIT_PER_MINUTE: '1000000', SCIM_WRITE_RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn' } });
  const reader = new StoreReader(h.databasePath);
  t.teardown(() => reader.close());
  const random = new Random(SEED);
  const host = new URL(h.origin).host;
  const byCategory = new Map<Category, number>();
  const byStatus = new Map<number, number>();
  /** Problems by kind, with the first example of each. */
  const problems = new Map<string, { count: number; example: string }>();
  const report = (kind: string, example: string) => {
    const seen = problems.get(kind);
    problems.set(kind, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? example });
  };
  let sent = 0;
  let accepted = 0;
  let batches = 0;
  let checkedBatches = 0;
  const started = performance.now();
  t.comment(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx tap test/fuzz/http-fuzz.test.ts)`);

  while (sent < REQUESTS) {
    await replenish(h, reader, batches);
    const targets: FuzzTargets = { token: TEST_TOKEN, host, ...reader.targets() };
    const probe = batches % PROBE_EVERY === PROBE_EVERY - 1;
    const requests = drawBatch(random, targets, Math.min(BATCH, REQUESTS - sent), probe);
    const before = reader.snapshot();
    const asanaBefore = h.simulator.requests().length;
    const outcomes = await sendAll(h, requests);
    const after = reader.snapshot();

    const dirty: Dirty = { users: new Set(), groups: new Set() };
    let acceptedHere = 0;
    for (const outcome of outcomes) {
      const { request, answer } = outcome;
      byCategory.set(request.category, (byCategory.get(request.category) ?? 0) + 1);
      if (answer) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      if (touchedBy(outcome, dirty)) acceptedHere += 1;
      if (outcome.problems.length > 0) {
        const example = `${request.method} ${request.path.slice(0, 300)} ${String(request.raw ?? request.body ?? '').slice(0, 300)} → ${answer?.status} ${answer?.text.slice(0, 300)}`;
        report(`${outcome.problems.join('; ')} (${answer?.status})`, example);
      }
    }
    for (const change of diffSnapshots(before, after, widenDirty(dirty, before, after))) {
      report('a rejected request changed the store', `batch ${batches}: ${change}`);
    }
    if (probe && acceptedHere > 0) report('a probe batch had an accepted write', `batch ${batches}`);
    if (probe && acceptedHere === 0 && before.work.size === 0) {
      checkedBatches += 1;
      const calls = h.simulator.requests().slice(asanaBefore);
      if (calls.length > 0) report('rejected requests called Asana', `batch ${batches}: ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
    }
    sent += requests.length;
    accepted += acceptedHere;
    batches += 1;
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const counts = (map: Map<string | number, number>) => [...map].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
  t.comment(`${sent} requests in ${batches} batches, ${seconds} s; ${accepted} writes accepted`);
  t.comment(`by category: ${counts(byCategory)}`);
  t.comment(`by status: ${counts(byStatus)}`);
  t.comment(`${checkedBatches} probe batches of rejections only, each checked to cost no Asana call`);
  for (const line of h.logs.filter((l) => l.includes('"level":50')).slice(0, 5)) t.comment(`bridge error log: ${line.slice(0, 600)}`);

  t.ok(sent >= REQUESTS, `sent ${sent} requests`);
  for (const [kind, { count, example }] of problems) t.comment(`PROBLEM ×${count}: ${kind}\n    e.g. ${example}`);
  t.same([...problems.keys()], [], 'every answer well-formed, every rejection without effect');
  t.notOk([...byStatus.keys()].some((status) => status >= 500), 'no 5xx');
  t.ok([...byStatus.keys()].some((status) => status >= 200 && status < 300), 'some requests got through to real work');
  t.ok(checkedBatches > 0, 'some batches were all rejections, checked against Asana calls');
  t.equal((await h.request('GET', '/healthz', { anonymous: true })).status, 200, 'the process is up');
  t.equal((await h.request('GET', '/Users?count=1')).status, 200, 'and serving SCIM');
});
