import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { migrations } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

// Migration 2 (issue 9 item 1): work queued by a version-1 bridge is ordered by person once the bridge upgrades.
t.test('queued work of a version-1 database moves to person order keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-migration-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bridge.db');
  const db = new Database(path);
  db.exec(migrations[0]?.sql ?? '');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  db.prepare("INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01')").run();
  db.prepare(
    `INSERT INTO users (id, user_name, active, created, last_modified, version, sync_state, data)
     VALUES ('u1', 'Bob@Example.com', 1, 'x', 'x', 1, 'pending', '{}')`,
  ).run();
  const queue = db.prepare('INSERT INTO asana_work (resource_key, order_key, work, next_attempt_at) VALUES (?, ?, ?, 0)');
  queue.run('User:u0', 'User:u0', JSON.stringify({ kind: 'removeUserFromWorkspace', userId: 'u0', user: 'bob@example.com' }));
  queue.run('User:u1', 'User:u1', JSON.stringify({ kind: 'addUserToWorkspace', userId: 'u1', email: 'Bob@Example.com' }));
  queue.run('Group:g1', 'Team:g1:u1', JSON.stringify({ kind: 'addUserToTeam', groupId: 'g1', userId: 'u1' }));
  queue.run('Group:g1', 'Team:g1', JSON.stringify({ kind: 'createTeam', groupId: 'g1', name: 'Eng' }));
  db.close();

  const store = SqliteStore.open(path);
  t.teardown(() => store.close());
  t.equal(await store.oldestWorkId('Person:bob@example.com'), 1, "the old record's removal comes first for bob");
  t.equal(await store.oldestWorkId('Team:g1:bob@example.com'), 3, 'the team add is keyed by team and person');
  const due = await store.dueWork(Number.MAX_SAFE_INTEGER, 10);
  t.same(
    due.map((item) => [item.orderKey, item.work]),
    [
      ['Person:bob@example.com', { kind: 'removeUserFromWorkspace', userId: 'u0', user: 'bob@example.com', email: 'bob@example.com' }],
      ['Team:g1', { kind: 'createTeam', groupId: 'g1', name: 'Eng' }],
    ],
    "bob's invitation waits behind the old removal; the team add waits for the team and for bob",
  );
});
