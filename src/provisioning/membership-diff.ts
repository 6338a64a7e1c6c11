import type { AsanaWork, UserRecord } from '../store/mapping-store.js';

/**
 * The Asana work that turns a team's members from `before` into `after`: one call per member added or removed,
 * none for a no-op. Inactive users are left out: they are not in the workspace (Asana dropped them from every
 * team), and reactivation re-adds them to the teams the IdP still lists them in (UserService).
 */
export function membershipWork(
  groupId: string,
  before: readonly string[],
  after: readonly string[],
  users: ReadonlyMap<string, UserRecord>,
): AsanaWork[] {
  const had = new Set(before);
  const has = new Set(after);
  const work: AsanaWork[] = [];
  for (const userId of after) {
    const user = users.get(userId);
    if (!had.has(userId) && user?.active) work.push({ kind: 'addUserToTeam', groupId, userId, email: user.userName });
  }
  for (const userId of before) {
    const user = users.get(userId);
    if (!has.has(userId) && user?.active) {
      work.push({ kind: 'removeUserFromTeam', groupId, userId, email: user.userName, user: user.asanaGid ?? user.userName });
    }
  }
  return work;
}
