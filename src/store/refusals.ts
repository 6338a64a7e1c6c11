import type { AsanaWork } from './mapping-store.js';

/**
 * Refused work that nothing else would queue again, so it is parked for the group's next write (park in the work
 * queues): a member's removal (the member is no longer in the group) and a rename (a write that keeps the name
 * queues none). The next write of a `failed` group queues its team's creation and its members' adds itself
 * (GroupService), and a user's write its invitation or removal (UserService).
 */
export function owedAfterRefusal(work: AsanaWork): boolean {
  return work.kind === 'removeUserFromTeam' || work.kind === 'renameTeam';
}
