import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, call, type Answer, type Compact, type DataBody, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

t.test('paging across 250 users', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 250 });
  t.teardown(() => sim.close());
  const usersPath = `/users?workspace=${sim.workspaceGid}`;

  t.test('limit 100 gives 3 pages in gid order; next_page is null on the last', async (t) => {
    const sizes: number[] = [];
    const gids: string[] = [];
    let answer = await api<DataBody<Compact[]>>(sim, 'GET', `${usersPath}&limit=100&opt_fields=email`);
    for (;;) {
      t.equal(answer.status, 200);
      sizes.push(answer.body.data.length);
      gids.push(...answer.body.data.map((user) => user.gid));
      t.ok(answer.body.data.every((user) => typeof user['email'] === 'string'), 'opt_fields carries over to later pages');
      const next = answer.body.next_page;
      if (next === null || next === undefined) {
        t.equal(next, null, 'the last page says next_page: null');
        break;
      }
      t.match(next, { offset: String, path: /^\/users\?/, uri: `${sim.url}/users?` });
      answer = await call<DataBody<Compact[]>>(next.uri, 'GET', sim.token, {});
    }
    t.same(sizes, [100, 100, 50]);
    t.equal(new Set(gids).size, 250);
    t.same(gids, [...gids].sort(), 'sorted by gid');
    t.same(gids, sim.users().map((user) => user.gid));
  });

  t.test('the path of next_page works below the base URL too', async (t) => {
    const first = await api<DataBody<Compact[]>>(sim, 'GET', `${usersPath}&limit=2`);
    const path = first.body.next_page?.path ?? '';
    const second = await api<DataBody<Compact[]>>(sim, 'GET', path);
    t.equal(second.status, 200);
    t.equal(second.body.data.length, 2);
    t.not(second.body.data[0]?.gid, first.body.data[0]?.gid);
  });

  t.test('without limit there is no next_page key', async (t) => {
    const answer = await api<DataBody<Compact[]>>(sim, 'GET', usersPath);
    t.equal(answer.status, 200);
    t.equal(answer.body.data.length, 250);
    t.notOk('next_page' in answer.body);
  });

  t.test('limit outside 1..100 is 400', async (t) => {
    for (const limit of ['0', '101', '-1', 'ten', '1.5', '']) {
      const answer = await api<ErrorsBody>(sim, 'GET', `${usersPath}&limit=${limit}`);
      t.equal(answer.status, 400, `limit=${limit}`);
      t.match(answer.body, { errors: [{ message: String }] });
    }
  });

  t.test('an offset the simulator did not issue for this list is 400', async (t) => {
    const first = await api<DataBody<Compact[]>>(sim, 'GET', `${usersPath}&limit=10`);
    const issued = first.body.next_page?.offset ?? '';
    const [payload = '', signature = ''] = issued.split('.');
    const edited = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    edited['after'] = '1';
    const forged = [
      'eyJ0eXAiOJiKV1iQLCJhbGciOiJIUzI1NiJ9',
      Buffer.from(JSON.stringify({ after: sim.users()[5]?.gid })).toString('base64url'),
      `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`,
      `${payload}.${signature.slice(1)}`,
      '',
    ];
    for (const offset of forged) {
      const answer = await api<ErrorsBody>(sim, 'GET', `${usersPath}&limit=10&offset=${encodeURIComponent(offset)}`);
      t.equal(answer.status, 400, offset);
    }
    const team = await api<DataBody<Compact>>(sim, 'POST', '/teams', {
      body: { data: { name: 'Any', organization: sim.workspaceGid } },
    });
    const otherList = await api<ErrorsBody>(sim, 'GET', `/teams/${team.body.data.gid}/team_memberships?limit=10&offset=${issued}`);
    t.equal(otherList.status, 400, 'a token from another list');
    const sameList = await api<DataBody<Compact[]>>(sim, 'GET', `${usersPath}&limit=10&offset=${issued}`);
    t.equal(sameList.status, 200, 'the issued token itself works');
  });
});

t.test('other paginated lists: workspace teams, workspace memberships, team memberships, team users', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 5 });
  t.teardown(() => sim.close());
  const teamGids: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const created = await api<DataBody<Compact>>(sim, 'POST', '/teams', {
      body: { data: { name: `Team ${i}`, organization: sim.workspaceGid } },
    });
    teamGids.push(created.body.data.gid);
  }
  const [teamGid] = teamGids;
  for (const user of sim.users()) {
    await api(sim, 'POST', `/teams/${teamGid}/addUser`, { body: { data: { user: user.gid } } });
  }

  const lists = [
    { path: `/workspaces/${sim.workspaceGid}/teams`, total: 3, type: 'team' },
    { path: `/workspaces/${sim.workspaceGid}/workspace_memberships`, total: 5, type: 'workspace_membership' },
    { path: `/teams/${teamGid}/team_memberships`, total: 5, type: 'team_membership' },
    { path: `/users?team=${teamGid}`, total: 5, type: 'user' },
  ];
  for (const { path, total, type } of lists) {
    const seen: string[] = [];
    let next: string | undefined = `${path}${path.includes('?') ? '&' : '?'}limit=2`;
    let pages = 0;
    while (next !== undefined) {
      const answer: Answer<DataBody<Compact[]>> = await api<DataBody<Compact[]>>(sim, 'GET', next);
      t.equal(answer.status, 200, next);
      t.ok(answer.body.data.every((item) => item.resource_type === type), `${path}: ${type}`);
      seen.push(...answer.body.data.map((item) => item.gid));
      pages += 1;
      next = answer.body.next_page?.path;
    }
    t.equal(seen.length, total, path);
    t.equal(new Set(seen).size, total, `${path}: no repeats`);
    t.equal(pages, Math.ceil(total / 2), `${path}: page count`);
  }

  const filtered = await api<DataBody<Compact[]>>(
    sim,
    'GET',
    `/workspaces/${sim.workspaceGid}/workspace_memberships?user=user3@example.com&opt_fields=is_active,is_guest,user.email`,
  );
  t.equal(filtered.status, 200);
  t.match(filtered.body.data, [{ resource_type: 'workspace_membership', is_active: true, is_guest: false, user: { email: 'user3@example.com' } }]);
  t.equal(filtered.body.data.length, 1);
});

t.test('an offset expires: past offsetTtlMs it is a 400 that says so, and a new walk works', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: 3, offsetTtlMs: 200 });
  t.teardown(() => sim.close());
  const first = await api<DataBody<Compact[]>>(sim, 'GET', `/users?workspace=${sim.workspaceGid}&limit=1`);
  const next = first.body.next_page?.path ?? '';
  t.equal((await api(sim, 'GET', next)).status, 200, 'fresh');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const expired = await api<ErrorsBody>(sim, 'GET', next);
  t.equal(expired.status, 400);
  t.equal((await api(sim, 'GET', `/users?workspace=${sim.workspaceGid}&limit=1`)).status, 200);
});
