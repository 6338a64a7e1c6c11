import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeResourceInput } from '../src/scim/resource-input.js';
import { userResource } from '../src/scim/schemas.js';
import type { UserRecord } from '../src/store/mapping-store.js';
import { openStore } from '../src/store/open-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

/** The SCIM id of the n-th seeded user (1-based): readable, unique, stable across runs. */
export function seededUserId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export interface SeededUser {
  readonly email: string;
  /** The Asana gid the user is linked to, as if provisioned long ago; null leaves them unlinked. */
  readonly asanaGid: string | null;
}

/**
 * Writes users straight into the mapping store, as they would stand after earlier provisioning had synced them:
 * no HTTP and no Asana calls, so neither the bridge's nor the simulator's rate-limit window holds anything when
 * the benchmark starts. The stored JSON goes through the same normalization as a POST /Users body.
 * The store syncs every commit to disk (synchronous = FULL), about 1.7 ms each here; seeding on a tmpfs and then
 * copying the closed, checkpointed file into place takes 10,000 users from ~17 s to ~1 s. `databasePath` may also
 * be a postgres://… DATABASE_URL.
 */
export async function seedUsers(databasePath: string, users: readonly SeededUser[]): Promise<string[]> {
  // A postgres://… URL is seeded in place (PostgreSQL commits cost no fsync of a file here).
  const postgres = databasePath.startsWith('postgres');
  const staging = !postgres && existsSync('/dev/shm') ? mkdtempSync('/dev/shm/scim-bridge-seed-') : undefined;
  const path = staging ? join(staging, 'seed.db') : databasePath;
  const store = postgres ? await openStore(databasePath) : SqliteStore.open(path);
  const at = new Date('2025-01-01T00:00:00.000Z').toISOString();
  const ids: string[] = [];
  try {
    for (const [index, user] of users.entries()) {
      const n = index + 1;
      const data = normalizeResourceInput(
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: user.email,
          externalId: `00u${String(n).padStart(17, '0')}`,
          name: { givenName: `Given${n}`, familyName: `Family${n}`, formatted: `Given${n} Family${n}` },
          displayName: `Given${n} Family${n}`,
          emails: [{ value: user.email, type: 'work', primary: true }],
          title: 'Engineer',
          active: true,
        },
        userResource,
      );
      const record: UserRecord = {
        id: seededUserId(n),
        userName: user.email,
        asanaEmail: user.email,
        emailInAsana: user.email,
        externalId: typeof data['externalId'] === 'string' ? data['externalId'] : null,
        active: true,
        asanaGid: user.asanaGid,
        created: at,
        lastModified: at,
        version: 1,
        sync: { state: 'synced', attempts: 0, lastError: null },
        data,
      };
      await store.insertUser(record, []);
      ids.push(record.id);
    }
  } finally {
    await store.close();
  }
  if (staging) {
    copyFileSync(path, databasePath);
    rmSync(staging, { recursive: true, force: true });
  }
  return ids;
}
