import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { createUser, inParallel, startHarness, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const active = (value: boolean) => ({ schemas: [PATCH], Operations: [{ op: 'replace', value: { active: value } }] });

async function filterCount(h: Harness, state: string): Promise<{ total: number; ids: string[] }> {
  const filter = encodeURIComponent(`${SYNC}:state eq "${state}"`);
  const body = (await h.request('GET', `/Users?filter=${filter}&count=1000`)).body;
  return { total: body.totalResults, ids: (body.Resources ?? []).map((r: { id: string }) => r.id) };
}

t.test('a burst of 120 deactivations: 100 run, 20 are held until an admin releases them', async (t) => {
  const h = await startHarness(t, { env: { DEPROVISION_BRAKE_LIMIT: '100', DEPROVISION_BRAKE_WINDOW_MINUTES: '60' } });
  const people = await inParallel(
    Array.from({ length: 122 }, (_, i) => `staff${i}@example.com`),
    8,
    (email) => createUser(h, email),
  );
  const burst = people.slice(0, 120);
  const [stays, reactivated] = [people[120]!, burst[119]!];
  const group = await h.request('POST', '/Groups', {
    body: { displayName: 'Ops', members: [stays.id, burst[0]!.id].map((value) => ({ value })) },
  });
  t.equal(group.status, 201);

  const answers = await inParallel(burst, 8, (p) => h.request('PATCH', `/Users/${p.id}`, { body: active(false) }));
  t.ok(answers.every((a) => a.status === 200 && a.body.active === false), 'the IdP is answered as usual, every time');
  t.ok(await h.bridge.runner.drain(), 'the queue drains (held removals wait outside it)');

  const gone = () => h.simulator.users().filter((u) => u.email.startsWith('staff') && !u.active).length;
  t.equal(gone(), 100, 'exactly DEPROVISION_BRAKE_LIMIT people were removed from Asana');
  const held = await filterCount(h, 'held');
  t.equal(held.total, 20, 'Sync:state eq "held" lists the other 20');
  const one = (await h.request('GET', `/Users/${held.ids[0]}`)).body;
  t.match(one[SYNC], { state: 'held', lastError: /deprovisioning brake: more than 100 removals .* within 60 minutes/ });
  t.equal(
    h.logs.filter((l) => l.includes('deprovisioning brake: removals beyond the limit are held')).length,
    1,
    'the log warns once for the burst',
  );

  // Team membership removals are not braked.
  const patch = await h.request('PATCH', `/Groups/${group.body.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${stays.id}"]` }] },
  });
  t.ok(patch.status === 200 || patch.status === 204, `member removal answered ${patch.status}`);
  t.equal((await h.request('GET', `/Groups/${group.body.id}`)).body[SYNC].state, 'synced');
  t.notOk(h.simulator.teams().find((x) => x.name === 'Ops')?.memberGids.includes(stays.gid), 'the member left the team at once');

  // A held user the IdP reactivates is simply no longer held.
  const heldUser = held.ids.includes(reactivated.id) ? reactivated : burst.find((p) => held.ids.includes(p.id))!;
  const back = await h.request('PATCH', `/Users/${heldUser.id}`, { body: active(true) });
  t.equal(back.status, 200);
  t.equal(back.body[SYNC].state, 'synced');
  t.equal(h.simulator.users().find((u) => u.gid === heldUser.gid)?.active, true, 'still in Asana, never removed');
  t.equal((await filterCount(h, 'held')).total, 19);

  const list = await runCli(h, ['deprovisions', '--list']);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /held removals: 19/);
  t.notMatch(list.stdout, heldUser.id, 'the reactivated user is not listed');

  const [first, ...rest] = held.ids.filter((id) => id !== heldUser.id);
  const releaseOne = await runCli(h, ['deprovisions', '--release', first!]);
  t.equal(releaseOne.code, 0, releaseOne.stderr);
  t.match(releaseOne.stdout, /released: 1 removal/);
  t.ok(await h.bridge.runner.drain());
  t.equal(gone(), 101, 'a released removal runs, past the limit');
  t.equal((await h.request('GET', `/Users/${first}`)).body[SYNC].state, 'synced');

  const releaseAll = await runCli(h, ['deprovisions', '--release', '--all', '--json']);
  t.same(JSON.parse(releaseAll.stdout), { released: rest.length });
  t.ok(await h.bridge.runner.drain());
  t.equal(gone(), 119, 'every removal the IdP asked for, except the one it took back');
  t.equal((await filterCount(h, 'held')).total, 0);
  t.equal((await filterCount(h, 'synced')).total, 122);
});
