import { userEmail } from './ops.js';

/**
 * What the IdP asked for, and nothing else: the users and groups it created and has not deleted, as it last wrote
 * them. A write the bridge accepted (2xx) changes the model; a write it refused changes nothing (the executor
 * checks that the bridge agrees, or says `failed`, and then adopts what the bridge holds).
 */
export interface ModelUser {
  readonly id: string;
  readonly slot: number;
  readonly email: string;
  active: boolean;
  title: string | null;
  /** Date.now() when the bridge answered its creation. */
  readonly bornAt: number;
}

export interface ModelGroup {
  readonly id: string;
  readonly slot: number;
  displayName: string;
  /** SCIM ids of the member users. */
  members: Set<string>;
  readonly bornAt: number;
  /** The Asana team gid last seen in the Sync extension. */
  asanaGid?: string;
}

/** A deleted resource: Asana must no longer hold it (the user removed, the team emptied). */
export interface GoneResource {
  readonly kind: 'User' | 'Group';
  readonly id: string;
  readonly email?: string;
  readonly asanaGid?: string;
  readonly goneAt: number;
}

export class ReferenceModel {
  readonly users = new Map<number, ModelUser>();
  readonly groups = new Map<number, ModelGroup>();
  readonly gone: GoneResource[] = [];
  /** Groups that ever existed in the bridge: Asana may hold at most one team for each. */
  groupsEverCreated = 0;

  userById(id: string): ModelUser | undefined {
    return [...this.users.values()].find((u) => u.id === id);
  }

  groupById(id: string): ModelGroup | undefined {
    return [...this.groups.values()].find((g) => g.id === id);
  }

  /** The SCIM ids of the live users in these slots (the rest are left out, as an IdP would not send them). */
  idsOf(slots: readonly number[]): string[] {
    return slots.flatMap((slot) => {
      const user = this.users.get(slot);
      return user ? [user.id] : [];
    });
  }

  addUser(slot: number, id: string, active: boolean, title: string | null, at: number): void {
    this.users.set(slot, { id, slot, email: userEmail(slot), active, title, bornAt: at });
  }

  deleteUser(slot: number, at: number): void {
    const user = this.users.get(slot);
    if (!user) return;
    this.users.delete(slot);
    for (const group of this.groups.values()) group.members.delete(user.id);
    this.gone.push({ kind: 'User', id: user.id, email: user.email, goneAt: at });
  }

  addGroup(slot: number, id: string, displayName: string, members: readonly string[], at: number): void {
    this.groups.set(slot, { id, slot, displayName, members: new Set(members), bornAt: at });
    this.groupsEverCreated += 1;
  }

  deleteGroup(slot: number, at: number): void {
    const group = this.groups.get(slot);
    if (!group) return;
    this.groups.delete(slot);
    this.gone.push({ kind: 'Group', id: group.id, ...(group.asanaGid ? { asanaGid: group.asanaGid } : {}), goneAt: at });
  }

  /** Emails whose owner the IdP deleted and did not create again: Asana must not have them active. */
  goneEmails(): string[] {
    const live = new Set([...this.users.values()].map((u) => u.email));
    return [...new Set(this.gone.flatMap((g) => (g.email && !live.has(g.email) ? [g.email] : [])))];
  }
}

/** What the bridge's SCIM representation must say, in a comparable form. */
export function expectedUser(user: ModelUser): string {
  return JSON.stringify({ userName: user.email, active: user.active, title: user.title });
}

export function expectedGroup(group: ModelGroup): string {
  return JSON.stringify({ displayName: group.displayName, members: [...group.members].sort() });
}
