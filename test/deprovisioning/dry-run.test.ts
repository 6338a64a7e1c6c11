import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { managedMembers, startHarness, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

t.test('ASANA_WRITES=off plans everything and sends no write; on + restart carries the plan out', async (t) => {
  const simulator = await startAsanaSimulator({ seedUsers: 2 });
  t.teardown(() => simulator.close());
  // A seeded person, not the token's owner (who administers the workspace and is listed among its people).
  const leaver = simulator.users().find((u) => u.gid !== simulator.tokenOwnerGid);
  if (!leaver) throw new Error('seed');
  simulator.addTasks({ assignee: leaver.gid, count: 3 });
  simulator.addUser({ name: 'Archive', email: 'archive@example.com' });
  const people = simulator.users().length;
  const env = { ASANA_WRITES: 'off', TASK_HANDOVER_TO: 'archive@example.com' };
  const dry = await startHarness(t, { sharedSimulator: simulator, env });
  t.ok(dry.logs.some((l) => l.includes('ASANA_WRITES=off')), 'the log says it is a dry run');
  simulator.clearRequests();

  const created = [];
  for (const email of ['new1@example.com', 'new2@example.com', leaver.email]) {
    const response = await dry.request('POST', '/Users', { body: userBody(email) });
    t.equal(response.status, 201, 'accepted and stored');
    t.equal(response.body[SYNC].state, 'planned', 'the resource says planned');
    created.push(response.body.id as string);
  }
  const group = await dry.request('POST', '/Groups', {
    body: { displayName: 'Planned Team', members: created.slice(0, 2).map((value) => ({ value })) },
  });
  t.equal(group.status, 201);
  t.equal(group.body[SYNC].state, 'planned');
  const off = await dry.request('PATCH', `/Users/${created[2]}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] },
  });
  t.equal(off.body[SYNC].state, 'planned');
  const filter = encodeURIComponent(`${SYNC}:state eq "planned"`);
  t.equal((await dry.request('GET', `/Users?filter=${filter}`)).body.totalResults, 3, 'Sync:state eq "planned" finds them');

  const writes = simulator.requests().filter((r) => r.method !== 'GET');
  t.same(writes, [], 'not one write reached Asana');
  t.equal(simulator.users().length, people, 'Asana is as it was');
  t.equal(simulator.teams().length, 0);

  const plan = await runCli(dry, ['plan'], env);
  t.equal(plan.code, 0, plan.stderr);
  t.match(plan.stdout, /ASANA_WRITES=off: 8 Asana calls planned/);
  t.match(plan.stdout, /invite new1@example\.com/);
  t.match(plan.stdout, /team create "Planned Team"/);
  t.match(plan.stdout, /member add new2@example\.com/);
  t.match(plan.stdout, /task handover/);
  t.match(plan.stdout, new RegExp(`remove ${leaver.email} from the workspace`));
  t.match(plan.stdout, /invite +3\n {2}remove +1\n {2}task handover +1\n {2}team create +1\n {2}team rename +0\n {2}member add +2\n {2}member remove +0/);
  const json = JSON.parse((await runCli(dry, ['plan', '--json'], env)).stdout);
  t.equal(json.total, 8);
  t.equal(json.resources.length, 4, 'one entry per resource');
  await dry.bridge.close();

  // The same database, writes on: the plan is carried out.
  const live = await startHarness(t, {
    sharedSimulator: simulator,
    databasePath: dry.databasePath,
    env: { TASK_HANDOVER_TO: 'archive@example.com' },
  });
  t.ok(await live.bridge.runner.drain(), 'the planned work ran');
  for (const id of created) t.equal((await live.request('GET', `/Users/${id}`)).body[SYNC].state, 'synced');
  t.equal((await live.request('GET', `/Groups/${group.body.id}`)).body[SYNC].state, 'synced');
  const byEmail = new Map(simulator.users().map((u) => [u.email, u]));
  t.equal(byEmail.get('new1@example.com')?.active, true, 'invited');
  t.equal(byEmail.get(leaver.email)?.active, false, 'removed');
  const team = simulator.teams().find((x) => x.name === 'Planned Team');
  t.same(managedMembers(live, team).length, 2, 'the team with its members');
  const archive = byEmail.get('archive@example.com')?.gid;
  t.ok(simulator.tasks().every((x) => x.assignee === archive), 'the leaver\'s tasks were handed over first');
});
