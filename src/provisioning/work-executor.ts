import { AsanaError } from '../asana/asana-error.js';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi, AsanaTeam } from '../asana/types.js';
import type { AsanaWork, MappingStore, UserRecord, WorkEffect } from '../store/mapping-store.js';
import { personEmailOf, sameAddress } from './asana-email.js';
import type { TaskHandover } from './task-handover.js';
import { personKey, teamKey } from '../store/work-keys.js';
import { matches, type TokenOwner } from './token-owner.js';

/** Work that cannot run yet because work it depends on (a user's invitation, a team's creation) is still queued. */
export class WaitingForDependency extends Error {
  override readonly name = 'WaitingForDependency';
}

/**
 * Work the bridge does not carry out, for good: it fails like a refusal (the resource says `failed` with the
 * message, which tells an admin what to do), but the IdP's intent is kept and nothing is undone.
 */
export class NotCarriedOut extends Error {}

/**
 * Work whose prerequisite Asana refused (a team that was never created, a person whose invitation failed) and
 * that nothing queued will bring: it fails like a refusal, so the resource says `failed` instead of waiting.
 */
export class PrerequisiteMissing extends NotCarriedOut {
  override readonly name = 'PrerequisiteMissing';
}

/**
 * The removal of the bridge's own token's owner (issue 10): it would revoke the bridge's access to Asana (the
 * workspace) or to the team it manages (Asana lets only a team's members change it), so it is never sent.
 */
export class TokenOwnerKept extends NotCarriedOut {
  override readonly name = 'TokenOwnerKept';
  constructor(from: 'workspace' | 'team') {
    super(
      `not carried out: this person owns the bridge's Asana token, and removing them from the ${from} would lock ` +
        `the bridge out${from === 'team' ? ' of the team' : ' of Asana'}; run the bridge on another workspace admin's ` +
        'personal access token (ASANA_TOKEN) first, then remove them in Asana',
    );
  }
}

/**
 * Asana refused the token's owner a team (403): they are not a member and may not join (a private team, or a team
 * whose settings restrict who adds members). Reported with Asana's reason, never retried nor undone (issue 10).
 */
export class TeamAccessRefused extends NotCarriedOut {
  override readonly name = 'TeamAccessRefused';
  constructor(error: AsanaError) {
    super(
      `Asana does not let the token's owner join team to manage it (${error.message}): add them to the team in ` +
        'Asana (as a team member allowed to add and remove members), then write the group again',
    );
  }
}

const NOTHING_LEARNED: WorkEffect = { kind: 'none' };
/** Asana's largest typeahead answer. */
const TYPEAHEAD_COUNT = 100;

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
 * gone, the team already linked), and says what Asana taught us. A workspace removal with TASK_HANDOVER_TO set
 * first hands the person's open tasks over (task-handover.ts): a read and a write per task, resumable.
 */
export class WorkExecutor {
  constructor(
    private readonly store: MappingStore,
    private readonly asana: AsanaApi,
    private readonly workspaceGid: string,
    private readonly owner: Pick<TokenOwner, 'identity'>,
    private readonly handover?: TaskHandover,
  ) {}

  /** `workId`: the queued item's id, which a removal's task handover is recorded under (resumed by it). */
  async execute(work: AsanaWork, workId = 0): Promise<WorkEffect> {
    switch (work.kind) {
      case 'addUserToWorkspace': {
        // Asana's addUser is idempotent: an existing member is returned as is, which links them (not an error).
        const user = await this.asana.addUserForWorkspace(this.workspaceGid, work.email);
        return { kind: 'userLinked', userId: work.userId, asanaGid: user.gid };
      }
      case 'removeUserFromWorkspace':
        if (await this.isOwner(work.user, work.email)) throw new TokenOwnerKept('workspace');
        // Asana's deprovisioning guide: hand the person's open tasks over before they lose access (issue 12).
        await this.handover?.run(work, workId);
        await ignoreNotFound(this.asana.removeUserForWorkspace(this.workspaceGid, work.user));
        return NOTHING_LEARNED;
      case 'createTeam': {
        // Linked already (a create queued again by a write that raced the first): never a second team.
        if ((await this.store.teamGidOf(work.groupId)) !== null) return NOTHING_LEARNED;
        const existing = await this.findUnlinkedTeam(work.name);
        if (existing) {
          await this.joinTeam(existing);
          return { kind: 'teamLinked', groupId: work.groupId, asanaGid: existing };
        }
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
        if (team && (await this.isOwner(work.user, work.email))) {
          // A deleted group's clean-up leaves the owner in the renamed team; a live group says why it is not done.
          if (await this.store.getGroup(work.groupId)) throw new TokenOwnerKept('team');
          return NOTHING_LEARNED;
        }
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

  private async isOwner(...refs: string[]): Promise<boolean> {
    const owner = await this.owner.identity();
    return refs.some((ref) => matches(owner, ref));
  }

  /**
   * Linking a team the bridge did not create: Asana lets only a team's members change its membership, so the
   * token's owner joins it first (an admin may join a public team; Asana's addUser is idempotent for a member).
   */
  private async joinTeam(team: string): Promise<void> {
    const owner = await this.owner.identity();
    try {
      await this.asana.addUserForTeam(team, owner.gid);
    } catch (error) {
      if (error instanceof AsanaError && error.status === 403) throw new TeamAccessRefused(error);
      throw error;
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
   *
   * Asana's typeahead first (issue 10: one call, where paging 5,000 teams costs 50): it lists the teams whose name
   * or a word of it starts with the query, so the exact name is among them. Only when it answers a full count,
   * so that more may match than it listed, does the bridge page every team. Either way Asana answers only teams
   * the token can see: a secret team its owner is not in is not found, and a new team is created.
   */
  private async findUnlinkedTeam(name: string): Promise<string | undefined> {
    const wanted = name.trim().toLowerCase();
    const isWanted = async (team: AsanaTeam) =>
      team.name?.trim().toLowerCase() === wanted && !(await this.store.isTeamLinked(team.gid));
    const ranked = await this.asana.typeaheadForWorkspace(this.workspaceGid, {
      resource_type: 'team',
      query: name.trim(),
      count: TYPEAHEAD_COUNT,
      opt_fields: ['name'],
    });
    for (const team of ranked) if (await isWanted(team)) return team.gid;
    if (ranked.length < TYPEAHEAD_COUNT) return undefined;
    const teams = paginate((offset) =>
      this.asana.getTeamsForWorkspace(this.workspaceGid, { limit: 100, opt_fields: ['name'], ...(offset ? { offset } : {}) }),
    );
    for await (const team of teams) if (await isWanted(team)) return team.gid;
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
