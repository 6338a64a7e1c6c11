import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const asanaCalls = (h: Harness) => h.simulator.requests().map((r) => `${r.method} ${r.path}`);
const total = async (h: Harness, filter: string) =>
  (await h.request('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.totalResults as number;

t.test('lenient where real clients are sloppy, strict where it matters (issue 11 item 3)', async (t) => {
  const h = await startHarness(t);
  const ada = (await h.request('POST', '/Users', { body: userBody('ada@example.com', { externalId: 'jyoung' }) })).body;
  await h.request('POST', '/Users', {
    body: { ...userBody('josegomezr'), emails: [{ value: 'jose@example.com', primary: true }] },
  });
  const group = (await h.request('POST', '/Groups', { body: { schemas: [CORE_GROUP], displayName: 'Ada team' } })).body;

  t.test('unquoted comparison values are strings; true/false/null and numbers keep their JSON meaning', async (t) => {
    t.equal(await total(h, 'externalId eq jyoung'), 1, "Microsoft's tutorial: externalId eq jyoung");
    t.equal(await total(h, 'userName eq josegomezr'), 1, 'authentik: userName eq josegomezr');
    t.equal(await total(h, 'userName eq ADA@example.com'), 1, 'an unquoted address');
    t.equal(await total(h, 'userName sw a'), 1);
    t.equal(await total(h, 'meta.created gt 2015-10-10T14:38:21.8617979-07:00'), 2, 'an unquoted dateTime');
    t.equal(await total(h, 'active eq true'), 2);
    t.equal(await total(h, 'title eq null'), 2);
    const number = await h.request('GET', `/Users?filter=${encodeURIComponent('externalId eq 42')}`);
    t.equal(number.status, 400, 'a number is a number, and externalId holds strings');
    t.equal(number.body.scimType, 'invalidFilter');
  });

  t.test('a body whose schemas lacks the core URN is 400 and changes nothing', async (t) => {
    h.simulator.clearRequests();
    const post = await h.request('POST', '/Users', { body: { ...userBody('x@example.com'), schemas: [CORE_GROUP] } });
    t.equal(post.status, 400);
    t.equal(post.body.scimType, 'invalidSyntax');
    t.equal(await total(h, 'userName eq "x@example.com"'), 0);
    const put = await h.request('PUT', `/Users/${ada.id}`, {
      body: { ...userBody('ada@example.com'), schemas: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] },
    });
    t.equal(put.status, 400);
    const groupPost = await h.request('POST', '/Groups', { body: { schemas: [CORE_USER], displayName: 'Wrong' } });
    t.equal(groupPost.status, 400);
    t.same(asanaCalls(h), []);
  });

  t.test("Google Workspace's SCIM 1.0 core URN stands for the core schema", async (t) => {
    const post = await h.request('POST', '/Users', {
      body: { ...userBody('gw@example.com'), schemas: ['urn:scim:schemas:core:1.0'] },
    });
    t.equal(post.status, 201);
    t.same(post.body.schemas.slice(0, 1), [CORE_USER]);
  });

  t.test('POST /.search at the root searches Users and Groups (RFC 7644 §3.4.3)', async (t) => {
    const all = await h.request('POST', '/.search', { body: { schemas: [SEARCH] } });
    t.equal(all.status, 200);
    t.equal(all.body.totalResults, 4);
    t.same(all.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType), ['User', 'User', 'User', 'Group']);
    const paged = await h.request('POST', '/.search', { body: { schemas: [SEARCH], startIndex: 3, count: 2 } });
    t.same(paged.body.Resources.map((r: { id: string }) => r.id).slice(1), [group.id]);
    t.equal(paged.body.itemsPerPage, 2);
    const named = await h.request('POST', '/.search', { body: { schemas: [SEARCH], filter: 'displayName sw "Ada"' } });
    t.same(named.body.Resources.map((r: { id: string }) => r.id), [group.id]);
    const usersOnly = await h.request('POST', '/.search', { body: { schemas: [SEARCH], filter: 'userName eq "ada@example.com"' } });
    t.same(usersOnly.body.Resources.map((r: { id: string }) => r.id), [ada.id], 'Groups have no userName: none match');
    const rooted = await h.request('POST', '/api/1.0/scim/.search', { body: { schemas: [SEARCH], count: 0 } });
    t.equal(rooted.body.totalResults, 4);
    const bad = await h.request('POST', '/.search', { body: { schemas: [SEARCH], filter: 'nosuch eq "x"' } });
    t.equal(bad.status, 400);
    t.equal(bad.body.scimType, 'invalidFilter');
  });

  t.test('a PATCH remove of active is refused with 400, and changes nothing', async (t) => {
    h.simulator.clearRequests();
    const response = await h.request('PATCH', `/Users/${ada.id}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'active' }] },
    });
    t.equal(response.status, 400);
    t.equal(response.body.scimType, 'mutability');
    const after = (await h.request('GET', `/Users/${ada.id}`)).body;
    t.equal(after.active, true);
    t.equal(after.meta.version, ada.meta.version);
    t.same(asanaCalls(h), []);
  });
});
