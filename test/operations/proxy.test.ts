import { request as httpRequest } from 'node:http';
import t from 'tap';
import { startHarness, TEST_TOKEN, userBody, type Harness } from '../helpers/harness.js';

/** A request with a Host header of our choosing (fetch does not let a caller set Host). */
function withHost(h: Harness, method: string, path: string, host: string, body?: unknown) {
  const { hostname, port } = new URL(h.origin);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        hostname,
        port,
        method,
        path,
        headers: {
          host,
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(text === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw ? JSON.parse(raw) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'scim.example.com' };

t.test('TRUST_PROXY: Location and meta.location use the client-facing scheme and host', async (t) => {
  const h = await startHarness(t, { env: { TRUST_PROXY: 'true' } });
  const created = await h.request('POST', '/Users', { body: userBody('proxied@example.com'), headers: forwarded });
  t.equal(created.status, 201);
  const expected = `https://scim.example.com/scim/v2/Users/${created.body.id}`;
  t.equal(created.headers.get('location'), expected);
  t.equal(created.body.meta.location, expected);
  const config = await h.request('GET', '/ServiceProviderConfig', { headers: forwarded });
  t.equal(config.body.meta.location, 'https://scim.example.com/scim/v2/ServiceProviderConfig');
});

t.test('without TRUST_PROXY, X-Forwarded-* headers are ignored', async (t) => {
  const h = await startHarness(t);
  const created = await h.request('POST', '/Users', { body: userBody('direct@example.com'), headers: forwarded });
  t.equal(created.headers.get('location'), `${h.base}/Users/${created.body.id}`);
});

t.test('PUBLIC_BASE_URL fixes the advertised location and the Host a request must carry', async (t) => {
  const h = await startHarness(t, {
    env: { PUBLIC_BASE_URL: 'https://idp-gateway.example.com/asana/', METRICS_TOKEN: 'metrics-token-0123456789abcdef' },
  });
  const created = await withHost(h, 'POST', '/scim/v2/Users', 'idp-gateway.example.com', userBody('pub@example.com'));
  t.equal(created.status, 201);
  const expected = `https://idp-gateway.example.com/asana/scim/v2/Users/${created.body.id}`;
  t.equal(created.headers['location'], expected);
  t.equal(created.body.meta.location, expected);

  const misdirected = await withHost(h, 'GET', '/scim/v2/Users', 'attacker.example.net');
  t.equal(misdirected.status, 421, 'RFC 9110 §15.5.20 Misdirected Request');
  t.same(misdirected.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  const spoofed = await withHost(h, 'POST', '/scim/v2/Users', 'attacker.example.net', userBody('spoof@example.com'));
  t.equal(spoofed.status, 421);
  const list = await h.request('GET', '/Users');
  t.equal(list.status, 421, 'the harness addresses 127.0.0.1, which is not the public host either');
  const probe = await withHost(h, 'GET', '/healthz', '10.0.0.7:8080');
  t.equal(probe.status, 200, 'probes come from the orchestrator, addressed by pod IP');
  const scrape = await new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(h.origin);
    httpRequest(
      { hostname, port, path: '/metrics', headers: { host: '10.0.0.7:8080', authorization: 'Bearer metrics-token-0123456789abcdef' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    ).on('error', reject).end();
  });
  t.equal(scrape, 200, 'so does Prometheus');
  const listed = await withHost(h, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22spoof@example.com%22', 'idp-gateway.example.com');
  t.equal(listed.body.totalResults, 0, 'the refused create changed nothing');
});
