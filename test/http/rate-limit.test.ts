import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import { bearerAuth } from '../../src/http/auth.js';
import { requestRateLimit } from '../../src/http/rate-limit.js';
import { startHarness, TEST_TOKEN, userBody, type ScimResponse } from '../helpers/harness.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SECOND_TOKEN = 'second-scim-token-0123456789abcdef';
const LIMIT = 5;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function isRateLimited(t: Test, response: ScimResponse): void {
  t.equal(response.status, 429);
  t.match(response.headers.get('retry-after'), /^[1-9]\d*$/, 'Retry-After is a positive integer of seconds');
  t.same(response.body.schemas, [ERROR_SCHEMA]);
  t.equal(response.body.status, '429');
  t.type(response.body.detail, 'string');
}

t.test('the per-token request rate limit over real HTTP', async (t) => {
  const h = await startHarness(t, {
    env: {
      SCIM_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      SCIM_WRITE_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      SCIM_TOKEN: `${TEST_TOKEN},${SECOND_TOKEN}`,
    },
  });

  t.test(`${LIMIT} requests pass, the next is 429 with Retry-After and a SCIM error`, async (t) => {
    // Both SCIM prefixes, reads and an unknown route all draw on the same token's budget.
    const paths = ['/ServiceProviderConfig', '/Users', '/api/1.0/scim/Groups', '/Nope', '/Users?count=1'];
    const statuses = [];
    for (const path of paths) statuses.push((await h.request('GET', path)).status);
    t.same(statuses, [200, 200, 200, 404, 200]);
    isRateLimited(t, await h.request('GET', '/Users'));
  });

  t.test('a search by POST is a read: it draws on the exhausted read budget', async (t) => {
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] };
    isRateLimited(t, await h.request('POST', '/Users/.search', { body: search }));
    isRateLimited(t, await h.request('POST', '/.search', { body: search }));
  });

  t.test('writes have a budget of their own; a write over it changes nothing and costs no Asana call', async (t) => {
    const statuses = [];
    for (let i = 0; i < LIMIT; i++) {
      statuses.push((await h.request('POST', '/Users', { body: userBody(`w${i}@example.com`) })).status);
    }
    t.same(statuses, Array(LIMIT).fill(201), 'reads are exhausted, writes still pass');
    h.simulator.clearRequests();
    isRateLimited(t, await h.request('POST', '/Users', { body: userBody('limited@example.com') }));
    t.same(h.simulator.requests(), []);
    t.notOk(h.simulator.users().some((u) => u.email === 'limited@example.com'));
  });

  t.test('the same token spelled differently is the same client', async (t) => {
    const spellings = [`bearer ${TEST_TOKEN}`, `BEARER   ${TEST_TOKEN}  `, `Bearer\t${TEST_TOKEN}`];
    for (const authorization of spellings) isRateLimited(t, await h.request('GET', '/Users', { headers: { authorization } }));
  });

  t.test('a wrong token is 401, not 429: authentication comes first', async (t) => {
    const response = await h.request('GET', '/Users', { headers: bearer('wrong-token-0123456789abcdef') });
    t.equal(response.status, 401);
  });

  t.test('another token has its own budget', async (t) => {
    const statuses = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await h.request('GET', '/Users', { headers: bearer(SECOND_TOKEN) })).status);
    t.same(statuses, Array(LIMIT).fill(200));
    isRateLimited(t, await h.request('GET', '/Users', { headers: bearer(SECOND_TOKEN) }));
  });

  t.test('health probes are exempt, with or without an exhausted token', async (t) => {
    const statuses = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      statuses.push((await h.request('GET', '/healthz', { anonymous: true })).status);
      statuses.push((await h.request('GET', '/readyz')).status);
    }
    t.same(statuses, Array(4 * LIMIT).fill(200));
  });
});

/** A bare app with the hook alone and a clock the test moves: how the bucket refills. */
async function limitedApp(t: Test, perMinute: number, writesPerMinute = perMinute) {
  let clock = 0;
  const app = Fastify();
  registerErrorHandling(app);
  // The limiter runs after bearerAuth, which leaves the token's digest on the request (as in app.ts).
  app.decorateRequest('tokenDigest', '');
  app.addHook('onRequest', bearerAuth([TEST_TOKEN]));
  app.addHook('onRequest', requestRateLimit({ readsPerMinute: perMinute, writesPerMinute, now: () => clock }));
  app.get('/Users', async () => ({ ok: true }));
  app.post('/Users', async () => ({ ok: true }));
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  return {
    advance: (ms: number) => (clock += ms),
    get: async (method = 'GET') => {
      const response = await fetch(`${origin}/Users`, { method, headers: bearer(TEST_TOKEN) });
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    },
    /** Statuses of n requests in a row. */
    async statuses(n: number) {
      const seen = [];
      for (let i = 0; i < n; i++) seen.push((await this.get()).status);
      return seen;
    },
  };
}

t.test('the bucket refills continuously at the limit per minute', async (t) => {
  // [per minute, requests let through first, Retry-After then, ms to wait before the next request passes]
  const cases: Array<[number, number, string, number]> = [
    [60, 60, '1', 1_000],
    [5, 5, '12', 12_000],
    [1, 1, '60', 60_000],
    [600, 600, '1', 100],
  ];
  for (const [perMinute, burst, retryAfter, refillMs] of cases) {
    t.test(`${perMinute}/min`, async (t) => {
      const app = await limitedApp(t, perMinute);
      t.same(await app.statuses(burst), Array(burst).fill(200));
      t.same(await app.get(), { status: 429, retryAfter });
      app.advance(refillMs - 1);
      t.equal((await app.get()).status, 429, 'not quite refilled');
      app.advance(1);
      t.equal((await app.get()).status, 200, 'one request refilled');
      t.equal((await app.get()).status, 429);
      app.advance(120_000);
      t.same(await app.statuses(burst + 1), [...Array(burst).fill(200), 429], 'full again, never above the limit');
    });
  }
});

t.test('defaults: 6000 reads and 1800 writes per minute; each must be a positive integer', async (t) => {
  const env = { SCIM_TOKEN: TEST_TOKEN, ASANA_TOKEN: 'asana', ASANA_WORKSPACE_GID: '1' };
  t.equal(loadConfig(env).SCIM_RATE_LIMIT_PER_MINUTE, 6000);
  t.equal(loadConfig(env).SCIM_WRITE_RATE_LIMIT_PER_MINUTE, 1800);
  t.equal(loadConfig({ ...env, SCIM_RATE_LIMIT_PER_MINUTE: '90' }).SCIM_RATE_LIMIT_PER_MINUTE, 90);
  for (const name of ['SCIM_RATE_LIMIT_PER_MINUTE', 'SCIM_WRITE_RATE_LIMIT_PER_MINUTE']) {
    for (const value of ['0', '-5', '1.5', 'many']) {
      t.throws(() => loadConfig({ ...env, [name]: value }), ConfigError, `${name}=${value}`);
    }
  }
});

t.test('at the defaults an IdP at 60 mixed requests/s sees no 429, for 10 s or 50 s; a flood is held off (issue 11 item 5)', async (t) => {
  const env = loadConfig({ SCIM_TOKEN: TEST_TOKEN, ASANA_TOKEN: 'asana', ASANA_WORKSPACE_GID: '1' });
  const app = await limitedApp(t, env.SCIM_RATE_LIMIT_PER_MINUTE, env.SCIM_WRITE_RATE_LIMIT_PER_MINUTE);
  const paced: number[] = [];
  for (let i = 0; i < 3000; i++) {
    paced.push((await app.get(i % 2 === 0 ? 'GET' : 'POST')).status);
    app.advance(1000 / 60);
  }
  t.equal(paced.slice(0, 600).filter((s) => s === 429).length, 0, '600 requests in 10 s, half of them writes');
  t.equal(paced.filter((s) => s === 429).length, 0, 'and the same pace for 50 s (one 1500/min bucket for both, the old default, refuses from 43 s on)');
  const allWrites: number[] = [];
  for (let i = 0; i < 600; i++) {
    allWrites.push((await app.get('POST')).status);
    app.advance(1000 / 60);
  }
  t.equal(allWrites.filter((s) => s === 429).length, 0, 'and 10 s more of writes alone at 60/s');
  // A client far beyond: 2000 writes within 0.4 s.
  const flood: number[] = [];
  for (let i = 0; i < 2000; i++) {
    flood.push((await app.get('POST')).status);
    app.advance(0.2);
  }
  const limited = flood.filter((s) => s === 429).length;
  t.ok(limited > 100, `${limited} of 2000 flood writes were refused`);
  t.equal((await app.get('GET')).status, 200, 'reads go on while writes are held off');
});
