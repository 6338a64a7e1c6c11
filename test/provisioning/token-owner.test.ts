import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

/**
 * The token's owner (issue 10, item 1). Customers run the bridge on an admin's personal access token (the
 * simulator's default, 'pat'); the Enterprise service account ('serviceAccount') is checked where it differs.
 */
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const OWNER = { name: 'Ada Admin', email: 'ada.admin@example.com' };
type Mode = 'pat' | 'serviceAccount';

function start(t: Parameters<typeof startHarness>[0], tokenMode: Mode = 'pat', env: Record<string, string> = {}) {
  return startHarness(t, { simulator: { tokenMode, tokenOwner: OWNER }, env });
}

const removals = (h: Harness) => h.simulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/removeUser'));
const ownerIn = (h: Harness) => h.simulator.users().find((u) => u.gid === h.simulator.tokenOwnerGid);

t.test('/readyz fails with a reason an admin can act on while the token cannot administer the workspace', async (t) => {
  const h = await start(t);
  const ready = await h.request('GET', '/readyz', { anonymous: true });
  t.match(ready.body, { status: 'ready', checks: { asana: 'accepted' } });
  t.ok((await h.bridge.readiness.check()).ready, 'the check reads /users/me and the owner workspace membership');
  t.ok(h.simulator.requests().some((r) => r.path.endsWith('/users/me/workspace_memberships')), 'is_admin is asked');

  h.simulator.setTokenOwnerAdmin(false);
  await h.bridge.readiness.check();
  const notAdmin = await h.request('GET', '/readyz', { anonymous: true });
  t.equal(notAdmin.status, 503);
  t.match(notAdmin.body, {
    status: 'not ready',
    checks: { store: 'ok', asana: 'notAdmin' },
    reason: /not an admin of workspace \d+: make them an admin .*ASANA_TOKEN/,
  });
  const warned = h.logs.map((line) => JSON.parse(line)).find((l) => l.msg === 'readiness changed' && l.asana === 'notAdmin');
  t.match(warned, { level: 40, reason: /make them an admin/ }, 'the log says what to fix');
  t.notOk(h.logs.some((line) => line.includes(OWNER.email)), 'never the address');

  h.simulator.setTokenOwnerAdmin(true);
  await h.bridge.readiness.check();
  t.equal((await h.request('GET', '/readyz', { anonymous: true })).status, 200, 'ready again once an admin');
});

for (const mode of ['pat', 'serviceAccount'] as const) {
  t.test(`${mode}: the token's owner is never removed from the workspace; the IdP's intent is recorded`, async (t) => {
    const h = await start(t, mode);
    // The IdP provisions the admin whose token the bridge runs on (in service-account mode, an address the
    // service account holds: Asana would link whoever holds it).
    const created = await h.request('POST', '/Users', { body: userBody(OWNER.email) });
    t.equal(created.status, 201);
    t.equal(created.body[SYNC].asanaGid, h.simulator.tokenOwnerGid, 'linked to the owner');

    const deactivated = await h.request('PATCH', `/Users/${created.body.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    t.equal(deactivated.status, 200, 'the write is taken');
    t.equal(deactivated.body.active, false, 'the IdP intent is recorded');
    t.match(deactivated.body[SYNC], { state: 'failed', lastError: /owns the bridge's Asana token.*ASANA_TOKEN/ });
    t.same(removals(h), [], 'no removeUser is ever sent for the owner');
    if (mode === 'pat') t.equal(ownerIn(h)?.active, true, 'the owner is still a member');
    const warned = h.logs.map((line) => JSON.parse(line)).find((l) => l.msg === 'asana work failed for good');
    t.match(warned, { level: 40, reason: /owns the bridge's Asana token/ }, 'the log warns why');

    const report = await h.bridge.reconciler.run('restore');
    t.same(report.drift, [], 'reconcile never reports the owner as drift');
    // A service account is not among the workspace's listed members: there is nothing to leave.
    if (mode === 'pat') t.match(report.skipped, [{ kind: 'tokenOwner', userId: created.body.id }], 'it says why it leaves them');
    t.equal(report.queued, 0);

    t.equal((await h.request('DELETE', `/Users/${created.body.id}`)).status, 204, 'the delete is recorded');
    t.ok(await h.bridge.runner.drain(10_000));
    t.same(removals(h), [], 'and still not sent');
    t.equal((await h.request('GET', `/Users/${created.body.id}`)).status, 404);
  });
}

t.test("pat: the owner stays in every team the bridge manages and is not shown as a SCIM member", async (t) => {
  const h = await start(t);
  const alice = (await h.request('POST', '/Users', { body: userBody('alice@example.com') })).body;
  const group = (await h.request('POST', '/Groups', { body: { displayName: 'Design', members: [{ value: alice.id }] } })).body;
  const team = () => h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid);
  t.same(new Set(team()?.memberGids), new Set([h.simulator.tokenOwnerGid, alice[SYNC].asanaGid]), 'Asana made the owner a member');
  t.same((await h.request('GET', `/Groups/${group.id}`)).body.members.map((m: { value: string }) => m.value), [alice.id]);
  t.same((await h.bridge.reconciler.run('report')).drift, [], 'the owner in the team is not drift');

  // Removing every SCIM member leaves the owner in the team.
  const emptied = await h.request('PUT', `/Groups/${group.id}`, { body: { displayName: 'Design', members: [] } });
  t.equal(emptied.status, 200);
  t.same(team()?.memberGids, [h.simulator.tokenOwnerGid]);

  // The IdP puts the owner in the group, then takes them out: recorded, not carried out, and said so.
  const owner = (await h.request('POST', '/Users', { body: userBody(OWNER.email) })).body;
  await h.request('PUT', `/Groups/${group.id}`, { body: { displayName: 'Design', members: [{ value: owner.id }] } });
  t.same((await h.request('GET', `/Groups/${group.id}`)).body.members.map((m: { value: string }) => m.value), [owner.id]);
  const out = await h.request('PUT', `/Groups/${group.id}`, { body: { displayName: 'Design', members: [] } });
  t.equal(out.status, 200);
  t.same(out.body.members ?? [], [], 'the IdP intent is recorded');
  t.match(out.body[SYNC], { state: 'failed', lastError: /owns the bridge's Asana token.*team/ });
  t.same(team()?.memberGids, [h.simulator.tokenOwnerGid], 'the owner is still in the team');
  t.same((await h.bridge.reconciler.run('report')).drift, [], 'and reconcile reports no drift');

  // Deleting the group renames the team and leaves the owner in it; the delete is not undone.
  t.equal((await h.request('DELETE', `/Groups/${group.id}`)).status, 204);
  t.ok(await h.bridge.runner.drain(10_000));
  t.equal((await h.request('GET', `/Groups/${group.id}`)).status, 404);
  t.match(team(), { name: /^\[deprovisioned\] Design$/, memberGids: [h.simulator.tokenOwnerGid] });
});

t.test('serviceAccount: the teams the bridge creates hold only the SCIM members', async (t) => {
  const h = await start(t, 'serviceAccount');
  const alice = (await h.request('POST', '/Users', { body: userBody('alice@example.com') })).body;
  const group = (await h.request('POST', '/Groups', { body: { displayName: 'Design', members: [{ value: alice.id }] } })).body;
  t.same(h.simulator.teams().find((x) => x.gid === group[SYNC].asanaGid)?.memberGids, [alice[SYNC].asanaGid]);
  t.same((await h.bridge.reconciler.run('report')).drift, []);
});
