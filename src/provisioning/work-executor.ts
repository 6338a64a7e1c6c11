import { AsanaError } from '../asana/asana-error.js';
import { paginate } from '../asana/paginate.js';
import type { AsanaApi } from '../asana/types.js';
import type { AsanaWork, MappingStore, WorkEffect } from '../store/mapping-store.js';

/** Work that cannot run yet because work it depends on (a user's invitation, a team's creation) is still queued. */
export class WaitingForDependency extends Error {
  override readonly name = 'WaitingForDependency';
}

/** Asana answers 404 when the user or membership is already gone: the removal's goal is reached. */
async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof AsanaError && error.status === 404)) throw error;
  }
}

/** Carries one piece of queued work out as exactly one Asana call, and says what Asana taught us. */
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
        return { kind: 'none' };
      case 'createTeam': {
        const existing = await this.findUnlinkedTeam(work.name);
        if (existing) return { kind: 'teamLinked', groupId: work.groupId, asanaGid: existing };
        const team = await this.asana.createTeam({ name: work.name, organization: this.workspaceGid });
        return { kind: 'teamLinked', groupId: work.groupId, asanaGid: team.gid };
      }
      case 'renameTeam':
        await this.asana.updateTeam(await this.teamGid(work.groupId), { name: work.name });
        return { kind: 'none' };
      case 'addUserToTeam':
        await this.asana.addUserForTeam(await this.teamGid(work.groupId), await this.userGid(work.userId));
        return { kind: 'none' };
      case 'removeUserFromTeam':
        await ignoreNotFound(this.asana.removeUserForTeam(await this.teamGid(work.groupId), work.user));
        return { kind: 'none' };
      default: {
        const never: never = work;
        throw new Error(`unknown work ${JSON.stringify(never)}`);
      }
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

  /** The team of a group, also of a deleted one whose clean-up is queued (one indexed read, no member list). */
  private async teamGid(groupId: string): Promise<string> {
    const gid = await this.store.teamGidOf(groupId);
    if (!gid) throw new WaitingForDependency(`the Asana team of group ${groupId} is not created yet`);
    return gid;
  }

  /** A team membership needs the user in the workspace first: a queued invitation must run before it. */
  private async userGid(userId: string): Promise<string> {
    if ((await this.store.oldestWorkId(`User:${userId}`)) !== undefined) {
      throw new WaitingForDependency(`user ${userId} has workspace work queued`);
    }
    const user = await this.store.getUser(userId);
    if (!user?.asanaGid) throw new WaitingForDependency(`user ${userId} is not in Asana yet`);
    return user.asanaGid;
  }
}
