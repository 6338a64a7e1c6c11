import t from 'tap';
import { startHarness, userBody } from '../helpers/harness.js';

/**
 * Guests (issue 10, item 3): Asana makes an address outside the organisation's domains a guest, silently, and
 * bills the seat. ASANA_ALLOWED_EMAIL_DOMAINS refuses such a user with 400 invalidValue, storing nothing.
 */
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

t.test('ASANA_ALLOWED_EMAIL_DOMAINS refuses an Asana email outside them, and stores nothing', async (t) => {
  const h = await startHarness(t, { env: { ASANA_ALLOWED_EMAIL_DOMAINS: 'example.com,Example.ORG' } });
  const refused = await h.request('POST', '/Users', { body: userBody('outsider@elsewhere.net') });
  t.equal(refused.status, 400);
  t.match(refused.body, { scimType: 'invalidValue', detail: /ASANA_ALLOWED_EMAIL_DOMAINS/ });
  t.notMatch(refused.text, /elsewhere\.net/, 'the error does not echo the address');
  t.equal((await h.request('GET', '/Users')).body.totalResults, 0, 'nothing stored');
  t.same(h.simulator.requests(), [], 'Asana is not asked');

  // A custom userName: the Asana email is the primary address, and that is what is checked.
  const custom = await h.request('POST', '/Users', {
    body: userBody('jdoe', { emails: [{ value: 'jdoe@sub.example.com', primary: true }] }),
  });
  t.equal(custom.status, 400, 'a subdomain is another domain to Asana');

  const inside = await h.request('POST', '/Users', { body: userBody('jane@EXAMPLE.org') });
  t.equal(inside.status, 201, 'domains compare case-insensitively');
  t.equal(inside.body[SYNC].state, 'synced');

  // Renaming into another domain is refused and changes nothing; deactivating is always possible.
  const renamed = await h.request('PATCH', `/Users/${inside.body.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'jane@elsewhere.net' }] },
  });
  t.equal(renamed.status, 400);
  t.equal((await h.request('GET', `/Users/${inside.body.id}`)).body.userName, 'jane@EXAMPLE.org');
  const off = await h.request('PATCH', `/Users/${inside.body.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
  });
  t.equal(off.status, 200);
});

t.test('without the setting an off-domain user is invited, and the sync extension says Asana made them a guest', async (t) => {
  const h = await startHarness(t);
  const outsider = (await h.request('POST', '/Users', { body: userBody('outsider@elsewhere.net') })).body;
  const insider = (await h.request('POST', '/Users', { body: userBody('insider@example.com') })).body;
  t.equal(outsider[SYNC].guest, undefined, 'not known before Asana was read');
  await h.bridge.reconciler.run('report');
  t.equal((await h.request('GET', `/Users/${outsider.id}`)).body[SYNC].guest, true);
  t.equal((await h.request('GET', `/Users/${insider.id}`)).body[SYNC].guest, false);
});
