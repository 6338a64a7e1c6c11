/**
 * Issue 15, item 1: every parser, validator and route matcher that sees request data costs time linear in its
 * input. Each gets adversarial input of the body limit's size (1 MiB, BODY_LIMIT_BYTES' default) shaped to make a
 * backtracking pattern or a list-against-list comparison blow up, and must finish within a bound that is wide for
 * a shared machine (a linear pass over 1 MiB takes milliseconds; the quadratic versions took minutes). Then each
 * input cap is answered over HTTP with a SCIM 400 that names it, and nothing is stored.
 */
import t from 'tap';
import { hasOwnToken, isProbe } from '../../src/http/auth.js';
import { findAttribute } from '../../src/scim/attribute.js';
import { serviceProviderConfig } from '../../src/scim/discovery.js';
import { isEmailAddress } from '../../src/scim/email-address.js';
import { parseFilter } from '../../src/scim/filter.js';
import { normalizeDateTime } from '../../src/scim/filter-date-time.js';
import { INPUT_LIMITS, assertWithinInputLimits } from '../../src/scim/input-limits.js';
import { parseListQuery, parseSearchRequest } from '../../src/scim/list.js';
import { addElements, withoutElements } from '../../src/scim/multi-valued.js';
import { parsePatchPath } from '../../src/scim/path.js';
import { parseAttributeList } from '../../src/scim/projection.js';
import { normalizeResourceInput } from '../../src/scim/resource-input.js';
import { SEARCH_REQUEST_SCHEMA, userResource, userSchema } from '../../src/scim/schemas.js';
import { ifMatchSatisfied } from '../../src/scim/version.js';
import { startHarness, userBody } from '../helpers/harness.js';
import { rawExchange } from '../helpers/raw-http.js';

const BODY_LIMIT = 1_048_576;
/** Wide: linear handling of 1 MiB takes milliseconds here, the quadratic handling took minutes. */
const BOUND_MS = 5_000;
const limits = { defaultCount: 100, maxCount: 1000 };

/** Runs `work`, which may throw a SCIM error (refusing is a fine answer), and returns how long it took. */
function timed(work: () => unknown): number {
  const started = performance.now();
  try {
    work();
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ScimError') throw error;
  }
  return performance.now() - started;
}

const slashes = `${'/'.repeat(BODY_LIMIT - 1)}x`;
const adversarial: Record<string, () => unknown> = {
  'probe path matcher, 1 MiB of "/" not at the end': () => isProbe(slashes),
  'operator path matcher (/metrics, /admin), 1 MiB of "/" not at the end': () => hasOwnToken(slashes),
  'discovery base URL from a Host with 1 MiB of "/"': () => serviceProviderConfig({ baseUrl: `http://h${slashes}`, maxResults: 100, bulk: { maxOperations: 100, maxPayloadSize: BODY_LIMIT } }),
  'email check, a 1 MiB domain of dots and a space': () => isEmailAddress(`a@${'.'.repeat(BODY_LIMIT)} `),
  'email check, a 1 MiB domain without a dot': () => isEmailAddress(`a@${'a'.repeat(BODY_LIMIT)}`),
  'email check, 1 MiB of "@"': () => isEmailAddress('@'.repeat(BODY_LIMIT)),
  'attributes list, 1 MiB of "["': () => parseAttributeList(['['.repeat(BODY_LIMIT)], userResource),
  'attributes query, 1 MiB of ","': () => parseListQuery({ attributes: ','.repeat(BODY_LIMIT) }, limits),
  'attributes query, 1 MiB of names': () => parseListQuery({ attributes: 'a,'.repeat(BODY_LIMIT / 2) }, limits),
  'search body, 1 MiB filter of "("': () =>
    parseSearchRequest({ schemas: [SEARCH_REQUEST_SCHEMA], filter: '('.repeat(BODY_LIMIT) }, limits),
  'filter, 1 MiB of "pr or"': () => parseFilter('userName pr or '.repeat(BODY_LIMIT / 15), userResource),
  'filter, 1 MiB string literal': () => parseFilter(`userName eq "${'\\"'.repeat(BODY_LIMIT / 2)}"`, userResource),
  'PATCH path, 1 MiB of "["': () => parsePatchPath(`emails[${'['.repeat(BODY_LIMIT)}`, userResource),
  'PATCH path, 1 MiB of "."': () => parsePatchPath('.'.repeat(BODY_LIMIT), userResource),
  'dateTime, 1 MiB of digits': () => normalizeDateTime(`2020-01-01T00:00:00.${'1'.repeat(BODY_LIMIT)}x`),
  'If-Match, 1 MiB of quotes and W/': () => ifMatchSatisfied('W/"'.repeat(BODY_LIMIT / 3), 1),
  'body caps, 1 MiB of nested arrays': () => assertWithinInputLimits(JSON.parse(`${'['.repeat(BODY_LIMIT / 2)}${']'.repeat(BODY_LIMIT / 2)}`)),
  'body caps, 1 MiB array of numbers': () => assertWithinInputLimits(JSON.parse(`[${'1,'.repeat(BODY_LIMIT / 2)}1]`)),
  'user input, 25,000 addresses': () =>
    normalizeResourceInput(
      userBody('a@example.com', { addresses: Array.from({ length: 25_000 }, (_, i) => ({ locality: `L${i}` })) }),
      userResource,
    ),
};

t.test('each parser, validator and matcher handles 1 MiB of adversarial input in linear time', async (t) => {
  for (const [name, work] of Object.entries(adversarial)) {
    const ms = timed(work);
    t.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  }
});

t.test('lists are compared with lists by key: 20,000 addresses added and removed', async (t) => {
  const addresses = findAttribute(userSchema.attributes, 'addresses');
  if (!addresses) throw new Error('no addresses attribute');
  const values = Array.from({ length: 20_000 }, (_, i) => ({ locality: `L${i}`, type: 'work' }));
  const list: unknown[] = [];
  const ms = timed(() => {
    addElements(addresses, list, values);
    // The same values again, with their keys in another order: equal as JSON, so nothing is added.
    addElements(addresses, list, values.map(({ locality, type }) => ({ type, locality })));
    const left = withoutElements(addresses, list, values.slice(0, 10_000));
    t.equal(left.length, 10_000, 'half removed');
  });
  t.equal(list.length, 20_000, 'no duplicates');
  t.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
});

t.test('each input cap is answered with a SCIM 400 that names it, and nothing is stored', async (t) => {
  const h = await startHarness(t);
  const cases: Array<{ name: string; method: string; path: string; body: unknown; names: string }> = [
    {
      name: 'a string longer than the cap',
      method: 'POST',
      path: '/Users',
      body: userBody('long@example.com', { title: 'x'.repeat(INPUT_LIMITS.maxStringLength + 1) }),
      names: '8,192 characters',
    },
    {
      name: 'a userName of 60 KB',
      method: 'POST',
      path: '/Users',
      body: userBody(`a@${'.'.repeat(60_000)} `),
      names: '8,192 characters',
    },
    {
      name: 'more values of one attribute than the cap',
      method: 'POST',
      path: '/Users',
      body: userBody('many@example.com', {
        addresses: Array.from({ length: 8_000 }, (_, i) => ({ streetAddress: `${i} Main St` })),
      }),
      names: '100 values',
    },
    {
      name: 'an array longer than the cap',
      method: 'POST',
      path: '/Groups',
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Big',
        members: Array.from({ length: INPUT_LIMITS.maxArrayLength + 1 }, (_, i) => ({ value: String(i) })),
      },
      names: '10,000 elements',
    },
    {
      name: 'an object with more keys than the cap',
      method: 'POST',
      path: '/Users',
      body: userBody('keys@example.com', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]))),
      names: '200 keys',
    },
    {
      name: 'nesting deeper than the cap',
      method: 'POST',
      path: '/Users',
      body: userBody('deep@example.com', { title: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown }),
      names: '32 levels',
    },
    {
      name: 'more attribute names than the cap',
      method: 'POST',
      path: '/Users/.search',
      body: { schemas: [SEARCH_REQUEST_SCHEMA], attributes: Array.from({ length: 101 }, () => 'userName') },
      names: '100 names',
    },
    {
      name: 'a filter with more comparisons than the cap',
      method: 'POST',
      path: '/Users/.search',
      body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: Array.from({ length: 51 }, () => 'userName pr').join(' or ') },
      names: '50 comparisons',
    },
  ];
  for (const c of cases) {
    const response = await h.request(c.method, c.path, { body: c.body });
    t.equal(response.status, 400, `${c.name}: 400`);
    t.match(response.body?.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error'], `${c.name}: a SCIM error`);
    t.match(String(response.body?.detail), c.names, `${c.name}: the detail names the cap (${c.names})`);
  }
  const attributes = await h.request('GET', `/Users?attributes=${Array.from({ length: 101 }, () => 'userName').join(',')}`);
  t.equal(attributes.status, 400, 'attributes in the query: 400');
  t.match(String(attributes.body?.detail), '100 names');
  const users = await h.request('GET', '/Users');
  const groups = await h.request('GET', '/Groups');
  t.equal(users.body.totalResults, 0, 'no user stored');
  t.equal(groups.body.totalResults, 0, 'no group stored');
  t.same(h.simulator.requests(), [], 'no Asana call');
});

t.test('a Host header that is no authority is refused, so it never becomes a base URL', async (t) => {
  const h = await startHarness(t);
  const exchange = await rawExchange(h.origin, {
    send: `GET /scim/v2/ServiceProviderConfig HTTP/1.1\r\nHost: h${'/'.repeat(8_000)}x\r\nConnection: close\r\n\r\n`,
    giveUpMs: 5_000,
  });
  t.equal(exchange.status, 400);
  t.match(exchange.body, 'Host header');
});

t.test('a path of 16 KB of "/" is matched and refused quickly, with or without a token', async (t) => {
  const h = await startHarness(t);
  const path = `${'/'.repeat(16_000)}x`;
  for (const anonymous of [true, false]) {
    const started = performance.now();
    const response = await h.request('GET', `${h.origin}${path}`, { anonymous });
    const ms = performance.now() - started;
    t.ok(response.status === 401 || response.status === 404, `answered ${response.status}`);
    t.ok(ms < BOUND_MS, `${anonymous ? 'without' : 'with'} a token: ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  }
});

t.test('ServiceProviderConfig states the cap the RFC has a place for', async (t) => {
  const h = await startHarness(t, { env: { SCIM_MAX_RESULTS: '500' } });
  const response = await h.request('GET', '/ServiceProviderConfig');
  t.equal(response.body.filter.maxResults, 500);
});
