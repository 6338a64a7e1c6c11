import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { managedMembers, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
/** The killed bridge's work leases run out this soon, so its successor resumes the items without a long wait. */
const FIRST_BRIDGE = { ASANA_SYNC_DEADLINE_MS: '300', WORK_LEASE_SECONDS: '5' };

/** Polls until every listed resource says synced (the bridge's own account of Asana). */
async function waitSynced(bridge: BridgeProcess, paths: readonly string[], timeoutMs = 90_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const states = await Promise.all(paths.map(async (p) => (await bridge.request('GET', p)).body?.[SYNC]?.state));
    if (states.every((s) => s === 'synced')) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function tempDatabase(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'bridge.db');
}

t.test('SIGKILL while Asana is failing: every answered write reaches Asana, once', async (t) => {
  const simulator = await startAsanaSimulator({ faults: { errorRate: 1 } });
  t.teardown(() => simulator.close());
  const db = tempDatabase(t);
  const first = await startBridgeProcess(simulator, db, FIRST_BRIDGE);
  t.teardown(() => first.kill());

  const accepted: string[] = [];
  for (let i = 0; i < 10; i++) {
    const response = await first.request('POST', '/Users', userBody(`crash-${i}@example.com`));
    t.equal(response.status, 201);
    t.equal(response.body[SYNC].state, 'pending', 'Asana is down: queued, and the user says so');
    accepted.push(response.body.id);
  }
  const group = await first.request('POST', '/Groups', { displayName: 'Crashers', members: accepted.slice(0, 5).map((value) => ({ value })) });
  t.equal(group.status, 201);
  const off = await first.request('PATCH', `/Users/${accepted[9]}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  t.equal(off.status, 200);
  await first.kill();

  simulator.clearFaults();
  const second = await startBridgeProcess(simulator, db);
  t.teardown(() => second.kill());
  t.ok(await waitSynced(second, [...accepted.map((id) => `/Users/${id}`), `/Groups/${group.body.id}`]), 'converged after restart');

  const users = simulator.users().filter((u) => u.email.startsWith('crash-'));
  t.equal(users.length, 10, 'each user invited exactly once');
  t.equal(users.filter((u) => u.active).length, 9, 'the deactivated one is out');
  const teams = simulator.teams().filter((x) => x.name === 'Crashers');
  t.equal(teams.length, 1, 'one team');
  t.equal(managedMembers({ simulator }, teams[0]).length, 5);
});

t.test('SIGKILL in the middle of a 300-member group push', async (t) => {
  const simulator = await startAsanaSimulator({ seedUsers: 300 });
  t.teardown(() => simulator.close());
  const db = tempDatabase(t);
  const first = await startBridgeProcess(simulator, db, FIRST_BRIDGE);
  t.teardown(() => first.kill());
  const ids: string[] = [];
  for (let i = 1; i <= 300; i++) {
    // The simulator seeded user1…user300@example.com as existing members: creating them links, one call each.
    ids.push((await first.request('POST', '/Users', userBody(`user${i}@example.com`))).body.id);
  }
  simulator.setFaults({ latencyMs: 150 });
  const push = await first.request('POST', '/Groups', { displayName: 'Everyone', members: ids.map((value) => ({ value })) });
  t.equal(push.status, 201);
  t.equal(push.body[SYNC].state, 'pending');
  const team = () => simulator.teams().find((x) => x.name === 'Everyone');
  while (managedMembers({ simulator }, team()).length < 60) await new Promise((resolve) => setTimeout(resolve, 20));
  await first.kill();
  const atKill = managedMembers({ simulator }, team()).length;
  t.ok(atKill > 0 && atKill < 300, `killed mid-push with ${atKill} of 300 members in Asana`);

  simulator.clearFaults();
  const second = await startBridgeProcess(simulator, db);
  t.teardown(() => second.kill());
  t.ok(await waitSynced(second, [`/Groups/${push.body.id}`]), 'the push resumed and finished');
  t.equal(simulator.teams().filter((x) => x.name === 'Everyone').length, 1, 'one team');
  t.equal(new Set(managedMembers({ simulator }, team())).size, 300, 'all 300 members, each once');
  const adds = simulator.requests().filter((r) => r.path.endsWith(`/teams/${team()?.gid}/addUser`) && r.status === 200).length;
  t.ok(adds >= 300 && adds <= 300 + 15, `${adds} successful addUser calls: at most the ${15} in flight at the kill repeated`);
  t.comment(`crash figures: members at kill ${atKill}, addUser calls ${adds}`);
});
