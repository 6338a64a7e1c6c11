import type { Logger } from 'pino';
import { AsanaError } from '../asana/asana-error.js';
import type { AsanaApi } from '../asana/types.js';
import type { GroupRecord, MappingStore, RestoreWork, UserRecord } from '../store/mapping-store.js';
import { groupKey, userKey } from '../store/work-keys.js';
import { personEmailOf, sameAddress } from './asana-email.js';
import { membershipWork } from './membership-diff.js';
import type { Drift, DriftAction, ReconcilePhase, ReconcileReport, Skipped } from './reconcile-report.js';
import { ReconcileWalker, WalkAbandoned } from './reconcile-walk.js';
import { matches, type OwnerIdentity, type TokenOwner } from './token-owner.js';

export interface ReconcilerDeps {
  readonly store: MappingStore;
  readonly asana: AsanaApi;
  readonly owner: Pick<TokenOwner, 'current' | 'refresh'>;
  /** How long a rate-limit pause lasts, given Asana's Retry-After (tests shorten it). */
  readonly pauseMs?: (retryAfterMs: number | undefined) => number;
  readonly workspaceGid: string;
  readonly logger: Logger;
}

/** The workspace's active members as Asana lists them. */
interface WorkspaceMembers {
  /** lower-case email → gid */
  readonly active: ReadonlyMap<string, string>;
  /** gid → the address Asana holds */
  readonly emailOf: ReadonlyMap<string, string>;
  /** gids of guests */
  readonly guests: ReadonlySet<string>;
}

/**
 * The active Asana member a user is: the one already linked, else the one holding the user's Asana email, else
 * the one holding the address the bridge invited them by (a rename Asana has not caught up with).
 */
function gidInAsana(user: UserRecord, members: WorkspaceMembers): string | undefined {
  if (user.asanaGid && members.emailOf.has(user.asanaGid)) return user.asanaGid;
  return (
    members.active.get(user.asanaEmail.toLowerCase()) ??
    (user.emailInAsana ? members.active.get(user.emailInAsana.toLowerCase()) : undefined)
  );
}

function isOwner(owner: OwnerIdentity, gid: string, user: UserRecord): boolean {
  return matches(owner, gid) || matches(owner, personEmailOf(user));
}

/** Why a team cannot be compared, or undefined when the failure is not the team's (the pass then fails). */
function unreachableTeam(error: unknown): string | undefined {
  if (error instanceof WalkAbandoned) return error.message;
  if (!(error instanceof AsanaError)) return undefined;
  if (error.status === 404) return `the team is gone from Asana, or secret and the token's owner left it: ${error.message}`;
  if (error.status === 403) {
    return `the token's owner may no longer see the team (made private, or they left it): ${error.message}`;
  }
  return undefined;
}

/** Store pages read at a time while comparing. */
const STORE_PAGE = 500;

const OWNER_KEPT =
  "owns the bridge's Asana token, so the bridge does not remove them (it would lock itself out); run the bridge " +
  "on another admin's token, then remove them in Asana";

/**
 * Compares the store with Asana: pages the workspace's memberships (`is_active`, `user.email`: not `GET /users`,
 * which also lists invited people and guests of other kinds, facts.md §5) and each linked team's memberships, links
 * Asana members the store knows by email, and reports drift. What it cannot compare (a team deleted by hand, a list
 * Asana will not page to its end) is skipped and reported; rate limits are waited out (ReconcileWalker). With `restore` it queues the work that puts the IdP's
 * intent back; it never deletes anything in Asana of its own accord (removals only undo what the IdP did not ask
 * for, and Asana keeps the person's work when they leave a team or the workspace). A group whose team creation
 * Asana refused gets its creation queued again.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async run(action: DriftAction, onProgress?: (progress: ReconcilePhase) => void): Promise<ReconcileReport> {
    const { asana, workspaceGid, store } = this.deps;
    const walker = new ReconcileWalker(this.deps.pauseMs);
    const skipped: Skipped[] = [];
    // Learned at start by the readiness check; asked for (two calls) only when Asana did not answer then.
    const known = this.deps.owner.current;
    if (known === undefined) walker.calls += 1;
    const owner = known ?? (await walker.call(() => this.deps.owner.refresh()));

    const active = new Map<string, string>(); // lower-case email → gid of active workspace members
    const emailOf = new Map<string, string>(); // gid → the address Asana holds
    const guests = new Set<string>();
    let membersKnown = true;
    try {
      const memberships = await walker.walk((offset) =>
        asana.getWorkspaceMembershipsForWorkspace(workspaceGid, {
          limit: 100,
          opt_fields: ['user.email', 'is_active', 'is_guest'],
          ...(offset ? { offset } : {}),
        }),
      );
      for (const membership of memberships.values()) {
        const user = membership.user;
        if (!membership.is_active || !user?.email) continue;
        active.set(user.email.toLowerCase(), user.gid);
        emailOf.set(user.gid, user.email);
        if (membership.is_guest) guests.add(user.gid);
      }
    } catch (error) {
      if (!(error instanceof WalkAbandoned)) throw error;
      membersKnown = false;
      skipped.push({ kind: 'workspaceMembers', reason: error.message });
    }
    const members = { active, emailOf, guests };

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
        if (!membersKnown) continue;
        const gid = gidInAsana(user, members);
        const emailInAsana = gid === undefined ? undefined : emailOf.get(gid);
        // Linking, and confirming the address Asana holds: after a rename, once the person changed it in Asana,
        // this clears what the sync extension asks an admin to do.
        const guest = gid !== undefined && guests.has(gid);
        const learned = gid !== user.asanaGid || !sameAddress(emailInAsana ?? null, user.emailInAsana) || guest !== user.asanaGuest;
        if (gid && emailInAsana && learned) {
          await store.linkUser(user.id, gid, emailInAsana, guest);
          usersById.set(user.id, { ...user, asanaGid: gid, emailInAsana });
          if (gid !== user.asanaGid) linked += 1;
        }
        if (!user.active && gid && isOwner(owner, gid, user)) {
          skipped.push({ kind: 'tokenOwner', userId: user.id, userName: user.userName, reason: OWNER_KEPT });
        } else if (user.active && !gid) {
          drift.push({ kind: 'userMissingInAsana', userId: user.id, userName: user.userName });
          work.push({
            work: { kind: 'addUserToWorkspace', userId: user.id, email: personEmailOf(user) },
            decidedOn: [decidedOnUser(user)],
          });
        } else if (!user.active && gid) {
          drift.push({ kind: 'userActiveInAsana', userId: user.id, userName: user.userName });
          work.push({
            work: { kind: 'removeUserFromWorkspace', userId: user.id, email: personEmailOf(user), user: gid },
            decidedOn: [decidedOnUser(user)],
          });
        }
      }
      usersCompared += page.items.length;
      onProgress?.({ phase: 'users', done: usersCompared, total: page.total });
      if (start + STORE_PAGE > page.total) break;
    }

    const idByGid = new Map([...usersById.values()].flatMap((u) => (u.asanaGid ? [[u.asanaGid, u.id] as const] : [])));
    let teamsCompared = 0;
    let teamsSeen = 0;
    for (let start = 1; ; start += STORE_PAGE) {
      const page = await store.listGroups({ startIndex: start, count: STORE_PAGE, descending: false }, true);
      for (const group of page.items) {
        teamsSeen += 1;
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
        onProgress?.({ phase: 'teams', done: teamsSeen, total: page.total });
        const teamGid = group.asanaGid;
        let teamMembers: Set<string>;
        try {
          teamMembers = await this.teamMembers(teamGid, walker);
        } catch (error) {
          const reason = unreachableTeam(error);
          if (reason === undefined) throw error;
          skipped.push({ kind: 'team', groupId: group.id, asanaGid: teamGid, reason });
          continue;
        }
        // The token's owner is in every team the bridge manages (Asana makes them a member of the teams they
        // create, and lets only members change a team): never drift, never removed (issue 10).
        teamMembers.delete(owner.gid);
        this.compareTeam(group, teamMembers, { usersById, idByGid, members, owner }, drift, work);
        teamsCompared += 1;
      }
      onProgress?.({ phase: 'teams', done: teamsSeen, total: page.total });
      if (start + STORE_PAGE > page.total) break;
    }

    const queued = action === 'restore' && work.length > 0 ? (await store.enqueueRestore(work)).length : 0;
    const asanaCalls = walker.calls;
    const report = { usersCompared, teamsCompared, linked, drift, queued, asanaCalls, skipped };
    this.deps.logger[skipped.length > 0 ? 'warn' : 'info'](
      { usersCompared, teamsCompared, linked, drift: drift.length, queued, asanaCalls, action, skipped },
      'reconciliation finished',
    );
    return report;
  }

  private async teamMembers(teamGid: string, walker: ReconcileWalker): Promise<Set<string>> {
    const memberships = await walker.walk((offset) =>
      this.deps.asana.getTeamMembershipsForTeam(teamGid, { limit: 100, ...(offset ? { offset } : {}) }),
    );
    return new Set([...memberships.values()].flatMap((m) => (m.user?.gid ? [m.user.gid] : [])));
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
      readonly members: WorkspaceMembers;
      readonly owner: OwnerIdentity;
    },
    drift: Drift[],
    work: RestoreWork[],
  ): void {
    const { usersById, idByGid, members, owner } = known;
    const decidedOn = (user: UserRecord | undefined) => [
      { key: groupKey(group.id), version: group.version },
      ...(user ? [{ key: userKey(user.id), version: user.version }] : []),
    ];
    const expected = new Set<string>();
    for (const userId of group.memberIds) {
      const user = usersById.get(userId);
      // A user the IdP wants active is expected in the team even when Asana lost them from the workspace too.
      const gid = user?.active ? (gidInAsana(user, members) ?? user.asanaGid ?? undefined) : undefined;
      if (!user || !gid || gid === owner.gid) continue;
      expected.add(gid);
      if (!asanaMembers.has(gid)) {
        drift.push({ kind: 'teamMemberMissing', groupId: group.id, userId });
        work.push({ work: { kind: 'addUserToTeam', groupId: group.id, userId, email: personEmailOf(user) }, decidedOn: decidedOn(user) });
      }
    }
    for (const gid of asanaMembers) {
      if (expected.has(gid)) continue;
      drift.push({ kind: 'teamMemberExtra', groupId: group.id, asanaUserGid: gid });
      const userId = idByGid.get(gid);
      const user = userId === undefined ? undefined : usersById.get(userId);
      // Someone the bridge does not manage is ordered by their email when Asana showed it, else by their gid.
      const email = (user ? personEmailOf(user) : undefined) ?? members.emailOf.get(gid) ?? gid;
      work.push({
        work: { kind: 'removeUserFromTeam', groupId: group.id, userId: userId ?? gid, email, user: gid },
        decidedOn: decidedOn(user),
      });
    }
  }
}
