import t from 'tap';
import { AsanaError } from '../../src/asana/asana-error.js';
import { createAsanaClient } from '../../src/asana/client.js';
import { paginate } from '../../src/asana/paginate.js';
import { RateLimiter } from '../../src/asana/rate-limiter.js';
import { freePort, startSimulatorAndClient } from './fixtures/simulator-client.js';

t.test('getUsers pages through 250 users, 100 at a time, following next_page', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { seedUsers: 250 } });
  const workspace = sim.workspaceGid;

  const first = await client.getUsers({ workspace, limit: 100 });
  t.equal(first.data.length, 100);
  t.ok(first.next_page?.offset, 'the first page points to the next');

  sim.clearRequests();
  const gids: string[] = [];
  for await (const user of paginate((offset) => client.getUsers({ workspace, limit: 100, offset }))) gids.push(user.gid);

  t.equal(gids.length, 251, 'the 250 seeded and the token owner (a PAT owner is listed)');
  t.same(new Set(gids), new Set(sim.users().map((user) => user.gid)), 'every user exactly once');
  const requests = sim.requests();
  t.same(
    requests.map((request) => [request.method, request.path, request.query.limit, request.query.offset !== undefined]),
    [
      ['GET', '/api/1.0/users', '100', false],
      ['GET', '/api/1.0/users', '100', true],
      ['GET', '/api/1.0/users', '100', true],
    ],
  );
  t.ok(requests.every((request) => request.query.workspace === workspace));
});

t.test('opt_fields is sent as one comma-separated parameter and decides the fields returned', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { seedUsers: 1 } });
  const seeded = sim.users()[0]!;
  const workspace = sim.workspaceGid;
  const firstListed = async (opt_fields?: readonly string[]) =>
    (await client.getUsers({ workspace, limit: 1, ...(opt_fields ? { opt_fields } : {}) })).data[0]!;
  // Asana answers lists with compact records and single reads with full ones; opt_fields replaces either.
  const onlyName = () => client.getUser(seeded.gid, { opt_fields: ['name'] });
  const cases = [
    { name: 'a list is compact by default', fetch: () => firstListed(), sent: undefined, email: undefined },
    { name: 'an empty field list sends nothing', fetch: () => firstListed([]), sent: undefined, email: undefined },
    { name: 'a list asked for email', fetch: () => firstListed(['email', 'name']), sent: 'email,name', email: seeded.email },
    { name: 'a single read is full', fetch: () => client.getUser(seeded.gid), sent: undefined, email: seeded.email },
    { name: 'a single read asked for name only', fetch: onlyName, sent: 'name', email: undefined },
  ];
  for (const { name, fetch, sent, email } of cases) {
    sim.clearRequests();
    const user = await fetch();
    t.equal(user.gid, seeded.gid, name);
    t.equal(user.email, email, name);
    t.equal(sim.requests()[0]?.query.opt_fields, sent, name);
  }
});

t.test('a user may be addressed by email, which is encoded as one path segment', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { seedUsers: 1 } });
  const seeded = sim.users()[0]!;
  const user = await client.getUser(seeded.email, { opt_fields: ['email'] });
  t.equal(user.gid, seeded.gid);
});

t.test('every operation of the AsanaApi interface, against the simulator', async (t) => {
  // The service account: neither listed among people nor a member of the team it creates, so lists hold only
  // what the test made (test/asana/client-token-owner.test.ts covers a personal access token's owner).
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { tokenMode: 'serviceAccount' } });
  const workspace = sim.workspaceGid;

  const user = await client.addUserForWorkspace(workspace, 'ada@example.com', { opt_fields: ['email', 'name'] });
  t.equal(user.email, 'ada@example.com');
  t.equal((await client.addUserForWorkspace(workspace, 'ada@example.com')).gid, user.gid, 'adding again is idempotent');
  t.match(sim.users(), [{ gid: user.gid, email: 'ada@example.com', active: true, guest: false }]);

  const team = await client.createTeam(
    { name: 'Engineering', organization: workspace, visibility: 'secret' },
    { opt_fields: ['name', 'visibility'] },
  );
  t.match(team, { name: 'Engineering', visibility: 'secret' });
  const renamed = await client.updateTeam(team.gid, { description: 'Builds things' }, { opt_fields: ['description'] });
  t.equal(renamed.description, 'Builds things');
  t.match(await client.getTeam(team.gid, { opt_fields: ['name', 'description'] }), {
    gid: team.gid,
    name: 'Engineering',
    description: 'Builds things',
  });
  t.same((await client.getTeamsForWorkspace(workspace, { limit: 10 })).data.map((each) => each.gid), [team.gid]);

  const membership = await client.addUserForTeam(team.gid, user.gid);
  t.match(membership, { user: { gid: user.gid }, team: { gid: team.gid } });
  t.same(sim.teams()[0]?.memberGids, [user.gid]);
  const memberships = await client.getTeamMembershipsForTeam(team.gid, { limit: 10, opt_fields: ['user'] });
  t.same(memberships.data.map((each) => each.user?.gid), [user.gid]);
  t.same((await client.getUsers({ workspace, team: team.gid, limit: 10 })).data.map((each) => each.gid), [user.gid]);

  const workspaceMemberships = await client.getWorkspaceMembershipsForWorkspace(workspace, {
    user: 'ada@example.com',
    opt_fields: ['is_active', 'is_guest', 'user'],
  });
  t.match(workspaceMemberships.data, [{ user: { gid: user.gid }, is_active: true, is_guest: false }]);

  t.equal(await client.removeUserForTeam(team.gid, user.gid), undefined);
  t.same(sim.teams()[0]?.memberGids, []);
  t.equal(await client.removeUserForWorkspace(workspace, 'ada@example.com'), undefined);
  t.match(sim.users(), [{ gid: user.gid, active: false }]);

  t.same(
    sim.requests().map((request) => request.status),
    sim.requests().map((request) => (request.method === 'POST' && request.path === '/api/1.0/teams' ? 201 : 200)),
    'every request succeeded at the first attempt',
  );
});

t.test('Asana refusals are permanent AsanaErrors carrying Asana\'s messages, and are not retried', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { seedUsers: 1 } });
  const workspace = sim.workspaceGid;
  const cases = [
    { name: 'unknown user', status: 404, call: () => client.getUser('1999999999999999') },
    { name: 'unknown team', status: 404, call: () => client.addUserForTeam('1999999999999999', sim.users()[0]!.gid) },
    { name: 'limit above 100', status: 400, call: () => client.getUsers({ workspace, limit: 101 }) },
    { name: 'forged offset', status: 400, call: () => client.getUsers({ workspace, limit: 10, offset: 'forged' }) },
    { name: 'team without a name', status: 400, call: () => client.createTeam({ organization: workspace }) },
  ];
  for (const { name, status, call } of cases) {
    sim.clearRequests();
    const error = await call().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.ok(error instanceof AsanaError, name);
    t.match(error, { status, retryable: false }, name);
    t.ok((error as AsanaError).messages.length > 0, `${name}: carries Asana's messages`);
    t.equal(sim.requests().length, 1, `${name}: sent once`);
  }
});

t.test('the token never appears in an error, its JSON or a log line', async (t) => {
  const token = 'tok-3f9a-very-secret';
  const { sim } = await startSimulatorAndClient(t);
  const closedPort = await freePort();
  const cases = [
    { name: 'Asana rejects the token', baseUrl: sim.url, status: 401, retryable: false },
    { name: 'nothing listens', baseUrl: `http://127.0.0.1:${closedPort}/api/1.0`, status: 0, retryable: true },
  ];
  for (const { name, baseUrl, status, retryable } of cases) {
    const lines: string[] = [];
    const logger = {
      debug: (obj: object, msg?: string) => lines.push(JSON.stringify([obj, msg])),
      warn: (obj: object, msg?: string) => lines.push(JSON.stringify([obj, msg])),
    };
    const limiter = new RateLimiter({ requestsPerMinute: 1500 });
    const client = createAsanaClient({ baseUrl, token, limiter, logger, retryBudgetMs: 0 });
    t.teardown(() => client.close());

    const error = await client.getUser('me').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.ok(error instanceof AsanaError, name);
    t.match(error, { status, retryable }, name);
    const asanaError = error as AsanaError;
    t.ok(lines.length > 0, `${name}: the attempt was logged`);
    for (const text of [asanaError.message, JSON.stringify(asanaError), String(asanaError.stack), ...lines]) {
      t.notOk(text.includes(token), `${name}: no token`);
    }
  }
});
