import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { api, type Compact, type DataBody, type ErrorsBody, SERVICE_ACCOUNT } from './fixtures/sim-client.js';

t.test('users: shapes, lookups, opt_fields and errors', async (t) => {
  const sim = await startAsanaSimulator({ ...SERVICE_ACCOUNT, seedUsers: [{ name: 'Ada Lovelace', email: 'ada@example.com' }] });
  t.teardown(() => sim.close());
  const [ada] = sim.users();
  if (ada === undefined) throw new Error('seed missing');

  t.test('GET /users/{user} accepts a gid, an email or "me" and answers the full record', async (t) => {
    const cases = [
      { ref: ada.gid, gid: ada.gid, email: 'ada@example.com' },
      { ref: 'ada@example.com', gid: ada.gid, email: 'ada@example.com' },
      { ref: 'ADA@Example.com', gid: ada.gid, email: 'ada@example.com' },
      { ref: encodeURIComponent('ada@example.com'), gid: ada.gid, email: 'ada@example.com' },
    ];
    for (const { ref, gid, email } of cases) {
      const answer = await api<DataBody<Compact>>(sim, 'GET', `/users/${ref}`);
      t.equal(answer.status, 200, ref);
      t.same(answer.body.data, {
        gid,
        resource_type: 'user',
        name: 'Ada Lovelace',
        email,
        photo: null,
        workspaces: [{ gid: sim.workspaceGid, resource_type: 'workspace', name: 'Example Org' }],
      });
    }
    const me = await api<DataBody<Compact>>(sim, 'GET', '/users/me');
    t.equal(me.status, 200);
    t.match(me.body.data, { gid: /^\d{16}$/, resource_type: 'user', name: String, email: String });
    t.not(me.body.data.gid, ada.gid, 'the token owner is not one of the people');
  });

  t.test('lists are compact unless opt_fields adds fields; gid and resource_type are always there', async (t) => {
    const cases: Array<{ query: string; expected: Compact }> = [
      { query: '', expected: { gid: ada.gid, resource_type: 'user', name: 'Ada Lovelace' } },
      { query: '&opt_fields=email', expected: { gid: ada.gid, resource_type: 'user', name: 'Ada Lovelace', email: 'ada@example.com' } },
      {
        query: '&opt_fields=email,photo,workspaces.name,unknown_field',
        expected: {
          gid: ada.gid,
          resource_type: 'user',
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          photo: null,
          workspaces: [{ gid: sim.workspaceGid, resource_type: 'workspace', name: 'Example Org' }],
        },
      },
    ];
    for (const { query, expected } of cases) {
      const answer = await api<DataBody<Compact[]>>(sim, 'GET', `/users?workspace=${sim.workspaceGid}${query}`);
      t.equal(answer.status, 200, query);
      t.same(answer.body.data, [expected], query);
    }
  });

  t.test('opt_fields on a single record adds to the compact record', async (t) => {
    const answer = await api<DataBody<Compact>>(sim, 'GET', `/users/${ada.gid}?opt_fields=email`);
    t.same(answer.body.data, { gid: ada.gid, resource_type: 'user', name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  t.test('the workspace record', async (t) => {
    const answer = await api<DataBody<Compact>>(sim, 'GET', `/workspaces/${sim.workspaceGid}`);
    t.equal(answer.status, 200);
    t.same(answer.body.data, {
      gid: sim.workspaceGid,
      resource_type: 'workspace',
      name: 'Example Org',
      email_domains: ['example.com'],
      is_organization: true,
    });
  });

  t.test('unknown ids answer 404 with an Asana error body', async (t) => {
    const paths = [
      '/users/9999999999999999',
      '/users/nobody@example.com',
      '/users?workspace=9999999999999999',
      '/users?team=9999999999999999',
      '/workspaces/9999999999999999',
      '/workspaces/9999999999999999/users',
      '/teams/9999999999999999',
      '/no/such/route',
    ];
    for (const path of paths) {
      const answer = await api<ErrorsBody>(sim, 'GET', path);
      t.equal(answer.status, 404, path);
      t.match(answer.body, { errors: [{ message: String, help: String }] }, path);
      t.equal(answer.body.errors[0]?.phrase, undefined, `${path}: only 500s carry a phrase`);
    }
  });

  t.test('a missing or wrong bearer token is 401', async (t) => {
    for (const token of [null, 'wrong-token', '']) {
      const answer = await api<ErrorsBody>(sim, 'GET', '/users/me', { token });
      t.equal(answer.status, 401, String(token));
      t.match(answer.body, { errors: [{ message: String, help: String }] });
    }
  });

  t.test('opt_pretty indents the JSON', async (t) => {
    const response = await fetch(`${sim.url}/users/me?opt_pretty`, { headers: { authorization: `Bearer ${sim.token}` } });
    t.equal(response.status, 200);
    t.ok((await response.text()).includes('\n  '));
  });
});
