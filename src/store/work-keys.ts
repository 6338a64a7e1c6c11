import type { AsanaWork } from './mapping-store.js';

/** The resource whose sync state a piece of work decides. */
export type ResourceKey = `User:${string}` | `Group:${string}`;
/** Work with one order key runs one item at a time, oldest first (see WorkItem.orderKey). */
export type OrderKey = `Person:${string}` | `Team:${string}`;

export const userKey = (userId: string): ResourceKey => `User:${userId}`;
export const groupKey = (groupId: string): ResourceKey => `Group:${groupId}`;

/**
 * A person in the workspace, by lower-cased email: whatever SCIM record asked (a deleted one, its re-created
 * successor), their invitations and removals run in the order the IdP sent them.
 */
export const personKey = (email: string): OrderKey => `Person:${email.toLowerCase()}`;
/** A team's creation and renames. */
export const teamKey = (groupId: string): OrderKey => `Team:${groupId}`;
/** One person's membership of one team. */
export const teamMemberKey = (groupId: string, email: string): OrderKey => `Team:${groupId}:${email.toLowerCase()}`;

/** Which resource a piece of work belongs to, and which work must run before it. */
export function workKeys(work: AsanaWork): { resourceKey: ResourceKey; orderKey: OrderKey } {
  switch (work.kind) {
    case 'addUserToWorkspace':
    case 'removeUserFromWorkspace':
      return { resourceKey: userKey(work.userId), orderKey: personKey(work.email) };
    case 'createTeam':
    case 'renameTeam':
      return { resourceKey: groupKey(work.groupId), orderKey: teamKey(work.groupId) };
    case 'addUserToTeam':
    case 'removeUserFromTeam':
      return { resourceKey: groupKey(work.groupId), orderKey: teamMemberKey(work.groupId, work.email) };
    default: {
      const never: never = work;
      throw new Error(`unknown work ${JSON.stringify(never)}`);
    }
  }
}

/** The table and id of the resource a key names. */
export function resourceOf(resourceKey: ResourceKey): { table: 'users' | 'groups'; id: string } {
  const separator = resourceKey.indexOf(':');
  return {
    table: resourceKey.slice(0, separator) === 'Group' ? 'groups' : 'users',
    id: resourceKey.slice(separator + 1),
  };
}
