import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { ScimError } from '../../src/scim/errors.js';
import { parseFilter } from '../../src/scim/filter.js';
import { matchesFilter } from '../../src/scim/filter-predicate.js';
import { SYNC_SCHEMA, groupResource, userResource } from '../../src/scim/schemas.js';
import { compileFilterToSql } from '../../src/store/filter-sql.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { groupTarget, userTarget } from '../../src/store/sql-targets.js';
import {
  filterCases,
  fixturesOf,
  groupFixtures,
  schemaOf,
  userFixtures,
  type FilterCase,
} from '../scim/filter-cases.js';

type Db = InstanceType<typeof Database>;

/** The fixtures' shapes, as far as the columns need them (see filter-cases.ts). */
interface UserFixture {
  id: string;
  userName: string;
  externalId?: string;
  active: boolean;
  meta: { created: string; lastModified: string };
  groups: unknown;
  emails?: { value: string; type?: string; primary?: boolean }[];
  [SYNC_SCHEMA]: { asanaGid?: string; state: string; attempts: number; lastError?: string };
}

interface GroupFixture {
  id: string;
  displayName: string;
  members: { value: string }[];
  meta: { created: string; lastModified: string };
}

/**
 * A temporary SQLite file with the store's own migrations and SQL targets, holding the fixtures the way the store
 * keeps them: columns, side tables, JSON rest.
 */
function openFixtureDb(t: Test): Db {
  const dir = mkdtempSync(join(tmpdir(), 'filter-sql-'));
  const { db } = openDatabase(join(dir, 'filters.sqlite'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const insertUser = db.prepare(
    `INSERT INTO users (id, user_name, asana_email, external_id, active, created, last_modified, version, asana_gid,
       sync_state, sync_attempts, sync_error, data) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
  );
  const insertEmail = db.prepare('INSERT INTO user_emails (user_id, value, type, "primary") VALUES (?, ?, ?, ?)');
  const insertGroup = db.prepare(
    `INSERT INTO groups (id, display_name, external_id, created, last_modified, version, sync_state, data)
       VALUES (?, ?, ?, ?, ?, 1, 'synced', ?)`,
  );
  const insertMember = db.prepare('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)');
  for (const resource of userFixtures) {
    const { id, meta, groups: _groups, ...data } = resource as unknown as UserFixture;
    const sync = data[SYNC_SCHEMA];
    insertUser.run(
      id,
      data.userName,
      data.userName,
      data.externalId ?? null,
      data.active ? 1 : 0,
      meta.created,
      meta.lastModified,
      sync.asanaGid ?? null,
      sync.state,
      sync.attempts,
      sync.lastError ?? null,
      JSON.stringify(data),
    );
    for (const email of data.emails ?? []) {
      // As the store writes it: NULL when the element has no primary (src/store/sqlite/user-table.ts).
      const primary = typeof email.primary === 'boolean' ? Number(email.primary) : null;
      insertEmail.run(id, email.value, email.type ?? null, primary);
    }
  }
  for (const resource of groupFixtures) {
    const { id, meta, members, ...data } = resource as unknown as GroupFixture;
    insertGroup.run(id, data.displayName, null, meta.created, meta.lastModified, JSON.stringify(data));
    for (const member of members) insertMember.run(id, member.value);
  }
  return db;
}

/** The table of a resource as the store queries it: groups exclude deleted tombstones (group-table.ts). */
function tableOf(resource: FilterCase['resource']): { from: string; alias: string; live: string } {
  return resource === 'User'
    ? { from: 'users u', alias: 'u', live: '' }
    : { from: 'groups g', alias: 'g', live: 'g.deleted = 0 AND ' };
}

function selectIds(db: Db, c: Pick<FilterCase, 'resource' | 'filter'>): string[] {
  const filter = parseFilter(c.filter, schemaOf(c.resource));
  const { sql, params } = compileFilterToSql(filter, c.resource === 'User' ? userTarget : groupTarget);
  const { from, alias, live } = tableOf(c.resource);
  return db
    .prepare(`SELECT ${alias}.id FROM ${from} WHERE ${live}(${sql}) ORDER BY ${alias}.rowid`)
    .pluck()
    .all(...params) as string[];
}

function predicateIds(c: Pick<FilterCase, 'resource' | 'filter'>): unknown[] {
  const filter = parseFilter(c.filter, schemaOf(c.resource));
  return fixturesOf(c.resource)
    .filter((resource) => matchesFilter(filter, resource))
    .map((resource) => resource['id']);
}

t.test('SQLite selects what the case table expects, and exactly what the predicate selects', async (t) => {
  const db = openFixtureDb(t);
  const valid = filterCases.filter((c) => c.expect !== 'invalidFilter');
  t.ok(valid.length >= 80, `${valid.length} selecting cases`);
  for (const c of valid) {
    const name = `${c.label}: ${c.filter.slice(0, 120)}`;
    const ids = selectIds(db, c);
    t.same(ids, c.expect, `SQL: ${name}`);
    t.same(ids, predicateIds(c), `SQL = predicate: ${name}`);
  }
});

t.test('the IdP lookups compile to index-friendly SQL', async (t) => {
  const compile = (text: string) => compileFilterToSql(parseFilter(text, userResource), userTarget);
  t.same(compile('userName eq "x"'), { sql: 'u.user_name = ? COLLATE NOCASE', params: ['x'] });
  t.same(compile('externalId eq "x"'), { sql: 'u.external_id = ?', params: ['x'] });
  t.same(compile('active eq false'), { sql: 'u.active = ?', params: [0] });
});

t.test('EXPLAIN QUERY PLAN: the IdP lookups search an index instead of scanning', async (t) => {
  const db = openFixtureDb(t);
  const cases: { resource: FilterCase['resource']; filter: string; index: string }[] = [
    { resource: 'User', filter: 'userName eq "ALICE@acme.com"', index: 'users_user_name' },
    { resource: 'User', filter: 'externalId eq "ext-A1"', index: 'users_external_id' },
    { resource: 'User', filter: 'emails.value eq "alice@acme.com"', index: 'user_emails_value' },
    { resource: 'User', filter: 'emails[type eq "work"].value eq "alice@acme.com"', index: 'user_emails_value' },
    { resource: 'Group', filter: 'displayName eq "engineering"', index: 'groups_display_name' },
  ];
  for (const c of cases) {
    const { sql, params } = compileFilterToSql(
      parseFilter(c.filter, c.resource === 'User' ? userResource : groupResource),
      c.resource === 'User' ? userTarget : groupTarget,
    );
    const { from, live } = tableOf(c.resource);
    const rows = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM ${from} WHERE ${live}(${sql})`).all(...params);
    const plan = (rows as { detail: string }[]).map((row) => row.detail).join('\n');
    t.match(plan, new RegExp(`SEARCH \\w+ USING (COVERING )?INDEX ${c.index}`), `${c.filter} uses ${c.index}`);
    t.notMatch(plan, /\bSCAN\b/, `${c.filter} scans no table`);
    t.same(selectIds(db, c), predicateIds(c), `${c.filter} still selects what the predicate selects`);
  }
});

t.test('a sub-attribute the side table does not hold is invalidFilter, not an empty result', async (t) => {
  const cases = [
    { resource: userResource, target: userTarget, filter: 'emails.display eq "x"' },
    { resource: userResource, target: userTarget, filter: 'emails[display pr]' },
    { resource: userResource, target: userTarget, filter: 'groups.display eq "Engineering"' },
    { resource: groupResource, target: groupTarget, filter: 'members[type eq "User"]' },
  ];
  for (const c of cases) {
    const filter = parseFilter(c.filter, c.resource);
    let thrown: unknown;
    try {
      compileFilterToSql(filter, c.target);
    } catch (err) {
      thrown = err;
    }
    t.ok(thrown instanceof ScimError, `${c.filter} throws a ScimError`);
    t.match(thrown, { status: 400, scimType: 'invalidFilter' }, c.filter);
  }
});

t.test('the largest filters the parser accepts run in SQLite (expression depth, parameter count)', async (t) => {
  const db = openFixtureDb(t);
  /** `term joiner term joiner …`, as long as fits in `room` characters. */
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
  for (const c of cases) {
    t.ok(c.filter.length <= 4096, `${c.filter.length} characters`);
    t.same(selectIds(db, c), predicateIds(c), c.filter.slice(0, 60));
  }
});
