import t from 'tap';
import type { Logger } from 'pino';
import { AsanaError } from '../../src/asana/asana-error.js';
import type { AsanaApi } from '../../src/asana/types.js';
import { Reconciler } from '../../src/provisioning/reconciler.js';
import { TokenOwner } from '../../src/provisioning/token-owner.js';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

/**
 * A reconciler that survives real answers (issue 10, items 4 and 5), against the simulator in PAT mode. Where a
 * fault must hit one particular call, the test arms the simulator's fault just before the bridge's client sends
 * that call: the answer still comes from the simulator over HTTP.
 */
const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';

/** A reconciler over the bridge's store and Asana client, with `arm` run before each matching call. */
function reconcilerWith(h: Harness, arm: Partial<Record<keyof AsanaApi, (args: unknown[]) => void>>): Reconciler {
  const asana = h.bridge.asana;
  const armed = new Proxy(asana, {
    get(target, name: string) {
      const method = (target as unknown as Record<string, unknown>)[name];
      if (typeof method !== 'function') return method;
      return (...args: unknown[]) => {
        arm[name as keyof AsanaApi]?.(args);
        return (method as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return new Reconciler({
    store: h.bridge.store,
    asana: armed,
    owner: new TokenOwner(armed, h.simulator.workspaceGid),
    workspaceGid: h.simulator.workspaceGid,
    logger: h.bridge.app.log as unknown as Logger,
  });
}

async function groupWith(h: Harness, name: string, memberEmails: string[]) {
  const users = await Promise.all(memberEmails.map(async (e) => (await h.request('POST', '/Users', { body: userBody(e) })).body));
  const group = (await h.request('POST', '/Groups', { body: { displayName: name, members: users.map((u) => ({ value: u.id })) } })).body;
  return { group, users };
}

t.test('membership comes from workspace_memberships, not GET /users; guests are marked', async (t) => {
  const h = await startHarness(t);
  await h.request('POST', '/Users', { body: userBody('insider@example.com') });
  const outsider = (await h.request('POST', '/Users', { body: userBody('outsider@elsewhere.org') })).body;
  h.simulator.clearRequests();
  const report = await h.bridge.reconciler.run('report');
  t.same(report.skipped, []);
  const paths = h.simulator.requests().map((r) => r.path);
  t.ok(paths.some((p) => p.endsWith('/workspace_memberships')), 'reads workspace memberships');
  t.notOk(paths.some((p) => p.endsWith('/users')), 'never GET /users');
  const guest = (await h.request('GET', `/Users/${outsider.id}`)).body[SYNC];
  t.equal(guest.guest, true, 'Asana made the off-domain address a guest');
  const found = await h.request('GET', `/Users?filter=${encodeURIComponent(`${SYNC}:guest eq true`)}`);
  t.same(found.body.Resources.map((u: { id: string }) => u.id), [outsider.id], 'guests can be filtered');
});

t.test('a team deleted by hand (404) or no longer accessible (403) is skipped and reported; the pass goes on', async (t) => {
  const h = await startHarness(t);
  const gone = await groupWith(h, 'Gone', ['a@example.com']);
  const closed = await groupWith(h, 'Closed', ['b@example.com']);
  const fine = await groupWith(h, 'Fine', ['c@example.com']);
  h.simulator.deleteTeam(gone.group[SYNC].asanaGid);
  const reconciler = reconcilerWith(h, {
    getTeamMembershipsForTeam: ([team]) => {
      if (team === closed.group[SYNC].asanaGid) h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
    },
  });
  const report = await reconciler.run('restore');
  t.equal(report.teamsCompared, 1, 'the third team is compared');
  t.match(report.skipped, [
    { kind: 'team', groupId: gone.group.id, reason: /gone from Asana.*404/ },
    { kind: 'team', groupId: closed.group.id, reason: /no longer see the team.*403/ },
  ]);
  t.same(report.drift, [], 'a skipped team is not drift');
  t.equal(report.queued, 0, 'and nothing is queued for it');
  t.ok(fine.group.id);
});

t.test('an expired pagination offset restarts that walk; one that keeps expiring is reported', async (t) => {
  const h = await startHarness(t, { simulator: { seedUsers: 150 } });
  await h.request('POST', '/Users', { body: userBody('user150@example.com') });
  let expireOnce = true;
  const reconciler = reconcilerWith(h, {
    getWorkspaceMembershipsForWorkspace: ([, options]) => {
      if ((options as { offset?: string }).offset && expireOnce) {
        expireOnce = false;
        h.simulator.setFaults({ failNext: { count: 1, status: 400 } });
      }
    },
  });
  h.simulator.clearRequests();
  const report = await reconciler.run('report');
  t.same(report.skipped, []);
  t.equal(report.linked, 0, 'linked already; the restarted walk found them');
  t.same(report.drift, []);
  const walks = h.simulator.requests().filter((r) => r.path.endsWith(`/workspaces/${h.simulator.workspaceGid}/workspace_memberships`));
  t.equal(walks.filter((r) => r.query['offset'] === undefined).length, 2, 'the walk started again from the first page');

  // Offsets that live 1 ms: every walk expires. Reported, not the end of the pass.
  const expiring = await startHarness(t, { simulator: { seedUsers: 150, offsetTtlMs: 1 } });
  const user = (await expiring.request('POST', '/Users', { body: userBody('new@example.com') })).body;
  const gaveUp = await expiring.bridge.reconciler.run('restore');
  t.match(gaveUp.skipped, [{ kind: 'workspaceMembers', reason: /refused to page the list further.*4 times/ }]);
  t.same(gaveUp.drift, [], 'no user is called missing from a list not read to its end');
  t.equal((await expiring.request('GET', `/Users/${user.id}`)).status, 200);
});

t.test("a Retry-After longer than the client's retry budget is waited out, not the end of the pass", async (t) => {
  const h = await startHarness(t);
  const { group } = await groupWith(h, 'Patient', ['p@example.com']);
  let once = true;
  const reconciler = reconcilerWith(h, {
    getTeamMembershipsForTeam: () => {
      if (!once) return;
      once = false;
      // 1 s: longer than the harness's 300 ms retry budget, so the client gives the 429 up to the reconciler.
      h.simulator.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1 } });
    },
  });
  const started = Date.now();
  const report = await reconciler.run('report');
  t.ok(Date.now() - started >= 900, 'it waited for Asana');
  t.equal(report.teamsCompared, 1);
  t.same(report.skipped, []);
  t.same(report.drift, []);
  t.ok(group.id);
});

t.test("Asana's 400 on an over-long team list skips that team, reported", async (t) => {
  const h = await startHarness(t, { simulator: { seedUsers: 120 } });
  const { group } = await groupWith(h, 'Big', []);
  // Fill the team past one page by hand, then Asana refuses its later pages (asks for a narrower query).
  for (const seeded of h.simulator.users().slice(0, 120)) {
    await fetch(`${h.simulator.url}/teams/${group[SYNC].asanaGid}/addUser`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { user: seeded.gid } }),
    });
  }
  const reconciler = reconcilerWith(h, {
    getTeamMembershipsForTeam: ([, options]) => {
      if ((options as { offset?: string }).offset) h.simulator.setFaults({ failNext: { count: 1, status: 400 } });
    },
  });
  const report = await reconciler.run('restore');
  t.match(report.skipped, [{ kind: 'team', groupId: group.id, reason: /refused to page the list further/ }]);
  t.same(report.drift, [], 'no member called extra from a list not read to its end');
  t.equal(report.queued, 0);
});

t.test('a failure that is not the team\'s still ends the pass with the error', async (t) => {
  const h = await startHarness(t);
  await groupWith(h, 'Any', ['x@example.com']);
  h.simulator.setFaults({ failNext: { count: 50, status: 401 } });
  await t.rejects(h.bridge.reconciler.run('report'), AsanaError);
  h.simulator.clearFaults();
});
