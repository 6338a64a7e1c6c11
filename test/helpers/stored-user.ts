import type { UserRecord } from '../../src/store/mapping-store.js';

/** A synced, active user as the store holds it, for tests that write to a store directly. */
export function storedUser(id: string, userName: string): UserRecord {
  return {
    id,
    userName,
    asanaEmail: userName,
    emailInAsana: null,
    externalId: null,
    active: true,
    asanaGid: null,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 1,
    sync: { state: 'synced', attempts: 0, lastError: null },
    data: { userName },
  };
}
