import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { storedUser } from '../helpers/stored-user.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { parseFilter } from '../../src/scim/filter.js';
import { userResource } from '../../src/scim/schemas.js';

const user = storedUser;

t.test('cached reads never outlive a write, from this connection or another', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-cache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'store.db');
  const bridge = SqliteStore.open(path);
  const other = SqliteStore.open(path); // as the reconcile command opens the same file
  t.teardown(async () => {
    await bridge.close();
    await other.close();
  });
  const lookup = { filter: parseFilter('userName eq "a@example.com"', userResource), startIndex: 1, count: 100, descending: false };

  t.equal((await bridge.listUsers(lookup)).total, 0, 'absent, and that answer is cached');
  await bridge.insertUser(user('u1', 'a@example.com'), []);
  t.equal((await bridge.listUsers(lookup)).total, 1, 'a write through this store is seen at once');
  t.equal((await bridge.getUser('u1'))?.asanaGid, null);

  await other.linkUser('u1', '4242', 'a@example.com', false);
  t.equal((await bridge.getUser('u1'))?.asanaGid, '4242', 'a commit by another connection is seen at once');
  t.equal((await bridge.listUsers(lookup)).items[0]?.asanaGid, '4242');

  await other.insertUser(user('u2', 'b@example.com'), []);
  const all = await bridge.listUsers({ startIndex: 1, count: 100, descending: false });
  t.equal(all.total, 2);
});
