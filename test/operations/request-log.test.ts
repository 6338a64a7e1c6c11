import t from 'tap';
import { startHarness, userBody } from '../helpers/harness.js';

const EMAIL = 'jane.doe@example.com';

/**
 * Issue 14 item 7: request lines carry the route pattern, never the query string or a body, so the
 * `userName eq "…"` lookup IdPs send before every create (idp-behaviour.md) does not put the address in the log.
 */
t.test('no email address reaches an info log line; request lines carry the route pattern', async (t) => {
  const h = await startHarness(t, { env: { LOG_LEVEL: 'info' } });
  const lookup = await h.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${EMAIL}"`)}`);
  t.equal(lookup.status, 200);
  const created = await h.request('POST', '/Users', { body: userBody(EMAIL) });
  t.equal(created.status, 201);
  await h.request('GET', `/Users/${created.body.id}?attributes=userName`);
  await h.request('POST', '/Users', { body: userBody(EMAIL) }); // 409: the error path logs too
  await h.request('GET', `/nowhere?x=${EMAIL}`);

  const lines = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requests = lines.filter((line) => line['msg'] === 'request completed');
  t.ok(requests.length >= 5, 'every request was logged');
  t.notOk(h.logs.some((line) => line.toLowerCase().includes(EMAIL)), 'the address is in no log line');
  t.notOk(requests.some((line) => JSON.stringify(line).includes('?')), 'no query string is logged');
  t.same(
    requests.map((line) => line['route']),
    ['/scim/v2/Users', '/scim/v2/Users', '/scim/v2/Users/:id', '/scim/v2/Users', '(unmatched)'],
  );
});
