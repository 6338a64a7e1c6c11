import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const bulk = (h: Harness, Operations: unknown[], extra: Record<string, unknown> = {}) =>
  h.request('POST', '/Bulk', { body: { schemas: [BULK_REQUEST], Operations, ...extra } });
const statuses = (body: { Operations: Array<{ status: string }> }) => body.Operations.map((o) => o.status);

t.test('POST /Bulk (RFC 7644 §3.7, issue 11 item 4)', async (t) => {
  const h = await startHarness(t, { env: { SCIM_BULK_MAX_OPERATIONS: '5', BODY_LIMIT_BYTES: '20000' } });

  t.test('ServiceProviderConfig advertises bulk with its limits', async (t) => {
    const config = (await h.request('GET', '/ServiceProviderConfig')).body;
    t.same(config.bulk, { supported: true, maxOperations: 5, maxPayloadSize: 20000 });
  });

  t.test('bulkId references: a user and a group holding it, created in one request, through the same services', async (t) => {
    const response = await bulk(h, [
      { method: 'POST', path: '/Users', bulkId: 'ada', data: userBody('ada@example.com') },
      { method: 'POST', path: '/Groups', bulkId: 'eng', data: { schemas: [CORE_GROUP], displayName: 'Eng', members: [{ value: 'bulkId:ada' }] } },
      { method: 'PATCH', path: '/Users/bulkId:ada', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] } },
      { method: 'PATCH', path: '/Groups/bulkId:eng', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Engineering' }] } },
    ]);
    t.equal(response.status, 200);
    t.same(response.body.schemas, [BULK_RESPONSE]);
    t.same(statuses(response.body), ['201', '201', '200', '204'], 'each answers as its single request would');
    const [user, group] = response.body.Operations;
    t.equal(user.bulkId, 'ada');
    t.match(user.location, /\/scim\/v2\/Users\/[0-9a-f-]+$/);
    t.equal(user.version, 'W/"1"');
    const stored = (await h.request('GET', user.location)).body;
    t.equal(stored.title, 'Lead');
    t.equal(stored[SYNC].state, 'synced');
    const team = (await h.request('GET', group.location)).body;
    t.equal(team.displayName, 'Engineering');
    t.same(team.members.map((m: { value: string }) => m.value), [stored.id]);
    const asanaTeam = h.simulator.teams().find((x) => x.name === 'Engineering');
    t.same(asanaTeam?.memberGids.filter((g) => g === stored[SYNC].asanaGid), [stored[SYNC].asanaGid], 'Asana holds it');
  });

  t.test('a failing operation answers its SCIM error; the others go on', async (t) => {
    const response = await bulk(h, [
      { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody('ADA@example.com') },
      { method: 'POST', path: '/Users', bulkId: 'bob', data: userBody('bob@example.com') },
      { method: 'DELETE', path: '/Users/no-such-id' },
      { method: 'PUT', path: '/Users/bulkId:never', data: userBody('x@example.com') },
      { method: 'GET', path: '/Users' },
    ]);
    t.same(statuses(response.body), ['409', '201', '404', '409', '400']);
    t.equal(response.body.Operations[0].response.scimType, 'uniqueness');
    t.equal(response.body.Operations[0].response.status, '409');
    t.equal((await h.request('GET', '/Users?filter=userName eq "bob@example.com"')).body.totalResults, 1);
  });

  t.test('failOnErrors stops after that many errors: the rest is not run', async (t) => {
    const response = await bulk(
      h,
      [
        { method: 'DELETE', path: '/Users/gone-1' },
        { method: 'DELETE', path: '/Users/gone-2' },
        { method: 'POST', path: '/Users', bulkId: 'late', data: userBody('late@example.com') },
      ],
      { failOnErrors: 2 },
    );
    t.same(statuses(response.body), ['404', '404']);
    t.equal((await h.request('GET', '/Users?filter=userName eq "late@example.com"')).body.totalResults, 0);
  });

  t.test('version is If-Match: a stale one is 412', async (t) => {
    const id = (await h.request('GET', '/Users?filter=userName eq "bob@example.com"')).body.Resources[0].id;
    const response = await bulk(h, [
      { method: 'PUT', path: `/Users/${id}`, version: 'W/"99"', data: userBody('bob@example.com') },
      { method: 'DELETE', path: `/Users/${id}`, version: 'W/"1"' },
    ]);
    t.same(statuses(response.body), ['412', '204']);
  });

  t.test('more than maxOperations is 413, and nothing runs', async (t) => {
    h.simulator.clearRequests();
    const ops = Array.from({ length: 6 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userBody(`u${i}@example.com`) }));
    const response = await bulk(h, ops);
    t.equal(response.status, 413);
    t.same(h.simulator.requests(), []);
  });

  t.test('a body over maxPayloadSize is 413', async (t) => {
    const big = userBody('big@example.com', { title: 'x'.repeat(25_000) });
    const response = await bulk(h, [{ method: 'POST', path: '/Users', bulkId: 'big', data: big }]);
    t.equal(response.status, 413);
    t.equal(response.body.status, '413');
  });

  t.test('a malformed bulk message is 400 invalidSyntax', async (t) => {
    const noSchema = await h.request('POST', '/Bulk', { body: { Operations: [] } });
    t.equal(noSchema.status, 400);
    t.equal(noSchema.body.scimType, 'invalidSyntax');
    const noOps = await h.request('POST', '/Bulk', { body: { schemas: [BULK_REQUEST] } });
    t.equal(noOps.status, 400);
  });
});
