import t from 'tap';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';
import { rawExchange } from '../helpers/raw-http.js';

const SECOND_TOKEN = 'second-scim-token-Kp4w0123456789ab';
const ASANA_TOKEN = '1/1200000000000001:9f3c0e7d5b2a4c6e8f1a3b5d7c9e0f12';
const WRONG_TOKEN = 'wrong-scim-token-Xy7v0123456789abcdef';
const RATE_LIMIT = 40;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Architecture rule 13: no credential reaches a log line. One full run at LOG_LEVEL=trace through every path that
 * logs (creates, updates, SCIM errors, Asana failures and retries, 401s, 429s, malformed HTTP, shutdown), then
 * every line the bridge wrote is searched for each secret, whole and in part.
 */
t.test('no token appears in any log line of a full run at trace level', async (t) => {
  const h = await startHarness(t, {
    env: { LOG_LEVEL: 'trace', SCIM_TOKEN: `${TEST_TOKEN},${SECOND_TOKEN}`, SCIM_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) },
    simulator: { token: ASANA_TOKEN },
  });
  const statuses: number[] = [];
  const send = async (...args: Parameters<typeof h.request>) => {
    const response = await h.request(...args);
    statuses.push(response.status);
    return response;
  };

  // Creates and updates; Okta sends a password on every create (idp-behaviour.md U2).
  const ada = (await send('POST', '/Users', { body: userBody('ada@example.com', { password: 'okta-placeholder' }) })).body;
  const bob = (await send('POST', '/Users', { body: userBody('bob@example.com') })).body;
  const group = (await send('POST', '/Groups', { body: { displayName: 'Eng', members: [{ value: ada.id }] } })).body;
  await send('PATCH', `/Users/${ada.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Lovelace' }] },
  });
  await send('PUT', `/Users/${bob.id}`, { body: userBody('bob@example.com', { title: 'Builder' }) });
  await send('PATCH', `/Groups/${group.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }] },
  });
  await send('GET', '/Users?filter=userName eq "ada@example.com"');

  // SCIM errors: 400, 404, 409, 412, 413, 415.
  await send('GET', '/Users?filter=userName eq');
  await send('GET', '/Users/00919288221112222');
  await send('POST', '/Users', { body: userBody('ADA@example.com') });
  await send('DELETE', `/Users/${bob.id}`, { headers: { 'if-match': 'W/"999"' } });
  await send('POST', '/Users', { raw: JSON.stringify({ title: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
  await send('POST', '/Users', { raw: 'userName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  // Asana failing: retried 503s, a dropped connection, a 429 storm, then a refusal for good.
  const faults = [
    { failNext: { count: 2, status: 503 } },
    { dropNext: 1 },
    { failNext: { count: 3, status: 429, retryAfterSeconds: 1 } },
    { failNext: { count: 1, status: 500 } },
    { failNext: { count: 1, status: 403 } },
  ];
  for (const [i, fault] of faults.entries()) {
    h.simulator.setFaults(fault);
    await send('POST', '/Users', { body: userBody(`faulty${i}@example.com`) });
  }
  h.simulator.clearFaults();
  await send('DELETE', `/Users/${bob.id}`);

  // Credentials that fail: a wrong token, a right token in the wrong scheme, no token.
  await send('GET', '/Users', { headers: bearer(WRONG_TOKEN) });
  await send('GET', '/Users', { headers: { authorization: `Basic ${Buffer.from(`x:${WRONG_TOKEN}`).toString('base64')}` } });
  await send('GET', '/Users', { headers: { authorization: `Token ${TEST_TOKEN}` } });
  await send('GET', '/Users', { anonymous: true });

  // The second token runs over its rate limit.
  for (let i = 0; i <= RATE_LIMIT; i++) await send('GET', '/Groups', { headers: bearer(SECOND_TOKEN) });

  // Malformed HTTP carrying a valid token: Node hands the raw bytes to the client-error handler.
  const malformed = await rawExchange(h.origin, {
    send: `GET /scim/v2/Users HTTP/1.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nX-Bad: a\0b\r\n\r\n`,
    giveUpMs: 5_000,
  });
  t.equal(malformed.status, 400);

  t.ok(await h.bridge.runner.drain(10_000), 'queued Asana work finished');
  await h.bridge.close();

  const lines = h.logs.map((line) => JSON.parse(line) as { level: number; status?: number });
  const answered = new Set(lines.flatMap((line) => (line.status !== undefined ? [line.status] : [])));
  for (const status of [200, 201, 204, 400, 401, 404, 409, 412, 413, 415, 429]) {
    t.ok(statuses.includes(status) && answered.has(status), `the run answered and logged a ${status}`);
  }
  t.ok(lines.some((line) => line.level <= 20), 'debug and trace lines were written');
  t.ok(lines.some((line) => line.level >= 30 && JSON.stringify(line).includes('asana work deferred')), 'Asana failures were logged');

  const all = h.logs.join('\n');
  for (const [name, secret] of [
    ['the first SCIM token', TEST_TOKEN],
    ['the second SCIM token', SECOND_TOKEN],
    ['the Asana token', ASANA_TOKEN],
    ['the wrong token', WRONG_TOKEN],
  ] as const) {
    t.notOk(all.includes(secret), `${name} is not in the logs`);
    t.notOk(all.includes(secret.slice(0, 16)) || all.includes(secret.slice(-16)), `no part of ${name} is either`);
  }
});
