import t from 'tap';
import { parseFilter } from '../../src/scim/filter.js';
import { matchesFilter } from '../../src/scim/filter-predicate.js';
import { SYNC_SCHEMA } from '../../src/scim/schemas.js';
import type { BridgeStore } from '../../src/store/open-store.js';
import type { GroupRecord, SyncState, UserRecord } from '../../src/store/mapping-store.js';
import { filterCases, fixturesOf, groupFixtures, schemaOf, userFixtures, type FilterCase } from '../scim/filter-cases.js';
import { storedUser } from '../helpers/stored-user.js';
import { forEachEngine } from '../helpers/store-engines.js';

/**
 * The SCIM filter grammar on every engine: each case of test/scim/filter-cases.ts (the table the predicate and the
 * SQLite compiler are held to) through the store's own list methods, and pages, sorting and totals.
 */
interface UserFixture {
  id: string;
  userName: string;
  externalId?: string;
  active: boolean;
  meta: { created: string; lastModified: string };
  groups: unknown;
  [SYNC_SCHEMA]: { asanaGid?: string; state: SyncState; attempts: number; lastError?: string };
}

function userRecord(resource: Record<string, unknown>): UserRecord {
  const { id, meta, groups: _groups, ...data } = resource as unknown as UserFixture;
  const sync = data[SYNC_SCHEMA];
  return {
    id,
    userName: data.userName,
    asanaEmail: data.userName,
    emailInAsana: null,
    externalId: data.externalId ?? null,
    active: data.active,
    asanaGid: sync.asanaGid ?? null,
    created: meta.created,
    lastModified: meta.lastModified,
    version: 1,
    sync: { state: sync.state, attempts: sync.attempts, lastError: sync.lastError ?? null },
    data,
  };
}

function groupRecord(resource: Record<string, unknown>): GroupRecord {
  const { id, meta, members, ...data } = resource as {
    id: string;
    displayName: string;
    meta: { created: string; lastModified: string };
    members: { value: string }[];
  };
  return {
    id,
    displayName: data.displayName,
    externalId: null,
    asanaGid: null,
    created: meta.created,
    lastModified: meta.lastModified,
    version: 1,
    sync: { state: 'synced', attempts: 0, lastError: null },
    data,
    memberIds: members.map((m) => m.value),
  };
}

async function selectIds(store: BridgeStore, c: Pick<FilterCase, 'resource' | 'filter'>): Promise<string[]> {
  const options = { filter: parseFilter(c.filter, schemaOf(c.resource)), startIndex: 1, count: 1000, descending: false };
  const page = c.resource === 'User' ? await store.listUsers(options) : await store.listGroups(options, false);
  return page.items.map((item) => item.id);
}

function predicateIds(c: Pick<FilterCase, 'resource' | 'filter'>): unknown[] {
  const filter = parseFilter(c.filter, schemaOf(c.resource));
  return fixturesOf(c.resource)
    .filter((resource) => matchesFilter(filter, resource))
    .map((resource) => resource['id']);
}

void forEachEngine(t, async (t, engine) => {
  t.test('every filter case selects what the case table and the predicate select', async (t) => {
    const store = await engine.open();
    for (const resource of userFixtures) await store.insertUser(userRecord(resource), []);
    for (const resource of groupFixtures) await store.insertGroup(groupRecord(resource), []);
    const valid = filterCases.filter((c) => c.expect !== 'invalidFilter');
    t.ok(valid.length >= 80, `${valid.length} selecting cases`);
    for (const c of valid) {
      const name = `${c.label}: ${c.filter.slice(0, 120)}`;
      const ids = await selectIds(store, c);
      t.same(ids, c.expect, name);
      t.same(ids, predicateIds(c), `= predicate: ${name}`);
    }
  });

  t.test('the largest filters the parser accepts run (expression depth, parameter count)', async (t) => {
    const store = await engine.open();
    for (const resource of userFixtures) await store.insertUser(userRecord(resource), []);
    const chain = (term: string, joiner: string, room: number): string => {
      let text = term;
      while (text.length + joiner.length + term.length <= room) text += joiner + term;
      return text;
    };
    const cases = [
      { resource: 'User' as const, filter: chain('id pr', ' or ', 4096) },
      { resource: 'User' as const, filter: chain('active eq true', ' and ', 4096) },
      { resource: 'User' as const, filter: `emails[${chain('type pr', ' or ', 4096 - 'emails[]'.length)}]` },
      { resource: 'User' as const, filter: `${'not ('.repeat(50)}userName co "a"${')'.repeat(50)}` },
    ];
    for (const c of cases) t.same(await selectIds(store, c), predicateIds(c), c.filter.slice(0, 60));
  });

  t.test('pages in creation order or sorted, with the total, ascending and descending', async (t) => {
    const store = await engine.open();
    const names = ['carol', 'Alice', 'bob', 'dave', 'Eve'];
    for (const [i, name] of names.entries()) await store.insertUser(storedUser(`u${i}`, `${name}@example.com`), []);
    const page = (options: { startIndex: number; count: number; sortBy?: string; descending?: boolean; filter?: string }) =>
      store
        .listUsers({
          startIndex: options.startIndex,
          count: options.count,
          descending: options.descending ?? false,
          ...(options.sortBy ? { sortBy: options.sortBy } : {}),
          ...(options.filter ? { filter: parseFilter(options.filter, schemaOf('User')) } : {}),
        })
        .then((r) => ({ total: r.total, names: r.items.map((u) => u.userName.split('@')[0]) }));
    t.same(await page({ startIndex: 2, count: 2 }), { total: 5, names: ['Alice', 'bob'] }, 'creation order');
    t.same(await page({ startIndex: 1, count: 2, descending: true }), { total: 5, names: ['Eve', 'dave'] });
    t.same(await page({ startIndex: 1, count: 10, sortBy: 'userName' }), {
      total: 5,
      names: ['Alice', 'bob', 'carol', 'dave', 'Eve'],
    }, 'sorted case-insensitively');
    t.same(await page({ startIndex: 4, count: 10, sortBy: 'userName', descending: true }), { total: 5, names: ['bob', 'Alice'] });
    t.same(await page({ startIndex: 9, count: 10 }), { total: 5, names: [] }, 'past the end');
    t.same(await page({ startIndex: 1, count: 0, filter: 'userName sw "a"' }), { total: 1, names: [] }, 'count=0 tells the total');
    t.same(await page({ startIndex: 1, count: 1, filter: 'userName ew "example.com"' }), { total: 5, names: ['carol'] });
  });
});
