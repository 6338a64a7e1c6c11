import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startPostgres } from './postgres.js';

/**
 * The database that replica tests' bridge processes share, as a DATABASE_URL: a fresh database on a real
 * PostgreSQL started for the test (the engine replicas run on in production, issue 13); TEST_DATABASE_URL=sqlite
 * gives a new SQLite file instead, and any other TEST_DATABASE_URL is used as it is.
 */
export async function replicaDatabaseUrl(t: Test): Promise<string> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-replicas-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return `file:${join(dir, 'bridge.db')}`;
  }
  if (given !== undefined && given !== '') return given;
  return (await startPostgres(t)).createDatabase();
}
