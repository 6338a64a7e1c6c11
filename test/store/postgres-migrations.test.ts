import pg from 'pg';
import t from 'tap';
import { compileFilterToSql } from '../../src/store/filter-sql.js';
import { migrations } from '../../src/store/migrations.js';
import { pgUserTarget } from '../../src/store/postgres/targets.js';
import { postgresDialect } from '../../src/store/sql-dialect.js';
import { openStore, type BridgeStore } from '../../src/store/open-store.js';
import { parseFilter } from '../../src/scim/filter.js';
import { userResource } from '../../src/scim/schemas.js';
import { storedUser } from '../helpers/stored-user.js';
import { startPostgres } from '../helpers/postgres.js';

/**
 * PostgreSQL with several replicas on one database: migrations run once when replicas start together, each replica
 * reads what another committed (the PostgreSQL store keeps no read cache to go stale), and the IdPs' lookups are
 * indexed.
 */
const server = await startPostgres(t);

t.test('replicas starting together apply each migration once, under the advisory lock', async (t) => {
  const url = await server.createDatabase();
  const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
  t.teardown(async () => {
    for (const store of stores) await store.close();
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  t.same(rows.map((r) => r.version), migrations.map((m) => m.version), 'every version, once');
  await Promise.all(stores.map((store) => store.ping()));
  t.pass('every replica is ready');

  const again = await openStore(url);
  await again.close();
  const { rows: after } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
  t.equal(after[0]?.n, migrations.length, 'a later start applies nothing again');
});

t.test("a replica reads another replica's commit at once", async (t) => {
  const url = await server.createDatabase();
  const [one, two]: BridgeStore[] = [await openStore(url), await openStore(url)];
  t.teardown(async () => {
    await one!.close();
    await two!.close();
  });
  const lookup = { filter: parseFilter('userName eq "A@example.com"', userResource), startIndex: 1, count: 10, descending: false };
  t.equal((await one!.listUsers(lookup)).total, 0);
  await two!.insertUser(storedUser('u1', 'a@example.com'), []);
  t.equal((await one!.listUsers(lookup)).total, 1);
  await two!.linkUser('u1', '4242', 'a@example.com', false);
  t.equal((await one!.getUser('u1'))?.asanaGid, '4242');
});

t.test('concurrent writes of one resource from two replicas: one wins each version, none is lost', async (t) => {
  const url = await server.createDatabase();
  const [one, two]: BridgeStore[] = [await openStore(url), await openStore(url)];
  t.teardown(async () => {
    await one!.close();
    await two!.close();
  });
  const creates = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? one! : two!).insertUser(storedUser(`u${i}`, 'same@example.com'), [
        { kind: 'addUserToWorkspace', userId: `u${i}`, email: 'same@example.com' },
      ]),
    ),
  );
  t.equal(creates.filter((c) => c.status === 'fulfilled').length, 1, 'one create of the userName wins');
  t.ok(
    creates.every((c) => c.status === 'fulfilled' || (c.reason as { reason?: string }).reason === 'uniqueness'),
    'the others are uniqueness conflicts',
  );
  t.equal((await one!.dueWork(Date.now(), 100)).length, 1, 'one invitation queued');
});

t.test('the IdP lookups compile to SQL that searches the nocase indexes', async (t) => {
  const url = await server.createDatabase();
  const store = await openStore(url);
  t.teardown(() => store.close());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  // An empty table is scanned whatever the indexes; with scans priced out, the plan shows which index fits.
  await client.query('SET enable_seqscan = off');
  const cases = [
    { filter: 'userName eq "ALICE@acme.com"', index: 'users_user_name' },
    { filter: 'emails.value eq "alice@acme.com"', index: 'user_emails_value' },
    { filter: 'externalId eq "ext-A1"', index: 'users_external_id' },
  ];
  for (const c of cases) {
    const { sql, params } = compileFilterToSql(parseFilter(c.filter, userResource), pgUserTarget, postgresDialect);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT * FROM users u WHERE ${sql}`, params);
    t.match(rows.map((r) => r['QUERY PLAN']).join('\n'), new RegExp(`Index.*\\b${c.index}\\b`), `${c.filter} uses ${c.index}`);
  }
});
