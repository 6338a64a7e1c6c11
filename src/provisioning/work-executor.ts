import { AsanaError } from '../asana/asana-error.js';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi } from '../asana/types.js';
import type { AsanaWork, MappingStore, UserRecord, WorkEffect } from '../store/mapping-store.js';
import { personEmailOf, sameAddress } from './asana-email.js';
import { personKey, teamKey } from '../store/work-keys.js';

/** Work that cannot run yet because work it depends on (a user's invitation, a team's creation) is still queued. */
export class WaitingForDependency extends Error {
  override readonly name = 'WaitingForDependency';
}

/**
 * Work whose prerequisite Asana refused (a team that was never created, a person whose invitation failed) and
 * that nothing queued will bring: it fails like a refusal, so the resource says `failed` instead of waiting.
 */
export class PrerequisiteMissing extends Error {
  override readonly name = 'PrerequisiteMissing';
}

const NOTHING_LEARNED: WorkEffect = { kind: 'none' };

/** Asana answers 404 when the user or membership is already gone: the removal's goal is reached. */
async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof AsanaError && error.status === 404)) throw error;
  }
}

/**
 * Carries one piece of queued work out as at most one Asana call (none when nothing is left to do: the resource is
 * gone, the team already linked), and says what Asana taught us.
 */
export class WorkExecutor {
  constructor(
    private readonly store: MappingStore,
    private readonly asana: AsanaApi,
    private readonly workspaceGid: string,
  ) {}

  async execute(work: AsanaWork): Promise<WorkEffect> {
    switch (work.kind) {
      case 'addUserToWorkspace': {
        // Asana's addUser is idempotent: an existing member is returned as is, which links them (not an error).
        const user = await this.asana.addUserForWorkspace(this.workspaceGid, work.email);
        return { kind: 'userLinked', userId: work.userId, asanaGid: user.gid };
      }
      case 'removeUserFromWorkspace':
        await ignoreNotFound(this.asana.removeUserForWorkspace(this.workspaceGid, work.user));
        return NOTHING_LEARNED;
      case 'createTeam': {
        // Linked already (a create queued again by a write that raced the first): never a second team.
        if ((await this.store.teamGidOf(work.groupId)) !== null) return NOTHING_LEARNED;
        const existing = await this.findUnlinkedTeam(work.name);
        if (existing) return { kind: 'teamLinked', groupId: work.groupId, asanaGid: existing };
        const team = await this.asana.createTeam({ name: work.name, organization: this.workspaceGid });
        return { kind: 'teamLinked', groupId: work.groupId, asanaGid: team.gid };
      }
      case 'renameTeam': {
        // The rename runs after the team's creation (one order key), so no team now means none is coming.
        const team = await this.teamGid(work.groupId, { queuedAhead: false });
        // A rename re-armed after a refusal may be older than the group's name: only the current name is wanted
        // (a deleted group's clean-up, no longer a live group, keeps its deprovisioned name).
        const live = team && (await this.store.getGroup(work.groupId));
        if (team && (!live || live.displayName === work.name)) await this.asana.updateTeam(team, { name: work.name });
        return NOTHING_LEARNED;
      }
      case 'addUserToTeam': {
        const team = await this.teamGid(work.groupId, { queuedAhead: true });
        const user = team && (await this.userGid(work.userId, work.email));
        if (team && user && (await this.stillWanted(work))) {
          await this.unlessIntentGone(work, this.asana.addUserForTeam(team, user));
        }
        return NOTHING_LEARNED;
      }
      case 'removeUserFromTeam': {
        const team = await this.teamGid(work.groupId, { queuedAhead: true });
        if (team && (await this.stillWanted(work, { whenRun: true }))) {
          await this.unlessIntentGone(work, ignoreNotFound(this.asana.removeUserForTeam(team, work.user)));
        }
        return NOTHING_LEARNED;
      }
      default: {
        const never: never = work;
        throw new Error(`unknown work ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Whether the IdP still wants this membership change, read now (the work was queued earlier): an add while the
   * user is active and a member of the live group, a removal while they are not a member. A removal Asana refused
   * for a user deactivated or deleted meanwhile is not wanted either (their removal from the workspace takes them
   * out of every team); before the call it still runs for an inactive user, whose workspace removal may have failed.
   * A removal for someone the bridge no longer manages is wanted whenever the group does not list them again.
   */
  private async stillWanted(
    work: Extract<AsanaWork, { kind: 'addUserToTeam' | 'removeUserFromTeam' }>,
    { whenRun }: { whenRun: boolean } = { whenRun: false },
  ): Promise<boolean> {
    const user = await this.store.getUser(work.userId);
    // Someone the bridge does not manage (a deleted user whose removal from the workspace Asana refused, a
    // stranger the reconciler found): their removal is wanted unless the group lists the same person again.
    if (!user) return work.kind === 'removeUserFromTeam' && !(await this.listedAgain(work));
    if (!user.active && !(whenRun && work.kind === 'removeUserFromTeam')) return false;
    const member = await this.store.isGroupMember(work.groupId, work.userId);
    return work.kind === 'addUserToTeam' ? member : !member;
  }

  /** Whether an active member of the live group is the person a removal names (re-created under a new id). */
  private async listedAgain(work: Extract<AsanaWork, { kind: 'removeUserFromTeam' }>): Promise<boolean> {
    const group = await this.store.getGroup(work.groupId);
    const members = group ? await this.store.usersByIds(group.memberIds) : new Map<string, UserRecord>();
    return [...members.values()].some(
      (u) => u.active && (u.asanaGid === work.user || sameAddress(personEmailOf(u), work.email)),
    );
  }

  /**
   * A membership change Asana refused whose intent no longer holds (the user was deactivated or left the group
   * while the call was in flight; Asana answers 403 for someone gone from the workspace) is finished, not failed:
   * what the IdP asks for now is what Asana holds, and the later work carries it out.
   */
  private async unlessIntentGone(
    work: Extract<AsanaWork, { kind: 'addUserToTeam' | 'removeUserFromTeam' }>,
    call: Promise<unknown>,
  ): Promise<void> {
    try {
      await call;
    } catch (error) {
      const refused = error instanceof AsanaError && error.permanent && error.status !== 401;
      if (!refused || (await this.stillWanted(work))) throw error;
    }
  }

  /**
   * Asana allows duplicate team names and cannot delete teams, so a create looks first: an existing team of that
   * name that no group is linked to is linked instead (Okta's "push to an existing group"). The same look-up makes
   * a retried create whose first attempt's outcome was unknown link the team that attempt made, not a second one.
   */
  private async findUnlinkedTeam(name: string): Promise<string | undefined> {
    const wanted = name.trim().toLowerCase();
    const teams = paginate((offset) =>
      this.asana.getTeamsForWorkspace(this.workspaceGid, { limit: 100, opt_fields: ['name'], ...(offset ? { offset } : {}) }),
    );
    for await (const team of teams) {
      if (team.name?.trim().toLowerCase() === wanted && !(await this.store.isTeamLinked(team.gid))) return team.gid;
    }
    return undefined;
  }

  /**
   * The team of a group, also of a deleted one whose clean-up is queued (one indexed read, no member list).
   * Undefined when there is nothing to do: the group is gone, or it was deleted before its team existed.
   * `queuedAhead`: the team's creation may still be queued under its own order key (membership work).
   */
  private async teamGid(groupId: string, { queuedAhead }: { queuedAhead: boolean }): Promise<string | undefined> {
    const gid = await this.store.teamGidOf(groupId);
    if (gid) return gid;
    if (gid === undefined || !(await this.store.getGroup(groupId))) return undefined;
    if (queuedAhead && (await this.store.oldestWorkId(teamKey(groupId))) !== undefined) {
      throw new WaitingForDependency(`the Asana team of group ${groupId} is not created yet`);
    }
    throw new PrerequisiteMissing(`the Asana team of group ${groupId} was not created: Asana refused it`);
  }

  /**
   * A team membership needs the person in the workspace first: queued workspace work for them (under any SCIM
   * record) runs before it. Undefined when there is nothing to do: the user is gone or inactive (Asana keeps
   * no team membership for someone outside the workspace).
   */
  private async userGid(userId: string, email: string): Promise<string | undefined> {
    if ((await this.store.oldestWorkId(personKey(email))) !== undefined) {
      throw new WaitingForDependency(`user ${userId} has workspace work queued`);
    }
    const user = await this.store.getUser(userId);
    if (!user?.active) return undefined;
    if (!user.asanaGid) throw new PrerequisiteMissing(`user ${userId} is not in Asana: Asana refused their invitation`);
    return user.asanaGid;
  }
}
