/**
 * Issue 15, item 4: answers to SCIM GETs are kept between writes (src/http/answer-cache.ts). What must hold is that
 * a kept answer is exactly what computing it again would give: after a write by this bridge or by another process
 * on the same database (the reconcile command, a replica), under another base URL, and for conditional GETs.
 */
import { request } from 'undici';
import t from 'tap';
import { AnswerCache } from '../../src/http/answer-cache.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

t.test('a kept answer never outlives a write, from this bridge or another process', async (t) => {
  const h = await startHarness(t);
  const lookup = `/Users?filter=${encodeURIComponent('userName eq "kept@example.com"')}`;
  t.equal((await h.request('GET', lookup)).body.totalResults, 0, 'absent');
  t.equal((await h.request('GET', lookup)).body.totalResults, 0, 'absent again (the kept answer)');

  const created = await h.request('POST', '/Users', { body: userBody('kept@example.com') });
  t.equal(created.status, 201);
  const id = created.body.id as string;
  t.equal((await h.request('GET', lookup)).body.totalResults, 1, 'a create through the bridge is seen at once');
  const first = await h.request('GET', `/Users/${id}`);
  t.equal((await h.request('GET', `/Users/${id}`)).text, first.text, 'the same answer twice');

  const patched = await h.request('PATCH', `/Users/${id}`, {
    body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] },
  });
  t.equal(patched.status, 200);
  t.equal((await h.request('GET', `/Users/${id}`)).body.title, 'Engineer', 'a PATCH is seen at once');
  t.equal((await h.request('GET', lookup)).body.Resources[0].title, 'Engineer', 'in the lookup too');

  const group = await h.request('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Kept' } });
  t.equal(group.status, 201);
  const groupLookup = `/Groups?filter=${encodeURIComponent('displayName eq "Kept"')}`;
  t.same((await h.request('GET', groupLookup)).body.Resources[0].members ?? [], []);
  const added = await h.request('PATCH', `/Groups/${group.body.id}`, {
    body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] },
  });
  t.ok(added.status === 200 || added.status === 204, `member added (${added.status})`);
  t.same((await h.request('GET', groupLookup)).body.Resources[0].members.map((m: { value: string }) => m.value), [id]);
  t.same((await h.request('GET', `/Users/${id}`)).body.groups.map((g: { value: string }) => g.value), [group.body.id], "the user's groups too");

  // Another process's commit, as the reconcile command makes one: nothing in this bridge wrote.
  const other = SqliteStore.open(h.databasePath);
  t.teardown(() => other.close());
  const gid = created.body[SYNC].asanaGid as string;
  t.equal((await h.request('GET', `/Users/${id}`)).body[SYNC].guest, undefined, 'not known as a guest');
  await other.linkUser(id, gid, 'kept@example.com', true);
  t.equal((await h.request('GET', `/Users/${id}`)).body[SYNC].guest, true, "another process's commit is seen at once");
  t.equal((await h.request('GET', lookup)).body.Resources[0][SYNC].guest, true);

  t.equal((await h.request('DELETE', `/Users/${id}`)).status, 204);
  t.equal((await h.request('GET', `/Users/${id}`)).status, 404, 'a delete is seen at once');
  t.equal((await h.request('GET', lookup)).body.totalResults, 0);
});

t.test('answers are kept per base URL: meta.location follows the Host the client used', async (t) => {
  const h = await startHarness(t);
  const id = (await h.request('POST', '/Users', { body: userBody('hosts@example.com') })).body.id as string;
  const locationVia = async (host: string) => {
    const response = await request(`${h.base}/Users/${id}`, { headers: { host, authorization: `Bearer ${TEST_TOKEN}` } });
    const body = (await response.body.json()) as { meta: { location: string } };
    return body.meta.location;
  };
  t.equal(await locationVia('a.example.com'), `http://a.example.com/scim/v2/Users/${id}`);
  t.equal(await locationVia('b.example.com'), `http://b.example.com/scim/v2/Users/${id}`, 'not the answer kept for a.example.com');
  t.equal(await locationVia('a.example.com'), `http://a.example.com/scim/v2/Users/${id}`);
});

t.test('conditional GETs against a kept answer: 304 with its ETag, 200 once the resource changed', async (t) => {
  const h = await startHarness(t);
  const id = (await h.request('POST', '/Users', { body: userBody('etag@example.com') })).body.id as string;
  const first = await h.request('GET', `/Users/${id}`);
  const etag = first.headers.get('etag') ?? '';
  t.match(etag, /^W\/"\d+"$/);
  const again = await h.request('GET', `/Users/${id}`, { headers: { 'if-none-match': etag } });
  t.equal(again.status, 304);
  t.equal(again.headers.get('etag'), etag);
  await h.request('PATCH', `/Users/${id}`, {
    body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Changed' }] },
  });
  const changed = await h.request('GET', `/Users/${id}`, { headers: { 'if-none-match': etag } });
  t.equal(changed.status, 200);
  t.not(changed.headers.get('etag'), etag);
  t.equal(changed.body.title, 'Changed');
});

t.test('AnswerCache: one computation per generation, bounded in bytes, nothing kept without a generation', async (t) => {
  let generation: number | undefined = 1;
  let computed = 0;
  const compute = (body: string) => async () => {
    computed++;
    return { body };
  };

  const cache = new AnswerCache(() => generation, 4096, 1024);
  t.equal((await cache.answer('http://x', '/Users?a', compute('one'))).body, 'one');
  t.equal((await cache.answer('http://x', '/Users?a', compute('two'))).body, 'one', 'kept');
  t.equal(computed, 1);
  generation = 2;
  t.equal((await cache.answer('http://x', '/Users?a', compute('three'))).body, 'three', 'a new generation computes again');

  computed = 0;
  await cache.answer('http://x', '/big', compute('x'.repeat(2000)));
  await cache.answer('http://x', '/big', compute('x'.repeat(2000)));
  t.equal(computed, 2, 'an answer over the per-answer bound is not kept');

  computed = 0;
  for (let i = 0; i < 20; i++) await cache.answer('http://x', `/Users?n=${i}`, compute('y'.repeat(300)));
  await cache.answer('http://x', '/Users?n=19', compute('y'.repeat(300)));
  t.equal(computed, 20, 'the newest answer is kept');
  await cache.answer('http://x', '/Users?n=0', compute('y'.repeat(300)));
  t.equal(computed, 21, 'the oldest went once the total passed the bound');

  computed = 0;
  const during = await cache.answer('http://x', '/during', async () => {
    computed++;
    generation = 3; // a write committed while the answer was computed
    return { body: 'old' };
  });
  t.equal(during.body, 'old');
  await cache.answer('http://x', '/during', compute('new'));
  t.equal(computed, 2, 'an answer computed across a write is not kept');

  generation = undefined;
  computed = 0;
  await cache.answer('http://x', '/pg', compute('a'));
  await cache.answer('http://x', '/pg', compute('a'));
  t.equal(computed, 2, 'without a generation (PostgreSQL) every answer is computed');
});
