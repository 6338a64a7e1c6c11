import type { GroupRecord } from '../../src/store/mapping-store.js';

/** A synced group as the store holds it, for tests that write to a store directly (as stored-user.ts does for users). */
export function storedGroup(id: string, displayName: string, memberIds: readonly string[]): GroupRecord {
  return {
    id,
    displayName,
    externalId: null,
    asanaGid: null,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 1,
    sync: { state: 'synced', attempts: 0, lastError: null },
    data: { displayName },
    memberIds,
  };
}
