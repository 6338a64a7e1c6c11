import t, { type Test } from 'tap';
import type { FaultOptions } from '../../src/asana-simulator/index.js';
import { managedMembers, startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Figures for docs/reliability.md, printed by the test. */
const figures = { scenarios: 0, faultsInjected: 0, writesSent: 0, writesConverged: 0, duplicates: 0 };

/**
 * One scenario: with Asana failing in one way, an IdP creates users, a group with members, and changes the group;
 * every write must be accepted (2xx) or refused honestly, then, once Asana heals, converge with no effect twice.
 */
async function scenario(t: Test, name: string, faults: FaultOptions, h: Harness): Promise<void> {
  const tag = name.replace(/\W+/g, '-');
  h.simulator.clearRequests();
  h.simulator.setFaults(faults);
  const userIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const response = await h.request('POST', '/Users', { body: userBody(`${tag}-${i}@example.com`) });
    t.equal(response.status, 201, `${name}: user ${i} accepted`);
    userIds.push(response.body.id);
  }
  const group = await h.request('POST', '/Groups', {
    body: { displayName: `team-${tag}`, members: userIds.slice(0, 4).map((value) => ({ value })) },
  });
  t.equal(group.status, 201, `${name}: group accepted`);
  const patched = await h.request('PATCH', `/Groups/${group.body.id}`, {
    body: { schemas: [PATCH], Operations: [
      { op: 'remove', path: `members[value eq "${userIds[0]}"]` },
      { op: 'add', path: 'members', value: [{ value: userIds[4] }, { value: userIds[5] }] },
    ] },
  });
  t.equal(patched.status, 204, `${name}: patch accepted`);
  figures.writesSent += 8;
  figures.faultsInjected += h.simulator.requests().filter((r) => r.status >= 429 || r.status === 0).length;

  h.simulator.clearFaults();
  h.bridge.runner.wake();
  t.ok(await h.bridge.runner.drain(60_000), `${name}: the queue drains once Asana heals`);

  const emails = userIds.map((_, i) => `${tag}-${i}@example.com`);
  const simUsers = h.simulator.users().filter((u) => emails.includes(u.email));
  t.equal(simUsers.length, 6, `${name}: each user exists once in Asana`);
  t.ok(simUsers.every((u) => u.active), `${name}: all active`);
  const teams = h.simulator.teams().filter((team) => team.name === `team-${tag}`);
  t.equal(teams.length, 1, `${name}: exactly one team, never two`);
  figures.duplicates += Math.max(0, teams.length - 1) + Math.max(0, simUsers.length - 6);
  const gidOf = (i: number) => simUsers.find((u) => u.email === emails[i])?.gid;
  t.same(new Set(managedMembers(h, teams[0])), new Set([1, 2, 3, 4, 5].map(gidOf)), `${name}: the team holds the IdP's intent`);
  const stored = await h.request('GET', `/Groups/${group.body.id}`);
  t.equal(stored.body[SYNC].state, 'synced', `${name}: the group says synced`);
  for (const id of userIds) t.equal((await h.request('GET', `/Users/${id}`)).body[SYNC].state, 'synced');
  figures.writesConverged += 8;
  figures.scenarios += 1;
}

t.test('Asana faults: the bridge retries safely and converges, no effect twice', async (t) => {
  const h = await startHarness(t, {
    env: { ASANA_SYNC_DEADLINE_MS: '400' },
    timings: { asanaRequestTimeoutMs: 300, asanaRetryBudgetMs: 200 },
  });
  const cases: Array<[string, FaultOptions]> = [
    ['5xx burst', { failNext: { count: 25, status: 503 } }],
    ['random 5xx at 50%', { errorRate: 0.5 }],
    ['429 storm with Retry-After', { failNext: { count: 30, status: 429, retryAfterSeconds: 1 } }],
    ['responses slower than the client timeout', { latencyMs: 1200 }],
    ['dropped connections', { dropNext: 12 }],
  ];
  for (const [name, faults] of cases) await t.test(name, (t) => scenario(t, name, faults, h));
  t.equal(figures.duplicates, 0);
  t.comment(`reliability figures: ${JSON.stringify(figures)}`);
});
