import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';
import { rawExchange, type RawOptions } from '../helpers/raw-http.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const TIMEOUT_MS = 500;
/** Far beyond the timeout (plus the one-second check interval): a connection still open then was never cut. */
const GIVE_UP_MS = 10_000;

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

t.test('slow, stalled and malformed clients get a SCIM error and lose their connection', async (t) => {
  const h = await startHarness(t, { env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  const host = `Host: ${new URL(h.origin).host}`;

  const cases: Array<[string, RawOptions, number]> = [
    ['connects and sends nothing', { send: '', giveUpMs: GIVE_UP_MS }, 408],
    ['a partial request line, then nothing', { send: 'GET /scim/v2/Us', giveUpMs: GIVE_UP_MS }, 408],
    [
      'headers one byte at a time, never finished',
      {
        send: 'GET /scim/v2/Users HTTP/1.1\r\n',
        trickle: { bytes: `${host}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nX-Slow: ${'s'.repeat(500)}`, everyMs: 20 },
        giveUpMs: GIVE_UP_MS,
      },
      408,
    ],
    [
      'a body that stops short of its Content-Length',
      {
        send: `${head(['POST /scim/v2/Users HTTP/1.1', host, `Authorization: Bearer ${TEST_TOKEN}`, 'Content-Type: application/scim+json', 'Content-Length: 100'])}{"userName":`,
        giveUpMs: GIVE_UP_MS,
      },
      408,
    ],
    ['a request line that is not HTTP', { send: 'HELLO SCIM\r\n\r\n', giveUpMs: GIVE_UP_MS }, 400],
    ['a NUL byte in a header value', { send: head(['GET /healthz HTTP/1.1', host, 'X-Bad: a\0b']), giveUpMs: GIVE_UP_MS }, 400],
    ['CONNECT, as to a proxy', { send: head(['CONNECT 127.0.0.1:1 HTTP/1.1', host]), giveUpMs: GIVE_UP_MS }, 400],
    ['HTTP/1.1 without Host', { send: head(['GET /scim/v2/Users HTTP/1.1', `Authorization: Bearer ${TEST_TOKEN}`, 'Connection: close']), giveUpMs: GIVE_UP_MS }, 400],
    [
      'request headers over 16 KiB',
      { send: head(['GET /healthz HTTP/1.1', host, `X-Big: ${'b'.repeat(20_000)}`]), giveUpMs: GIVE_UP_MS },
      431,
    ],
  ];
  for (const [name, options, status] of cases) {
    t.test(`${name} → ${status}, connection closed by the server`, async (t) => {
      const answer = await rawExchange(h.origin, options);
      t.ok(answer.closedByServer, 'the server closed the connection');
      t.equal(answer.status, status);
      t.match(answer.headers['content-type'], /^application\/scim\+json/);
      const body = JSON.parse(answer.body);
      t.same(body.schemas, [ERROR_SCHEMA]);
      t.equal(body.status, String(status));
    });
  }

  const unroutable: Array<[string, string, number]> = [
    ['a broken percent-encoding', '/scim/v2/Users/ab%zz', 400],
    ['an encoded invalid UTF-8 sequence', '/scim/v2/Users/%C0%AF', 400],
    ['a path segment longer than any id', `/scim/v2/Users/${'x'.repeat(101)}`, 414],
  ];
  for (const [name, path, status] of unroutable) {
    t.test(`${name} → SCIM ${status}, with or without a token`, async (t) => {
      for (const anonymous of [false, true]) {
        const response = await h.request('GET', path, { anonymous });
        t.equal(response.status, status);
        t.match(response.headers.get('content-type'), /^application\/scim\+json/);
        t.same(response.body.schemas, [ERROR_SCHEMA]);
        t.equal(response.body.status, String(status));
      }
    });
  }

  t.test('HTTP/1.0 without Host is served, its URLs naming the address it connected to', async (t) => {
    await h.request('POST', '/Users', { body: userBody('old-client@example.com') });
    const answer = await rawExchange(h.origin, {
      send: head(['GET /scim/v2/Users?filter=userName%20eq%20%22old-client@example.com%22 HTTP/1.0', `Authorization: Bearer ${TEST_TOKEN}`]),
      giveUpMs: GIVE_UP_MS,
    });
    t.equal(answer.status, 200);
    t.match(JSON.parse(answer.body).Resources[0].meta.location, new RegExp(`^${h.base}/Users/`));
  });

  t.test('the bridge still answers, and a prompt client is unaffected', async (t) => {
    t.equal((await h.request('GET', '/healthz', { anonymous: true })).status, 200);
    t.equal((await h.request('GET', '/Users')).status, 200);
  });
});

t.test('REQUEST_TIMEOUT_MS defaults to 60 s, the time Okta waits for an answer, and must be positive', async (t) => {
  const h = await startHarness(t);
  t.equal(h.bridge.app.server.requestTimeout, 60_000);
  t.equal(h.bridge.app.server.headersTimeout, 60_000);
  const env = { SCIM_TOKEN: TEST_TOKEN, ASANA_TOKEN: 'asana', ASANA_WORKSPACE_GID: '1' };
  for (const value of ['0', '-1', 'soon']) t.throws(() => loadConfig({ ...env, REQUEST_TIMEOUT_MS: value }), ConfigError, value);
});
