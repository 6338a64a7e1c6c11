import t from 'tap';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

t.test('racing IdP requests', async (t) => {
  const h = await startHarness(t);

  t.test('20 concurrent creates of one userName: one 201, nineteen 409s, one invitation', async (t) => {
    h.simulator.clearRequests();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('POST', '/Users', { body: userBody(i % 2 ? 'race@example.com' : 'RACE@example.com') }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    t.equal(statuses.filter((s) => s === 201).length, 1);
    t.equal(statuses.filter((s) => s === 409).length, 19);
    t.ok(responses.filter((r) => r.status === 409).every((r) => r.body.scimType === 'uniqueness'));
    t.equal(h.simulator.requests().filter((r) => r.path.endsWith('/addUser')).length, 1);
    t.equal((await h.request('GET', '/Users?filter=userName eq "race@example.com"')).body.totalResults, 1);
  });

  t.test('concurrent PATCHes of one group equal some serial order; no lost update', async (t) => {
    const users = [];
    for (let i = 0; i < 12; i++) users.push((await h.request('POST', '/Users', { body: userBody(`p${i}@example.com`) })).body);
    const group = (await h.request('POST', '/Groups', { body: { displayName: 'Racers', members: [{ value: users[0].id }] } })).body;
    // Twelve PATCHes at once: eleven adds of distinct members and one removal of the founding member. Every serial
    // order of these gives the same set, so the result must be exactly that set, in the store and in Asana.
    const operations = [
      ...users.slice(1).map((u) => ({ op: 'add', path: 'members', value: [{ value: u.id }] })),
      { op: 'remove', path: `members[value eq "${users[0].id}"]` },
    ];
    const responses = await Promise.all(
      operations.map((op) => h.request('PATCH', `/Groups/${group.id}`, { body: { schemas: [PATCH], Operations: [op] } })),
    );
    t.same(responses.map((r) => r.status), operations.map(() => 204));
    const stored = (await h.request('GET', `/Groups/${group.id}`)).body;
    const expected = users.slice(1).map((u) => u.id).sort();
    t.same(stored.members.map((m: { value: string }) => m.value).sort(), expected);
    t.equal(stored.meta.version, `W/"${1 + operations.length}"`, 'every PATCH made its own version');
    t.ok(await h.bridge.runner.drain(20_000));
    const team = h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid);
    t.same(new Set(managedMembers(h, team)), new Set(users.slice(1).map((u) => u[SYNC].asanaGid)));
  });

  t.test('concurrent PUTs with the same If-Match: exactly one wins, the rest get 412', async (t) => {
    const user = await h.request('POST', '/Users', { body: userBody('etag-race@example.com') });
    const etag = user.headers.get('etag') ?? '';
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.request('PUT', `/Users/${user.body.id}`, { body: userBody('etag-race@example.com', { title: `t${i}` }), headers: { 'if-match': etag } }),
      ),
    );
    t.equal(responses.filter((r) => r.status === 200).length, 1);
    t.equal(responses.filter((r) => r.status === 412).length, 7);
  });
});
