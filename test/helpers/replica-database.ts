import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/**
 * The database that replica tests' bridge processes share, as a DATABASE_URL: TEST_DATABASE_URL when set (the
 * engine under test, e.g. a fresh postgres://… database), else a new SQLite file, removed after the test.
 */
export function replicaDatabaseUrl(t: Test): string {
  const given = process.env['TEST_DATABASE_URL'];
  if (given !== undefined && given !== '') return given;
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-replicas-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return `file:${join(dir, 'bridge.db')}`;
}
