import type { AsanaWork } from './mapping-store.js';

/** Which resource a piece of work belongs to, and which work must run before it (see WorkItem.orderKey). */
export function workKeys(work: AsanaWork): { resourceKey: string; orderKey: string } {
  switch (work.kind) {
    case 'addUserToWorkspace':
    case 'removeUserFromWorkspace':
      return { resourceKey: `User:${work.userId}`, orderKey: `User:${work.userId}` };
    case 'createTeam':
    case 'renameTeam':
      return { resourceKey: `Group:${work.groupId}`, orderKey: `Team:${work.groupId}` };
    case 'addUserToTeam':
    case 'removeUserFromTeam':
      return { resourceKey: `Group:${work.groupId}`, orderKey: `Team:${work.groupId}:${work.userId}` };
    default: {
      const never: never = work;
      throw new Error(`unknown work ${JSON.stringify(never)}`);
    }
  }
}
