import { where } from './route.js';
import { SimHttpError } from './sim-http-error.js';
import type { SimStore, TeamRecord, UserRecord } from './sim-store.js';

export type TokenMode = 'serviceAccount' | 'pat';

/**
 * What the token's owner may see and change among teams (facts.md §5). A service account sees every team and
 * changes any team's members. An admin's personal access token acts as that person: a secret team they are not in
 * is not there for them (lists, lookups, gids), only a team's members change its membership (SPEC addUserForTeam,
 * removeUserForTeam), an admin may still add itself to a public team, and Asana makes them a member of every team
 * they create (SPEC createTeam).
 */
export class TokenAccess {
  constructor(
    readonly mode: TokenMode,
    private readonly store: SimStore,
  ) {}

  canSee(team: TeamRecord): boolean {
    return this.mode === 'serviceAccount' || team.visibility !== 'secret' || team.byUser.has(this.store.me.gid);
  }

  /** A team as the token sees it: an invisible secret team is as unknown as a gid that names nothing. */
  getTeam(gid: string): TeamRecord {
    const team = this.store.getTeam(gid);
    if (!this.canSee(team)) throw SimHttpError.notRecognized('team', gid);
    return team;
  }

  visible(teams: Iterable<TeamRecord>): Iterable<TeamRecord> {
    return this.mode === 'serviceAccount' ? teams : where(teams, (team) => this.canSee(team));
  }

  /** Team addUser / removeUser by this token; throws Asana's 403 where the owner may not make the change. */
  checkMembershipChange(team: TeamRecord, user: UserRecord, change: 'add' | 'remove'): void {
    if (this.mode === 'serviceAccount') return;
    const me = this.store.me;
    if (team.byUser.has(me.gid)) return;
    if (change === 'add' && user === me && team.visibility === 'public') return;
    throw SimHttpError.forbidden('team: Only members of this team can change its members');
  }

  teamCreated(team: TeamRecord): void {
    if (this.mode === 'pat') this.store.addToTeam(team, this.store.me);
  }
}
