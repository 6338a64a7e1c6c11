import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

/** A change made "by hand" in Asana, behind the bridge's back. */
async function asanaByHand(h: Harness, path: string, data: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${h.simulator.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  if (!response.ok) throw new Error(`simulator said ${response.status}`);
}

t.test('reconciliation finds drift, reports it, and restores the IdP\'s intent on request', async (t) => {
  const h = await startHarness(t);
  const ws = h.simulator.workspaceGid;
  const [kept, removedByHand, intruder] = await Promise.all(
    ['kept', 'removed', 'intruder'].map(async (name) => (await h.request('POST', '/Users', { body: userBody(`${name}@example.com`) })).body),
  );
  const group = (await h.request('POST', '/Groups', { body: { displayName: 'Core', members: [{ value: kept.id }, { value: removedByHand.id }] } })).body;
  const teamGid = group[SYNC].asanaGid as string;
  // An inactive SCIM user whom someone re-added in Asana by hand, never linked by the bridge.
  const dormant = (await h.request('POST', '/Users', { body: userBody('dormant@example.com', { active: false }) })).body;
  h.simulator.addUser({ name: 'Dormant', email: 'dormant@example.com' });

  await asanaByHand(h, `/workspaces/${ws}/removeUser`, { user: removedByHand[SYNC].asanaGid });
  await asanaByHand(h, `/teams/${teamGid}/addUser`, { user: intruder[SYNC].asanaGid });

  h.simulator.clearRequests();
  const report = await h.bridge.reconciler.run('report');
  t.equal(report.usersCompared, 4);
  t.equal(report.teamsCompared, 1);
  t.equal(report.linked, 1, 'the dormant user is linked by email');
  t.same(
    report.drift.map((d) => d.kind).sort(),
    ['teamMemberExtra', 'teamMemberMissing', 'userActiveInAsana', 'userMissingInAsana'].sort(),
  );
  t.equal(report.queued, 0);
  t.equal(report.asanaCalls, h.simulator.requests().length, 'every Asana call is counted');
  t.ok(h.simulator.requests().every((r) => r.method === 'GET'), 'reporting only reads Asana');
  t.equal((await h.request('GET', `/Users/${dormant.id}`)).body[SYNC].asanaGid !== undefined, true);

  const restore = await h.bridge.reconciler.run('restore');
  t.equal(restore.queued, 4);
  h.bridge.runner.wake();
  t.ok(await h.bridge.runner.drain(20_000));
  const users = h.simulator.users();
  const email = (e: string) => users.find((u) => u.email === e);
  t.equal(email('removed@example.com')?.active, true, 'removed-by-hand user is back');
  t.equal(email('dormant@example.com')?.active, false, 'the deactivated user is out again');
  const team = h.simulator.teams().find((x) => x.gid === teamGid);
  // The token's owner (an admin's personal access token) joined the team it created and stays (issue 10).
  t.same(
    new Set(team?.memberGids),
    new Set([h.simulator.tokenOwnerGid, kept[SYNC].asanaGid, removedByHand[SYNC].asanaGid]),
  );

  const again = await h.bridge.reconciler.run('report');
  t.same(again.drift, [], 'no drift left');
});
