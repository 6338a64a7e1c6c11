import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { storedUser } from '../helpers/stored-user.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const user = (n: number) => storedUser(`id-${n}`, `user${n}@example.com`);

t.test('unfiltered pages by key equal creation order at every depth, both ways, across writes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-keyset-'));
  const store = SqliteStore.open(join(dir, 'store.db'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // userNames in reverse of creation order, so an order by the index would show.
  for (let n = 30; n >= 1; n--) await store.insertUser(user(n), []);
  const check = async (label: string) => {
    const all = (await store.listUsers({ startIndex: 1, count: 1000, descending: false })).items.map((u) => u.id);
    for (const descending of [false, true]) {
      const expected = descending ? [...all].reverse() : all;
      for (let startIndex = 1; startIndex <= all.length + 2; startIndex++) {
        for (const count of [0, 1, 7]) {
          const page = await store.listUsers({ startIndex, count, descending });
          t.equal(page.total, all.length, `${label}: total at ${startIndex}`);
          t.same(
            page.items.map((u) => u.id),
            expected.slice(startIndex - 1, startIndex - 1 + count),
            `${label}: ${descending ? 'descending' : 'ascending'} page at ${startIndex}, count ${count}`,
          );
        }
      }
    }
    return all;
  };
  const created = await check('after creation');
  t.same(created, Array.from({ length: 30 }, (_, i) => `id-${30 - i}`), 'creation order');
  await store.deleteUser('id-20', 1, [], '2026-01-02T00:00:00.000Z');
  await store.deleteUser('id-1', 1, [], '2026-01-02T00:00:00.000Z');
  const after = await check('after deletes');
  t.equal(after.length, 28);
  t.notOk(after.includes('id-20'), 'a deleted user is gone from every page');
});

t.test('the kept creation order follows inserts and deletes by another connection, and rolled-back inserts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-keyset-'));
  const path = join(dir, 'store.db');
  const store = SqliteStore.open(path);
  const other = SqliteStore.open(path); // as the reconcile command or a replica opens the same file
  t.teardown(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = async () => (await store.listUsers({ startIndex: 1, count: 100, descending: false })).items.map((u) => u.id);
  for (let n = 1; n <= 5; n++) await store.insertUser(user(n), []);
  t.same(await ids(), ['id-1', 'id-2', 'id-3', 'id-4', 'id-5']);

  await other.insertUser(user(6), []);
  t.same(await ids(), ['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6'], "another connection's insert shows at once");
  await other.deleteUser('id-2', 1, [], '2026-01-02T00:00:00.000Z');
  t.same(await ids(), ['id-1', 'id-3', 'id-4', 'id-5', 'id-6'], "another connection's delete shows at once");
  const last = await store.listUsers({ startIndex: 5, count: 1, descending: false });
  t.same([last.total, last.items.map((u) => u.id)], [5, ['id-6']], 'the last page by key');

  await t.rejects(store.insertUser(storedUser('id-dup', 'user1@example.com'), []), 'a taken userName is refused');
  t.same(await ids(), ['id-1', 'id-3', 'id-4', 'id-5', 'id-6'], 'a rolled-back insert leaves the pages as they were');
  await store.linkUser('id-3', '4242', 'user3@example.com', false);
  t.same(await ids(), ['id-1', 'id-3', 'id-4', 'id-5', 'id-6'], 'a sync-state write keeps the order');
  t.equal((await store.listUsers({ startIndex: 2, count: 1, descending: false })).items[0]?.asanaGid, '4242', 'and the page shows it');
});
