import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { createUser, inParallel, startHarness } from '../helpers/harness.js';


t.test('a deleted user is held too and listed; DEPROVISION_BRAKE_LIMIT=0 turns the brake off', async (t) => {
  const h = await startHarness(t, { env: { DEPROVISION_BRAKE_LIMIT: '1' } });
  const [a, b] = [await createUser(h, 'a@example.com'), await createUser(h, 'b@example.com')];
  t.equal((await h.request('DELETE', `/Users/${a.id}`)).status, 204);
  t.equal((await h.request('DELETE', `/Users/${b.id}`)).status, 204, 'the IdP\'s delete is answered as usual');
  t.ok(await h.bridge.runner.drain());
  const list = await runCli(h, ['deprovisions', '--json']);
  t.match(JSON.parse(list.stdout), { held: [{ userId: b.id, userName: null, email: 'b@example.com' }] });
  t.equal(h.simulator.users().find((u) => u.gid === b.gid)?.active, true, 'not removed yet');
  t.match((await runCli(h, ['plan'])).stdout, /remove b@example\.com from the workspace \(held by the deprovisioning brake\)/);
  t.equal((await runCli(h, ['deprovisions', '--release'])).code, 64, '--release needs ids or --all');
  t.equal((await runCli(h, ['deprovisions', '--release', 'no-such-id'])).code, 1, 'nothing released');
  await runCli(h, ['deprovisions', '--release', b.id]);
  t.ok(await h.bridge.runner.drain());
  t.equal(h.simulator.users().find((u) => u.gid === b.gid)?.active, false, 'removed once released');

  const off = await startHarness(t, { env: { DEPROVISION_BRAKE_LIMIT: '0' } });
  const users = await inParallel(Array.from({ length: 55 }, (_, i) => `x${i}@example.com`), 8, (e) => createUser(off, e));
  await inParallel(users, 8, (u) => off.request('DELETE', `/Users/${u.id}`));
  t.ok(await off.bridge.runner.drain());
  t.equal(off.simulator.users().filter((u) => !u.active).length, 55, 'no brake: all 55 removed, past the default limit of 50');
});

t.test('a held deleted user whom the IdP creates again is no longer held: a release cannot remove the new record', async (t) => {
  const h = await startHarness(t, { env: { DEPROVISION_BRAKE_LIMIT: '1' } });
  const [a, b] = [await createUser(h, 'a@example.com'), await createUser(h, 'b@example.com')];
  await h.request('DELETE', `/Users/${a.id}`);
  await h.request('DELETE', `/Users/${b.id}`);
  t.ok(await h.bridge.runner.drain());
  t.equal(JSON.parse((await runCli(h, ['deprovisions', '--json'])).stdout).held.length, 1, 'b is held');
  const again = await createUser(h, 'b@example.com');
  t.equal(again.gid, b.gid, 'the same Asana person');
  t.same(JSON.parse((await runCli(h, ['deprovisions', '--json'])).stdout).held, [], 'nothing held any more');
  t.equal((await runCli(h, ['deprovisions', '--release', '--all', '--json'])).stdout.trim(), '{"released":0}');
  t.ok(await h.bridge.runner.drain());
  t.equal(h.simulator.users().find((u) => u.gid === b.gid)?.active, true, 'still in Asana');
});
