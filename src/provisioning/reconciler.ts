import type { Logger } from 'pino';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi } from '../asana/types.js';
import type { GroupRecord, MappingStore, RestoreWork, UserRecord } from '../store/mapping-store.js';
import { groupKey, userKey } from '../store/work-keys.js';
import { membershipWork } from './membership-diff.js';

/** A difference between what the IdP asked for (the store) and what Asana holds. */
export type Drift =
  /** The IdP wants the user active; Asana has no such active member (removed by hand?). */
  | { readonly kind: 'userMissingInAsana'; readonly userId: string; readonly userName: string }
  /** The IdP deactivated the user; Asana still has them (added back by hand?). */
  | { readonly kind: 'userActiveInAsana'; readonly userId: string; readonly userName: string }
  /** The IdP lists the member; the Asana team lacks them. */
  | { readonly kind: 'teamMemberMissing'; readonly groupId: string; readonly userId: string }
  /** The Asana team has a member the IdP does not list (added by hand?). */
  | { readonly kind: 'teamMemberExtra'; readonly groupId: string; readonly asanaUserGid: string }
  /** The group has no Asana team and none is queued (Asana refused its creation). */
  | { readonly kind: 'teamMissingInAsana'; readonly groupId: string };

export type DriftAction = 'report' | 'restore';

export interface ReconcileReport {
  readonly usersCompared: number;
  readonly teamsCompared: number;
  readonly linked: number;
  readonly drift: readonly Drift[];
  /**
   * Work queued to restore the IdP's intent (0 when only reporting); the running bridge carries it out. Work
   * decided on a user or group that an IdP write changed during the pass is not queued: that write's own work
   * stands (see RestoreWork).
   */
  readonly queued: number;
  readonly asanaCalls: number;
}

export interface ReconcilerDeps {
  readonly store: MappingStore;
  readonly asana: AsanaApi;
  readonly workspaceGid: string;
  readonly logger: Logger;
}

/** Store pages read at a time while comparing. */
const STORE_PAGE = 500;

/**
 * Compares the store with Asana: pages `GET /users?workspace=…` and each linked team's memberships, links Asana
 * members the store knows by email, and reports drift. With `restore` it queues the work that puts the IdP's
 * intent back; it never deletes anything in Asana of its own accord (removals only undo what the IdP did not ask
 * for, and Asana keeps the person's work when they leave a team or the workspace). A group whose team creation
 * Asana refused gets its creation queued again.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async run(action: DriftAction, onProgress?: (line: string) => void): Promise<ReconcileReport> {
    let asanaCalls = 0;
    const counted = <T>(fetch: (offset?: string) => Promise<T>) => (offset?: string) => {
      asanaCalls += 1;
      return fetch(offset);
    };
    const { asana, workspaceGid, store } = this.deps;

    const active = new Map<string, string>(); // lower-case email → gid of active workspace members
    const emailOf = new Map<string, string>(); // and back
    const pages = paginate(
      counted((offset) =>
        asana.getUsers({ workspace: workspaceGid, limit: 100, opt_fields: ['email'], ...(offset ? { offset } : {}) }),
      ),
    );
    for await (const user of pages) {
      if (!user.email) continue;
      active.set(user.email.toLowerCase(), user.gid);
      emailOf.set(user.gid, user.email);
    }

    const drift: Drift[] = [];
    const work: RestoreWork[] = [];
    const decidedOnUser = (user: UserRecord) => ({ key: userKey(user.id), version: user.version });
    let linked = 0;
    let usersCompared = 0;
    const usersById = new Map<string, UserRecord>();
    for (let start = 1; ; start += STORE_PAGE) {
      const page = await store.listUsers({ startIndex: start, count: STORE_PAGE, descending: false });
      for (const user of page.items) {
        usersById.set(user.id, user);
        const gid = active.get(user.userName.toLowerCase());
        if (gid && gid !== user.asanaGid) {
          await store.linkUser(user.id, gid);
          usersById.set(user.id, { ...user, asanaGid: gid });
          linked += 1;
        }
        if (user.active && !gid) {
          drift.push({ kind: 'userMissingInAsana', userId: user.id, userName: user.userName });
          work.push({
            work: { kind: 'addUserToWorkspace', userId: user.id, email: user.userName },
            decidedOn: [decidedOnUser(user)],
          });
        } else if (!user.active && gid) {
          drift.push({ kind: 'userActiveInAsana', userId: user.id, userName: user.userName });
          work.push({
            work: { kind: 'removeUserFromWorkspace', userId: user.id, email: user.userName, user: gid },
            decidedOn: [decidedOnUser(user)],
          });
        }
      }
      usersCompared += page.items.length;
      onProgress?.(`compared ${usersCompared}/${page.total} users`);
      if (start + STORE_PAGE > page.total) break;
    }

    // The bridge's own Asana account joins the teams it creates; it is never drift (removing it would lock the
    // bridge out of the team).
    asanaCalls += 1;
    const self = (await asana.getUser('me')).gid;
    const idByGid = new Map([...usersById.values()].flatMap((u) => (u.asanaGid ? [[u.asanaGid, u.id] as const] : [])));
    let teamsCompared = 0;
    for (let start = 1; ; start += STORE_PAGE) {
      const page = await store.listGroups({ startIndex: start, count: STORE_PAGE, descending: false }, true);
      for (const group of page.items) {
        // A group whose work is still queued is not drift yet: its Asana side is on its way.
        if (await store.hasQueuedWork(groupKey(group.id))) continue;
        if (!group.asanaGid) {
          drift.push({ kind: 'teamMissingInAsana', groupId: group.id });
          const decidedOn = [{ key: groupKey(group.id), version: group.version }];
          const create = [{ kind: 'createTeam', groupId: group.id, name: group.displayName } as const];
          work.push(
            ...[...create, ...membershipWork(group.id, [], group.memberIds, usersById)].map((w) => ({ work: w, decidedOn })),
          );
          continue;
        }
        const members = await this.teamMembers(group.asanaGid, counted);
        members.delete(self);
        this.compareTeam(group, members, { usersById, idByGid, active, emailOf }, drift, work);
        teamsCompared += 1;
      }
      onProgress?.(`compared ${teamsCompared} teams`);
      if (start + STORE_PAGE > page.total) break;
    }

    const queued = action === 'restore' && work.length > 0 ? (await store.enqueueRestore(work)).length : 0;
    const report = { usersCompared, teamsCompared, linked, drift, queued, asanaCalls };
    this.deps.logger.info(
      { usersCompared, teamsCompared, linked, drift: drift.length, queued, asanaCalls, action },
      'reconciliation finished',
    );
    return report;
  }

  private async teamMembers(
    teamGid: string,
    counted: <T>(fetch: (offset?: string) => Promise<T>) => (offset?: string) => Promise<T>,
  ): Promise<Set<string>> {
    const members = new Set<string>();
    const pages = paginate(
      counted((offset) =>
        this.deps.asana.getTeamMembershipsForTeam(teamGid, { limit: 100, ...(offset ? { offset } : {}) }),
      ),
    );
    for await (const membership of pages) if (membership.user?.gid) members.add(membership.user.gid);
    return members;
  }

  /**
   * Only active users are expected in a team: Asana drops deactivated users from every team. Each restore is
   * decided on the group's version and, for a member the bridge knows, that user's version.
   */
  private compareTeam(
    group: GroupRecord,
    asanaMembers: ReadonlySet<string>,
    known: {
      readonly usersById: ReadonlyMap<string, UserRecord>;
      readonly idByGid: ReadonlyMap<string, string>;
      readonly active: ReadonlyMap<string, string>;
      readonly emailOf: ReadonlyMap<string, string>;
    },
    drift: Drift[],
    work: RestoreWork[],
  ): void {
    const { usersById, idByGid, active, emailOf } = known;
    const decidedOn = (user: UserRecord | undefined) => [
      { key: groupKey(group.id), version: group.version },
      ...(user ? [{ key: userKey(user.id), version: user.version }] : []),
    ];
    const expected = new Set<string>();
    for (const userId of group.memberIds) {
      const user = usersById.get(userId);
      // A user the IdP wants active is expected in the team even when Asana lost them from the workspace too.
      const gid = user?.active ? (active.get(user.userName.toLowerCase()) ?? user.asanaGid ?? undefined) : undefined;
      if (!user || !gid) continue;
      expected.add(gid);
      if (!asanaMembers.has(gid)) {
        drift.push({ kind: 'teamMemberMissing', groupId: group.id, userId });
        work.push({ work: { kind: 'addUserToTeam', groupId: group.id, userId, email: user.userName }, decidedOn: decidedOn(user) });
      }
    }
    for (const gid of asanaMembers) {
      if (expected.has(gid)) continue;
      drift.push({ kind: 'teamMemberExtra', groupId: group.id, asanaUserGid: gid });
      const userId = idByGid.get(gid);
      const user = userId === undefined ? undefined : usersById.get(userId);
      // Someone the bridge does not manage is ordered by their email when Asana showed it, else by their gid.
      const email = user?.userName ?? emailOf.get(gid) ?? gid;
      work.push({
        work: { kind: 'removeUserFromTeam', groupId: group.id, userId: userId ?? gid, email, user: gid },
        decidedOn: decidedOn(user),
      });
    }
  }
}
