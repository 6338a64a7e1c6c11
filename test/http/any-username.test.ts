import t from 'tap';
import { startHarness, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

const asanaCalls = (h: Harness) => h.simulator.requests().map((r) => `${r.method} ${r.path}`);
const user = (userName: string, emails: unknown[]) => ({ schemas: [CORE], userName, emails, active: true });

t.test('userName need not be an email: the Asana email comes from emails (issue 11 item 1)', async (t) => {
  const h = await startHarness(t);

  t.test('a non-email userName takes the primary address in emails', async (t) => {
    const created = await h.request('POST', '/Users', {
      body: user('jdoe', [
        { value: 'jdoe.work@example.com', type: 'work' },
        { value: 'jdoe@example.com', type: 'home', primary: true },
      ]),
    });
    t.equal(created.status, 201);
    t.equal(created.body.userName, 'jdoe');
    t.equal(created.body[SYNC].asanaEmail, 'jdoe@example.com');
    t.equal(created.body[SYNC].state, 'synced');
    const invited = h.simulator.users().find((u) => u.email === 'jdoe@example.com');
    t.equal(invited?.gid, created.body[SYNC].asanaGid, 'Asana invited the primary address');
  });

  t.test('else the work address, else the first; values that are no address are skipped', async (t) => {
    const work = await h.request('POST', '/Users', {
      body: user('w1', [{ value: 'w1@home.example.com', type: 'home' }, { value: 'w1@example.com', type: 'work' }]),
    });
    t.equal(work.body[SYNC].asanaEmail, 'w1@example.com');
    const first = await h.request('POST', '/Users', {
      body: user('f1', [{ value: 'not-an-address', primary: true }, { value: 'f1@example.com', type: 'other' }]),
    });
    t.equal(first.body[SYNC].asanaEmail, 'f1@example.com');
    const emailName = await h.request('POST', '/Users', {
      body: user('name@example.com', [{ value: 'other@example.com', primary: true }]),
    });
    t.equal(emailName.body[SYNC].asanaEmail, 'name@example.com', 'an email-form userName wins');
  });

  t.test('no address at all: 400 invalidValue naming what is missing, nothing stored, no Asana call', async (t) => {
    h.simulator.clearRequests();
    const before = (await h.request('GET', '/Users')).body.totalResults;
    for (const body of [user('nobody', []), user('nobody', [{ value: 'emailName357', primary: true }]), { schemas: [CORE], userName: 'nobody' }]) {
      const response = await h.request('POST', '/Users', { body });
      t.equal(response.status, 400);
      t.equal(response.body.scimType, 'invalidValue');
      t.match(response.body.detail, /userName is not an email address and emails holds no address/);
    }
    t.equal((await h.request('GET', '/Users')).body.totalResults, before);
    t.same(asanaCalls(h), []);
  });

  t.test('the Asana email is unique case-insensitively: 409 uniqueness, no Asana call, no address in the error', async (t) => {
    h.simulator.clearRequests();
    const response = await h.request('POST', '/Users', { body: user('jane', [{ value: 'JDOE@Example.com', primary: true }]) });
    t.equal(response.status, 409);
    t.equal(response.body.scimType, 'uniqueness');
    t.notMatch(response.text, /jdoe/i);
    t.same(asanaCalls(h), []);
    const id = (await h.request('GET', '/Users?filter=userName eq "w1"')).body.Resources[0].id;
    const put = await h.request('PUT', `/Users/${id}`, { body: user('w1', [{ value: 'jdoe@example.com', type: 'work' }]) });
    t.equal(put.status, 409, 'a PUT moving onto a taken Asana email is refused too');
    t.equal((await h.request('GET', `/Users/${id}`)).body[SYNC].asanaEmail, 'w1@example.com');
  });

  t.test('filters find users by userName and by the Asana email', async (t) => {
    t.equal((await h.request('GET', '/Users?filter=userName eq "JDOE"')).body.totalResults, 1);
    const byEmail = await h.request('GET', `/Users?filter=${encodeURIComponent(`${SYNC}:asanaEmail eq "JDOE@example.com"`)}`);
    t.equal(byEmail.body.totalResults, 1);
    t.equal(byEmail.body.Resources[0].userName, 'jdoe');
  });

  t.test('deactivation and deletion reach the same Asana person', async (t) => {
    const id = (await h.request('GET', '/Users?filter=userName eq "jdoe"')).body.Resources[0].id;
    const off = await h.request('PATCH', `/Users/${id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    t.equal(off.status, 200);
    t.equal(h.simulator.users().find((u) => u.email === 'jdoe@example.com')?.active, false);
    t.equal((await h.request('DELETE', `/Users/${id}`)).status, 204);
  });
});

t.test('reconciliation links a non-email userName by its Asana email', async (t) => {
  const h = await startHarness(t);
  const dormant = (await h.request('POST', '/Users', { body: { ...user('dormant', [{ value: 'dormant@example.com', primary: true }]), active: false } })).body;
  const seeded = h.simulator.addUser({ name: 'Dormant', email: 'Dormant@example.com' });
  const report = await h.bridge.reconciler.run('report');
  t.equal(report.linked, 1);
  t.equal((await h.request('GET', `/Users/${dormant.id}`)).body[SYNC].asanaGid, seeded.gid);
  t.same(report.drift.map((d) => d.kind), ['userActiveInAsana']);
});
