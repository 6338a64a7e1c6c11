import t from 'tap';
import { paginate } from '../../src/asana/paginate.js';
import type { AsanaWorkspaceMembership } from '../../src/asana/types.js';
import { startSimulatorAndClient } from './fixtures/simulator-client.js';

/**
 * The client calls the next step needs to learn who its token is, who is a member and which teams exist:
 * getUser('me'), getWorkspaceMembershipsForWorkspace / ForUser and typeaheadForWorkspace, against the simulator in
 * both token modes.
 */
const MEMBERSHIP_FIELDS = ['is_active', 'is_guest', 'is_admin', 'user.email', 'user.name'];
const OWNER = { name: 'Ada Admin', email: 'ada.admin@example.com' };

for (const tokenMode of ['pat', 'serviceAccount'] as const) {
  t.test(`${tokenMode}: getUser('me') is the token's owner, and its membership says admin`, async (t) => {
    const { sim, client } = await startSimulatorAndClient(t, { simulator: { tokenMode, tokenOwner: OWNER } });
    const me = await client.getUser('me', { opt_fields: ['name', 'email'] });
    t.same(me, { gid: sim.tokenOwnerGid, resource_type: 'user', ...OWNER });

    const mine = await client.getWorkspaceMembershipsForUser('me', { limit: 10, opt_fields: MEMBERSHIP_FIELDS });
    t.match(mine.data, [{ user: { gid: me.gid, email: OWNER.email }, is_active: true, is_admin: true, is_guest: false }]);
    t.equal(mine.data.length, 1);
    t.equal(mine.next_page, null);
  });

  t.test(`${tokenMode}: workspace memberships, paged, with is_active / is_guest / is_admin / user.email`, async (t) => {
    const { sim, client } = await startSimulatorAndClient(t, {
      simulator: { tokenMode, tokenOwner: OWNER, seedUsers: 120 },
    });
    const workspace = sim.workspaceGid;
    await client.addUserForWorkspace(workspace, 'contractor@elsewhere.net');
    await client.removeUserForWorkspace(workspace, 'user7@example.com');

    sim.clearRequests();
    const memberships: AsanaWorkspaceMembership[] = [];
    for await (const membership of paginate((offset) =>
      client.getWorkspaceMembershipsForWorkspace(workspace, { limit: 100, offset, opt_fields: MEMBERSHIP_FIELDS }),
    )) {
      memberships.push(membership);
    }
    t.equal(sim.requests().length, 2, 'two pages of 100');
    const byEmail = new Map(memberships.map((membership) => [membership.user?.email, membership]));
    // A PAT's owner is a listed member of the workspace; a service account is not listed among people.
    t.equal(memberships.length, 121 + (tokenMode === 'pat' ? 1 : 0));
    t.equal(byEmail.has(OWNER.email), tokenMode === 'pat');
    t.match(byEmail.get('user1@example.com'), { is_active: true, is_guest: false, is_admin: false });
    t.match(byEmail.get('user7@example.com'), { is_active: false }, 'a removed person: is_active false');
    t.match(byEmail.get('contractor@elsewhere.net'), { is_active: true, is_guest: true }, 'off-domain: a guest');

    const one = await client.getWorkspaceMembershipsForWorkspace(workspace, {
      user: 'contractor@elsewhere.net',
      limit: 1,
      opt_fields: MEMBERSHIP_FIELDS,
    });
    t.match(one.data, [{ is_guest: true, user: { email: 'contractor@elsewhere.net' } }]);
  });

  t.test(`${tokenMode}: typeaheadForWorkspace finds teams by name, exact name first`, async (t) => {
    const { sim, client } = await startSimulatorAndClient(t, { simulator: { tokenMode } });
    const workspace = sim.workspaceGid;
    for (const [name, visibility] of [
      ['Design Ops', 'public'],
      ['Design', 'public'],
      ['Web design', 'request_to_join'],
      ['Sales', 'public'],
    ] as const) {
      await client.createTeam({ name, organization: workspace, visibility });
    }
    const found = await client.typeaheadForWorkspace(workspace, { resource_type: 'team', query: 'design', count: 10 });
    t.same(
      found.map((team) => team.name),
      ['Design', 'Design Ops', 'Web design'],
    );
    const capped = await client.typeaheadForWorkspace(workspace, { resource_type: 'team', query: '', count: 2 });
    t.equal(capped.length, 2, 'count caps the answer');
    t.same(sim.requests().at(-1)?.query, { resource_type: 'team', query: '', count: '2' });
  });
}

t.test('pat: a secret team the owner is not in is not found by typeahead or by gid', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { tokenMode: 'pat' } });
  const workspace = sim.workspaceGid;
  const created = await client.createTeam({ name: 'Payroll', organization: workspace, visibility: 'secret' });
  // The owner created it, so is in it and sees it; after leaving it, the team is invisible.
  t.same(
    (await client.typeaheadForWorkspace(workspace, { resource_type: 'team', query: 'payroll' })).map((team) => team.gid),
    [created.gid],
  );
  await client.removeUserForTeam(created.gid, 'me');
  t.same(await client.typeaheadForWorkspace(workspace, { resource_type: 'team', query: 'payroll' }), []);
  const error = await client.getTeam(created.gid).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  t.match(error, { name: 'AsanaError', status: 404, retryable: false });
});
