import t from 'tap';
import { startHarness, TEST_TOKEN } from '../helpers/harness.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

t.test('the HTTP edge', async (t) => {
  const h = await startHarness(t);

  t.test('probes answer without auth', async (t) => {
    t.equal((await h.request('GET', '/healthz', { anonymous: true })).status, 200);
    const ready = await h.request('GET', '/readyz', { anonymous: true });
    t.equal(ready.status, 200);
    t.equal(ready.body.status, 'ready');
  });

  const auth: Array<[string, Record<string, string> | undefined, boolean, number]> = [
    ['no token', undefined, true, 401],
    ['wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }, false, 401],
    ['token with another scheme', { authorization: `Basic ${TEST_TOKEN}` }, false, 401],
    ['empty bearer', { authorization: 'Bearer ' }, false, 401],
    ['right token', undefined, false, 200],
    ['right token, lower-case scheme', { authorization: `bearer ${TEST_TOKEN}` }, false, 200],
  ];
  for (const [name, headers, anonymous, status] of auth) {
    t.test(`auth: ${name} → ${status}`, async (t) => {
      for (const path of ['/scim/v2/ServiceProviderConfig', '/api/1.0/scim/ServiceProviderConfig']) {
        const response = await h.request('GET', path, { ...(headers ? { headers } : {}), anonymous });
        t.equal(response.status, status, path);
        if (status === 401) {
          t.same(response.body.schemas, [ERROR_SCHEMA]);
          t.equal(response.body.status, '401');
          t.equal(response.headers.get('www-authenticate')?.startsWith('Bearer'), true);
        }
      }
    });
  }

  t.test('an unknown route is a SCIM 404, and needs auth like everything else', async (t) => {
    const found = await h.request('GET', '/scim/v2/Nope');
    t.equal(found.status, 404);
    t.same(found.body.schemas, [ERROR_SCHEMA]);
    t.equal(found.body.status, '404');
    t.equal((await h.request('GET', `${h.origin}/elsewhere`, { anonymous: true })).status, 401);
  });

  t.test('answers are application/scim+json', async (t) => {
    const response = await h.request('GET', '/ServiceProviderConfig');
    t.match(response.headers.get('content-type'), /^application\/scim\+json/);
    t.ok(response.headers.get('x-request-id'));
  });

  const contentTypes: Array<[string, number]> = [
    ['application/scim+json', 201],
    ['application/scim+json; charset=utf-8', 201],
    ['application/json', 201],
    ['application/json;charset=UTF-8', 201],
    ['text/plain', 415],
    ['application/xml', 415],
  ];
  let n = 0;
  for (const [type, status] of contentTypes) {
    t.test(`POST with ${type} → ${status}`, async (t) => {
      n += 1;
      const response = await h.request('POST', '/Users', {
        raw: JSON.stringify({ userName: `ct${n}@example.com`, name: { givenName: 'A', familyName: 'B' } }),
        headers: { 'content-type': type },
      });
      t.equal(response.status, status);
      if (status !== 201) t.equal(response.body.status, String(status));
    });
  }

  t.test('invalid JSON is a 400 invalidSyntax that changes nothing', async (t) => {
    const before = (await h.request('GET', '/Users?count=0')).body.totalResults;
    const response = await h.request('POST', '/Users', { raw: '{"userName": ', headers: { 'content-type': 'application/scim+json' } });
    t.equal(response.status, 400);
    t.equal(response.body.scimType, 'invalidSyntax');
    t.equal((await h.request('GET', '/Users?count=0')).body.totalResults, before);
  });

  t.test('a body over the limit is a SCIM 413', async (t) => {
    const response = await h.request('POST', '/Users', {
      raw: JSON.stringify({ userName: 'big@example.com', title: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/scim+json' },
    });
    t.equal(response.status, 413);
    t.same(response.body.schemas, [ERROR_SCHEMA]);
    t.equal(response.body.status, '413');
  });

  t.test('DELETE with a JSON content type and an empty body is accepted', async (t) => {
    const created = await h.request('POST', '/Users', { body: { userName: 'gone@example.com' } });
    t.equal(created.status, 201);
    const response = await h.request('DELETE', `/Users/${created.body.id}`, {
      raw: '',
      headers: { 'content-type': 'application/scim+json' },
    });
    t.equal(response.status, 204);
  });

  t.test('routes are case-insensitive (Microsoft collection sends /users)', async (t) => {
    t.equal((await h.request('GET', '/scim/v2/users')).status, 200);
  });

  t.test('the token never appears in the logs', async (t) => {
    await h.request('GET', '/Users', { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } });
    const all = h.logs.join('\n');
    t.notMatch(all, TEST_TOKEN);
    t.notMatch(all, h.simulator.token);
    t.notMatch(all, 'wrong-token-0123456789abcdef');
    t.ok(h.logs.length > 0, 'something was logged');
  });
});

t.test('probes answer without auth in every spelling the router serves', async (t) => {
  const h = await startHarness(t);
  for (const path of ['/healthz', '/healthz/', '/HEALTHZ', '/readyz/', '/ReadyZ?x=1']) {
    t.equal((await h.request('GET', `${h.origin}${path}`, { anonymous: true })).status, 200, path);
  }
});
