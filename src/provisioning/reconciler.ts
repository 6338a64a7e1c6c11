import type { Logger } from 'pino';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi } from '../asana/types.js';
import type { AsanaWork, GroupRecord, MappingStore, UserRecord } from '../store/mapping-store.js';

/** A difference between what the IdP asked for (the store) and what Asana holds. */
export type Drift =
  /** The IdP wants the user active; Asana has no such active member (removed by hand?). */
  | { readonly kind: 'userMissingInAsana'; readonly userId: string; readonly userName: string }
  /** The IdP deactivated the user; Asana still has them (added back by hand?). */
  | { readonly kind: 'userActiveInAsana'; readonly userId: string; readonly userName: string }
  /** The IdP lists the member; the Asana team lacks them. */
  | { readonly kind: 'teamMemberMissing'; readonly groupId: string; readonly userId: string }
  /** The Asana team has a member the IdP does not list (added by hand?). */
  | { readonly kind: 'teamMemberExtra'; readonly groupId: string; readonly asanaUserGid: string };

export type DriftAction = 'report' | 'restore';

/** How far a pass has got: users first, then teams. */
export interface ReconcilePhase {
  readonly phase: 'users' | 'teams';
  readonly done: number;
  readonly total: number;
}

export interface ReconcileReport {
  readonly usersCompared: number;
  readonly teamsCompared: number;
  readonly linked: number;
  readonly drift: readonly Drift[];
  /** Work queued to restore the IdP's intent (0 when only reporting); the running bridge carries it out. */
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
 * for, and Asana keeps the person's work when they leave a team or the workspace).
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async run(action: DriftAction, onProgress?: (progress: ReconcilePhase) => void): Promise<ReconcileReport> {
    let asanaCalls = 0;
    const counted = <T>(fetch: (offset?: string) => Promise<T>) => (offset?: string) => {
      asanaCalls += 1;
      return fetch(offset);
    };
    const { asana, workspaceGid, store } = this.deps;

    const active = new Map<string, string>(); // lower-case email → gid of active workspace members
    const pages = paginate(
      counted((offset) =>
        asana.getUsers({ workspace: workspaceGid, limit: 100, opt_fields: ['email'], ...(offset ? { offset } : {}) }),
      ),
    );
    for await (const user of pages) if (user.email) active.set(user.email.toLowerCase(), user.gid);

    const drift: Drift[] = [];
    const work: AsanaWork[] = [];
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
          work.push({ kind: 'addUserToWorkspace', userId: user.id, email: user.userName });
        } else if (!user.active && gid) {
          drift.push({ kind: 'userActiveInAsana', userId: user.id, userName: user.userName });
          work.push({ kind: 'removeUserFromWorkspace', userId: user.id, user: gid });
        }
      }
      usersCompared += page.items.length;
      onProgress?.({ phase: 'users', done: usersCompared, total: page.total });
      if (start + STORE_PAGE > page.total) break;
    }

    // The bridge's own Asana account joins the teams it creates; it is never drift (removing it would lock the
    // bridge out of the team).
    asanaCalls += 1;
    const self = (await asana.getUser('me')).gid;
    const idByGid = new Map([...usersById.values()].flatMap((u) => (u.asanaGid ? [[u.asanaGid, u.id] as const] : [])));
    let teamsCompared = 0;
    let teamsSeen = 0;
    for (let start = 1; ; start += STORE_PAGE) {
      const page = await store.listGroups({ startIndex: start, count: STORE_PAGE, descending: false }, true);
      for (const group of page.items) {
        teamsSeen += 1;
        // A group whose work is still queued is not drift yet: its Asana side is on its way.
        if (!group.asanaGid || (await store.hasQueuedWork(`Group:${group.id}`))) continue;
        onProgress?.({ phase: 'teams', done: teamsSeen, total: page.total });
        const members = await this.teamMembers(group.asanaGid, counted);
        members.delete(self);
        this.compareTeam(group, members, { usersById, idByGid, active }, drift, work);
        teamsCompared += 1;
      }
      onProgress?.({ phase: 'teams', done: teamsSeen, total: page.total });
      if (start + STORE_PAGE > page.total) break;
    }

    const queued = action === 'restore' && work.length > 0 ? (await store.enqueueWork(work)).length : 0;
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

  /** Only active users are expected in a team: Asana drops deactivated users from every team. */
  private compareTeam(
    group: GroupRecord,
    asanaMembers: ReadonlySet<string>,
    known: {
      readonly usersById: ReadonlyMap<string, UserRecord>;
      readonly idByGid: ReadonlyMap<string, string>;
      readonly active: ReadonlyMap<string, string>;
    },
    drift: Drift[],
    work: AsanaWork[],
  ): void {
    const { usersById, idByGid, active } = known;
    const expected = new Set<string>();
    for (const userId of group.memberIds) {
      const user = usersById.get(userId);
      // A user the IdP wants active is expected in the team even when Asana lost them from the workspace too.
      const gid = user?.active ? (active.get(user.userName.toLowerCase()) ?? user.asanaGid ?? undefined) : undefined;
      if (!gid) continue;
      expected.add(gid);
      if (!asanaMembers.has(gid)) {
        drift.push({ kind: 'teamMemberMissing', groupId: group.id, userId });
        work.push({ kind: 'addUserToTeam', groupId: group.id, userId });
      }
    }
    for (const gid of asanaMembers) {
      if (expected.has(gid)) continue;
      drift.push({ kind: 'teamMemberExtra', groupId: group.id, asanaUserGid: gid });
      work.push({ kind: 'removeUserFromTeam', groupId: group.id, userId: idByGid.get(gid) ?? gid, user: gid });
    }
  }
}
