import { SimHttpError } from './sim-http-error.js';
import { SimTasks } from './sim-tasks.js';
import { SortedIndex } from './sorted-index.js';
import type { SimTeam, SimUser } from './types.js';

/**
 * The simulated organization: one workspace (an Asana organization), its users with their workspace
 * memberships, and teams with their team memberships. Users are never deleted: removeUser deactivates the
 * workspace membership (Asana "zombifies" them, facts.md §1.6) and re-adding re-activates the same gid.
 */
export const TEAM_VISIBILITIES = ['secret', 'request_to_join', 'public'] as const;
export type TeamVisibility = (typeof TEAM_VISIBILITIES)[number];

export interface WorkspaceRecord {
  readonly gid: string;
  readonly name: string;
  readonly emailDomains: readonly string[];
}

export interface UserRecord {
  readonly gid: string;
  name: string;
  email: string;
  /** A service account: the token's owner in 'serviceAccount' mode, not listed among the workspace's people. */
  readonly serviceAccount: boolean;
  readonly membership: WorkspaceMembershipRecord;
  readonly teams: Set<TeamRecord>;
}

/** A user's membership of the one workspace; it lives on the user, so it needs no back-reference. */
export interface WorkspaceMembershipRecord {
  readonly gid: string;
  /** Asana: true for users who joined the workspace or were invited and have not accepted yet. */
  active: boolean;
  guest: boolean;
  admin: boolean;
  readonly createdAt: string;
}

export interface TeamRecord {
  readonly gid: string;
  name: string;
  description: string;
  visibility: TeamVisibility;
  readonly byUser: Map<string, TeamMembershipRecord>;
  readonly membersByUserGid: SortedIndex<TeamMembershipRecord>;
  readonly membershipsByGid: SortedIndex<TeamMembershipRecord>;
}

export interface TeamMembershipRecord {
  readonly gid: string;
  readonly user: UserRecord;
  readonly team: TeamRecord;
}

/** Who "me" is: a service account, or the admin whose personal access token the simulator was given. */
export interface TokenOwnerInput {
  name: string;
  email: string;
  serviceAccount: boolean;
}

export interface TeamInput {
  name: string;
  description?: string;
  visibility?: TeamVisibility;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const PERSON = { serviceAccount: false, admin: false };
/** Asana gids are 16-digit numeric strings; a fixed width keeps string order equal to numeric order. */
const FIRST_GID = 1_200_000_000_000_001;
/** Asana does not document the visibility of a team created without one; the simulator picks the tightest. */
const DEFAULT_VISIBILITY: TeamVisibility = 'secret';

export class SimStore {
  readonly workspace: WorkspaceRecord;
  readonly me: UserRecord;
  private nextGid = FIRST_GID;
  private readonly usersByGid = new Map<string, UserRecord>();
  private readonly usersByEmail = new Map<string, UserRecord>();
  private readonly usersByMembershipGid = new Map<string, UserRecord>();
  private readonly people = new SortedIndex<UserRecord>((user) => user.gid);
  private readonly peopleByName = new SortedIndex<UserRecord>(alphabeticalKey);
  private readonly teamsByGid = new Map<string, TeamRecord>();
  private readonly teamIndex = new SortedIndex<TeamRecord>((team) => team.gid);
  /** The workspace's tasks (gids from the same sequence as everything else). */
  readonly tasks = new SimTasks(() => this.takeGid());

  constructor(workspace: WorkspaceRecord, owner: TokenOwnerInput) {
    this.workspace = { ...workspace, emailDomains: workspace.emailDomains.map((domain) => domain.toLowerCase()) };
    // Either way the token's owner administers the workspace (removeUser needs an admin, facts.md §2.3).
    this.me = this.createUser(owner.name, owner.email, { serviceAccount: owner.serviceAccount, admin: true });
  }

  /** A user by gid, email or "me", as Asana accepts anywhere a user is named (facts.md §2.1). */
  findUser(ref: string): UserRecord | undefined {
    if (ref === 'me') return this.me;
    return ref.includes('@') ? this.usersByEmail.get(ref.toLowerCase()) : this.usersByGid.get(ref);
  }

  getUser(ref: string): UserRecord {
    const user = this.findUser(ref);
    if (user === undefined) throw SimHttpError.notRecognized('user', ref);
    return user;
  }

  /** A user by the gid of their workspace membership. */
  findByMembership(gid: string): UserRecord | undefined {
    return this.usersByMembershipGid.get(gid);
  }

  /** Everyone who ever joined, in gid order, without a service account. */
  peopleAfter(gid?: string): Iterable<UserRecord> {
    return this.people.after(gid);
  }

  /** Alphabetical by name (then gid), without a service account. */
  peopleByNameOrder(): Iterable<UserRecord> {
    return this.peopleByName.after();
  }

  /** addUser for the workspace: invites an unknown email, re-activates a removed member, else no change. */
  addToWorkspace(ref: string): UserRecord {
    const user = this.findUser(ref);
    if (user !== undefined) {
      user.membership.active = true;
      return user;
    }
    if (!EMAIL.test(ref)) throw SimHttpError.notRecognized('user', ref);
    // An invited person shows under their email until they set a name.
    return this.createUser(ref, ref, PERSON);
  }

  /** Direct seeding ("added by hand in Asana"): an active member with that name. */
  seedMember(name: string, email: string): UserRecord {
    const user = this.findUser(email);
    if (user === undefined) return this.createUser(name, email, PERSON);
    user.membership.active = true;
    if (user.name !== name && !user.serviceAccount) {
      this.peopleByName.remove(user);
      user.name = name;
      this.peopleByName.insert(user);
    }
    return user;
  }

  /**
   * The person changes their email in their Asana profile (or an admin does in Asana's admin console); Asana's
   * REST API offers no call for it (facts.md), so only the simulator's owner can do this.
   */
  changeEmail(gid: string, email: string): UserRecord {
    const user = this.getUser(gid);
    if (!EMAIL.test(email) || this.usersByEmail.has(email.toLowerCase())) throw SimHttpError.invalid('email', 'not an address, or taken');
    this.usersByEmail.delete(user.email.toLowerCase());
    user.email = email;
    this.usersByEmail.set(email.toLowerCase(), user);
    return user;
  }

  /** removeUser for the workspace: the person leaves the workspace and every team. False if not a member. */
  removeFromWorkspace(user: UserRecord): boolean {
    // Undocumented in Asana; it would revoke the token's own access (facts.md §5), so it is refused.
    if (user === this.me) throw SimHttpError.forbidden('user: The token owner cannot remove itself');
    if (!user.membership.active) return false;
    user.membership.active = false;
    for (const team of [...user.teams]) this.removeFromTeam(team, user);
    return true;
  }

  createTeam(input: TeamInput): TeamRecord {
    const team: TeamRecord = {
      gid: this.takeGid(),
      name: input.name,
      description: input.description ?? '',
      visibility: input.visibility ?? DEFAULT_VISIBILITY,
      byUser: new Map(),
      membersByUserGid: new SortedIndex((membership) => membership.user.gid),
      membershipsByGid: new SortedIndex((membership) => membership.gid),
    };
    this.teamsByGid.set(team.gid, team);
    this.teamIndex.insert(team);
    return team;
  }

  /** A team deleted in Asana's app (no REST call deletes a team): its gid then names nothing. */
  deleteTeam(gid: string): void {
    const team = this.getTeam(gid);
    for (const membership of [...team.byUser.values()]) this.removeFromTeam(team, membership.user);
    this.teamsByGid.delete(gid);
    this.teamIndex.remove(team);
  }

  getTeam(gid: string): TeamRecord {
    const team = this.teamsByGid.get(gid);
    if (team === undefined) throw SimHttpError.notRecognized('team', gid);
    return team;
  }

  teamsAfter(gid?: string): Iterable<TeamRecord> {
    return this.teamIndex.after(gid);
  }

  /** Team addUser: Asana requires the user to be in the team's organization (facts.md §2.3). */
  addToTeam(team: TeamRecord, user: UserRecord): TeamMembershipRecord {
    const existing = team.byUser.get(user.gid);
    if (existing !== undefined) return existing;
    if (!user.membership.active) {
      throw SimHttpError.forbidden("user: The user is not an active member of the team's organization");
    }
    const membership: TeamMembershipRecord = { gid: this.takeGid(), user, team };
    team.byUser.set(user.gid, membership);
    team.membersByUserGid.insert(membership);
    team.membershipsByGid.insert(membership);
    user.teams.add(team);
    return membership;
  }

  removeFromTeam(team: TeamRecord, user: UserRecord): void {
    const membership = team.byUser.get(user.gid);
    if (membership === undefined) return;
    team.byUser.delete(user.gid);
    team.membersByUserGid.remove(membership);
    team.membershipsByGid.remove(membership);
    user.teams.delete(team);
  }

  users(): SimUser[] {
    return Array.from(this.people.after(), toSimUser);
  }

  teams(): SimTeam[] {
    return Array.from(this.teamIndex.after(), toSimTeam);
  }

  private createUser(name: string, email: string, kind: { serviceAccount: boolean; admin: boolean }): UserRecord {
    const { serviceAccount, admin } = kind;
    const user: UserRecord = {
      gid: this.takeGid(),
      name,
      email,
      serviceAccount,
      membership: {
        gid: this.takeGid(),
        active: true,
        // Asana: people outside the organization's email domains join as guests (facts.md §2.4).
        guest: !this.workspace.emailDomains.includes(domainOf(email)),
        admin,
        createdAt: new Date().toISOString(),
      },
      teams: new Set(),
    };
    this.usersByGid.set(user.gid, user);
    this.usersByEmail.set(email.toLowerCase(), user);
    this.usersByMembershipGid.set(user.membership.gid, user);
    if (!serviceAccount) {
      this.people.insert(user);
      this.peopleByName.insert(user);
    }
    return user;
  }

  private takeGid(): string {
    let gid = String(this.nextGid++);
    if (gid === this.workspace.gid) gid = String(this.nextGid++);
    return gid;
  }
}

export function toSimTeam(team: TeamRecord): SimTeam {
  return {
    gid: team.gid,
    name: team.name,
    description: team.description,
    visibility: team.visibility,
    memberGids: Array.from(team.membersByUserGid.after(), (membership) => membership.user.gid),
  };
}

export function toSimUser(user: UserRecord): SimUser {
  return { gid: user.gid, name: user.name, email: user.email, active: user.membership.active, guest: user.membership.guest };
}

/** Asana's "sorted alphabetically": by name, case-insensitively; the gid breaks ties. */
export function alphabeticalKey(user: UserRecord): string {
  return `${user.name.toLowerCase()}\u0000${user.gid}`;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
