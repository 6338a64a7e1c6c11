import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Asana API calls the simulator saw (control requests are not logged). */
const asanaCalls = (h: Harness) => h.simulator.requests().map((r) => `${r.method} ${r.path}`);
const simUser = (h: Harness, email: string) => h.simulator.users().find((u) => u.email.toLowerCase() === email.toLowerCase());

t.test('Users end to end against the simulator', async (t) => {
  const h = await startHarness(t);

  t.test('POST creates the user in the store and invites them in Asana with one call', async (t) => {
    h.simulator.clearRequests();
    const response = await h.request('POST', '/Users', {
      body: userBody('ada@example.com', {
        externalId: 'okta-1',
        title: 'Engineer',
        [ENTERPRISE]: { department: 'R&D', manager: { value: 'm-1' } },
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      }),
    });
    t.equal(response.status, 201);
    const user = response.body;
    t.type(user.id, 'string');
    t.equal(user.userName, 'ada@example.com');
    t.equal(user.externalId, 'okta-1');
    t.same(user.name, { givenName: 'Given', familyName: 'Family' });
    t.equal(user[ENTERPRISE].department, 'R&D');
    t.equal(user.active, true);
    t.equal(user.meta.resourceType, 'User');
    t.equal(user.meta.version, 'W/"1"');
    t.equal(response.headers.get('etag'), 'W/"1"');
    t.equal(response.headers.get('location'), user.meta.location);
    t.equal(user[SYNC].state, 'synced');
    const invited = simUser(h, 'ada@example.com');
    t.ok(invited?.active, 'Asana has the user');
    t.equal(user[SYNC].asanaGid, invited?.gid);
    t.same(asanaCalls(h), [`POST /api/1.0/workspaces/${h.simulator.workspaceGid}/addUser`]);
  });

  t.test('reads are served from the store: 50 reads cost 0 Asana calls', async (t) => {
    h.simulator.clearRequests();
    const list = await h.request('GET', '/Users');
    const id = list.body.Resources[0].id;
    for (let i = 0; i < 16; i++) {
      t.equal((await h.request('GET', `/Users/${id}`)).status, 200);
      t.equal((await h.request('GET', '/Users?filter=userName eq "ADA@example.com"')).body.totalResults, 1);
      t.equal((await h.request('GET', '/Users?startIndex=1&count=10')).status, 200);
    }
    t.equal((await h.request('POST', '/Users/.search', {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'externalId eq "okta-1"' },
    })).body.totalResults, 1);
    t.same(asanaCalls(h), []);
  });

  t.test('a duplicate userName (any case) is 409 uniqueness and costs no Asana call', async (t) => {
    h.simulator.clearRequests();
    const response = await h.request('POST', '/Users', { body: userBody('ADA@Example.com') });
    t.equal(response.status, 409);
    t.equal(response.body.scimType, 'uniqueness');
    t.same(asanaCalls(h), []);
  });

  const badCreates: Array<[string, unknown, string]> = [
    ['no Asana email (neither userName nor emails is an address)', userBody('not-an-email'), 'invalidValue'],
    ['userName missing', { name: { givenName: 'A' } }, 'invalidValue'],
    ['active of the wrong type', userBody('x1@example.com', { active: 'sometimes' }), 'invalidValue'],
  ];
  for (const [name, body, scimType] of badCreates) {
    t.test(`POST with ${name} → 400 ${scimType}, nothing stored`, async (t) => {
      h.simulator.clearRequests();
      const before = (await h.request('GET', '/Users?count=0')).body.totalResults;
      const response = await h.request('POST', '/Users', { body });
      t.equal(response.status, 400);
      t.equal(response.body.scimType, scimType);
      t.equal((await h.request('GET', '/Users?count=0')).body.totalResults, before);
      t.same(asanaCalls(h), []);
    });
  }

  t.test('an existing Asana member is linked, not duplicated', async (t) => {
    const existing = h.simulator.addUser({ name: 'Grace Hopper', email: 'grace@example.com' });
    const response = await h.request('POST', '/Users', { body: userBody('grace@example.com') });
    t.equal(response.status, 201);
    t.equal(response.body[SYNC].asanaGid, existing.gid);
    t.equal(h.simulator.users().filter((u) => u.email === 'grace@example.com').length, 1);
  });

  t.test('PUT replaces what the bridge holds, keeps readOnly attributes, costs no Asana call', async (t) => {
    const created = (await h.request('POST', '/Users', { body: userBody('put@example.com', { title: 'Old' }) })).body;
    h.simulator.clearRequests();
    const response = await h.request('PUT', `/Users/${created.id}`, {
      body: { ...userBody('put@example.com'), id: 'ignored', name: { givenName: 'New', familyName: 'Name' }, meta: { created: '1999-01-01T00:00:00Z' } },
    });
    t.equal(response.status, 200);
    t.equal(response.body.id, created.id);
    t.equal(response.body.meta.created, created.meta.created);
    t.same(response.body.name, { givenName: 'New', familyName: 'Name' });
    t.equal(response.body.title, undefined, 'PUT replaced: title is gone');
    t.equal(response.body.meta.version, 'W/"2"');
    t.same(asanaCalls(h), []);
  });

  t.test('deactivate, stay readable, reactivate', async (t) => {
    const created = (await h.request('POST', '/Users', { body: userBody('cycle@example.com') })).body;
    h.simulator.clearRequests();
    const off = await h.request('PATCH', `/Users/${created.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    t.equal(off.status, 200);
    t.equal(off.body.active, false);
    t.equal(simUser(h, 'cycle@example.com')?.active, false, 'removed from the Asana workspace');
    t.same(asanaCalls(h), [`POST /api/1.0/workspaces/${h.simulator.workspaceGid}/removeUser`]);
    const read = await h.request('GET', `/Users/${created.id}`);
    t.equal(read.status, 200);
    t.equal(read.body.active, false);
    t.equal((await h.request('GET', '/Users?filter=userName eq "cycle@example.com"')).body.totalResults, 1);

    h.simulator.clearRequests();
    const on = await h.request('PATCH', `/Users/${created.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] },
    });
    t.equal(on.status, 200);
    t.equal(on.body.active, true);
    t.equal(simUser(h, 'cycle@example.com')?.active, true, 'back in the workspace');
    t.same(asanaCalls(h), [`POST /api/1.0/workspaces/${h.simulator.workspaceGid}/addUser`]);
  });

  t.test('DELETE removes the user from Asana, then 404', async (t) => {
    const created = (await h.request('POST', '/Users', { body: userBody('bye@example.com') })).body;
    h.simulator.clearRequests();
    t.equal((await h.request('DELETE', `/Users/${created.id}`)).status, 204);
    t.equal(simUser(h, 'bye@example.com')?.active, false);
    t.same(asanaCalls(h), [`POST /api/1.0/workspaces/${h.simulator.workspaceGid}/removeUser`]);
    const gone = await h.request('GET', `/Users/${created.id}`);
    t.equal(gone.status, 404);
    t.equal(gone.body.status, '404');
    t.equal((await h.request('DELETE', `/Users/${created.id}`)).status, 404);
  });

  t.test('odd ids are a SCIM 404', async (t) => {
    for (const id of ['010101001010101011001010101011', '00919288221112222', 'x'.repeat(90)]) {
      const response = await h.request('GET', `/Users/${id}`);
      t.equal(response.status, 404);
      t.equal(response.body.status, '404');
    }
  });

  t.test('versions: If-Match mismatch → 412, If-None-Match → 304', async (t) => {
    const created = await h.request('POST', '/Users', { body: userBody('etag@example.com') });
    const id = created.body.id;
    const etag = created.headers.get('etag') ?? '';
    t.equal((await h.request('GET', `/Users/${id}`, { headers: { 'if-none-match': etag } })).status, 304);
    t.equal((await h.request('GET', `/Users/${id}`, { headers: { 'if-none-match': 'W/"99"' } })).status, 200);
    const stale = await h.request('PUT', `/Users/${id}`, { body: userBody('etag@example.com'), headers: { 'if-match': 'W/"99"' } });
    t.equal(stale.status, 412);
    const fresh = await h.request('PUT', `/Users/${id}`, { body: userBody('etag@example.com'), headers: { 'if-match': etag } });
    t.equal(fresh.status, 200);
  });

  t.test('lists: paging, count=0, sorting, projection, unknown filter attribute', async (t) => {
    const total = (await h.request('GET', '/Users?count=0')).body;
    t.equal(total.Resources.length, 0);
    t.type(total.totalResults, 'number');
    const page = (await h.request('GET', '/Users?startIndex=2&count=2')).body;
    t.equal(page.startIndex, 2);
    t.equal(page.itemsPerPage, 2);
    t.equal(page.totalResults, total.totalResults);
    const beyond = (await h.request('GET', `/Users?startIndex=${total.totalResults + 5}&count=2`)).body;
    t.equal(beyond.totalResults, total.totalResults, 'a page past the end still tells the total');
    t.same(beyond.Resources, []);
    const last = (await h.request('GET', `/Users?startIndex=${total.totalResults}&count=10`)).body;
    t.equal(last.totalResults, total.totalResults, 'a partial last page tells the total');
    t.equal(last.itemsPerPage, 1);
    const next = (await h.request('GET', '/Users?startIndex=4&count=2')).body;
    t.notSame(page.Resources.map((u: { id: string }) => u.id), next.Resources.map((u: { id: string }) => u.id));
    const sorted = (await h.request('GET', '/Users?sortBy=userName&sortOrder=descending')).body.Resources.map(
      (u: { userName: string }) => u.userName,
    );
    t.same(sorted, [...sorted].sort((a: string, b: string) => b.localeCompare(a)));
    const projected = (await h.request('GET', '/Users?attributes=userName&count=1')).body.Resources[0];
    t.same(Object.keys(projected).sort(), ['id', 'schemas', 'userName']);
    const excluded = (await h.request('GET', '/Users?excludedAttributes=name,emails&count=1')).body.Resources[0];
    t.equal(excluded.name, undefined);
    t.ok(excluded.userName);
    const unknown = await h.request('GET', '/Users?filter=favouriteColour eq "blue"');
    t.equal(unknown.status, 400);
    t.equal(unknown.body.scimType, 'invalidFilter');
    const broken = await h.request('GET', '/Users?filter=userName eq');
    t.equal(broken.status, 400);
    t.equal(broken.body.scimType, 'invalidFilter');
  });

  t.test('the same API answers under Asana\'s own base path', async (t) => {
    const response = await h.request('GET', '/api/1.0/scim/Users?filter=userName eq "ada@example.com"');
    t.equal(response.status, 200);
    t.equal(response.body.totalResults, 1);
    t.match(response.body.Resources[0].meta.location, /\/api\/1\.0\/scim\/Users\//);
  });
});

t.test('Asana failures: nothing lost, nothing lied about', async (t) => {
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '10000' } });

  t.test('a permanent refusal (403) is returned as a SCIM error and the create is undone', async (t) => {
    h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
    const response = await h.request('POST', '/Users', { body: userBody('refused@example.com') });
    t.equal(response.status, 403);
    t.same(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    t.equal((await h.request('GET', '/Users?filter=userName eq "refused@example.com"')).body.totalResults, 0);
    h.simulator.clearFaults();
    t.equal((await h.request('POST', '/Users', { body: userBody('refused@example.com') })).status, 201, 'can be retried');
  });

  t.test('Asana refusing the bridge\'s own token (401) queues the work instead of refusing the IdP', async (t) => {
    h.simulator.setFaults({ failNext: { count: 3, status: 401 } });
    const response = await h.request('POST', '/Users', { body: userBody('badtoken@example.com') });
    t.equal(response.status, 201);
    t.equal(response.body[SYNC].state, 'pending');
    t.ok(await h.bridge.runner.drain(20_000), 'it goes through once Asana accepts the token again');
    t.equal((await h.request('GET', `/Users/${response.body.id}`)).body[SYNC].state, 'synced');
    t.equal(simUser(h, 'badtoken@example.com')?.active, true);
  });

  t.test('an outage leaves the work queued, the user pending, and converges once Asana heals', async (t) => {
    h.simulator.setFaults({ errorRate: 1 });
    const response = await h.request('POST', '/Users', { body: userBody('outage@example.com') });
    t.equal(response.status, 201, 'the IdP request is accepted');
    t.equal(response.body[SYNC].state, 'pending');
    t.equal(simUser(h, 'outage@example.com'), undefined, 'Asana does not have them yet');
    const pending = (await h.request('GET', `/Users/${response.body.id}`)).body[SYNC];
    t.equal(pending.state, 'pending');
    t.ok(pending.lastError, 'the sync state says why');
    h.simulator.clearFaults();
    t.ok(await h.bridge.runner.drain(20_000), 'the queue drains');
    const synced = (await h.request('GET', `/Users/${response.body.id}`)).body;
    t.equal(synced[SYNC].state, 'synced');
    t.equal(simUser(h, 'outage@example.com')?.active, true);
  });
});

t.test('a restart resumes pending work', async (t) => {
  const first = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: '300' } });
  first.simulator.setFaults({ errorRate: 1 });
  const created = await first.request('POST', '/Users', { body: userBody('restart@example.com') });
  t.equal(created.status, 201);
  t.equal(created.body[SYNC].state, 'pending');
  await first.bridge.close();
  first.simulator.clearFaults();
  const second = await startHarness(t, { sharedSimulator: first.simulator, databasePath: first.databasePath });
  t.ok(await second.bridge.runner.drain(20_000));
  t.equal((await second.request('GET', `/Users/${created.body.id}`)).body[SYNC].state, 'synced');
  t.equal(first.simulator.users().filter((u) => u.email === 'restart@example.com' && u.active).length, 1);
});
