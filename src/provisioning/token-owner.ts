import type { AsanaApi } from '../asana/types.js';

/** Who the bridge's Asana token belongs to. */
export interface OwnerIdentity {
  readonly gid: string;
  /** The address Asana holds for them (compared, never logged). */
  readonly email: string | null;
}

/** The owner as Asana's workspace membership describes them (facts.md §5, "Who is a member"). */
export interface OwnerStanding extends OwnerIdentity {
  /** An active member of the configured workspace. */
  readonly member: boolean;
  readonly admin: boolean;
}

type OwnerApi = Pick<AsanaApi, 'getUser' | 'getWorkspaceMembershipsForUser'>;

/**
 * The token's owner (issue 10). Customers without Enterprise run the bridge on an admin's personal access token:
 * that admin is an ordinary member whom Asana lists, makes a member of every team the token creates, and whom the
 * bridge must never remove (it would revoke its own access). Learned at start by the readiness check
 * (`GET /users/me`, then the owner's workspace membership for `is_admin`), and asked for lazily by the work that
 * needs it when Asana did not answer then.
 */
export class TokenOwner {
  private known: OwnerStanding | undefined;

  constructor(
    private readonly asana: OwnerApi,
    private readonly workspaceGid: string,
  ) {}

  /** The last standing learned, if any. */
  get current(): OwnerStanding | undefined {
    return this.known;
  }

  /** Who the token is: learned once, then kept (a token does not change owner). */
  async identity(): Promise<OwnerIdentity> {
    return this.known ?? this.refresh();
  }

  /** Asks Asana now: who the owner is and whether they administer the workspace. Two GETs. */
  async refresh(): Promise<OwnerStanding> {
    const me = await this.asana.getUser('me', { opt_fields: ['email'] });
    const mine = await this.asana.getWorkspaceMembershipsForUser('me', {
      limit: 100,
      opt_fields: ['workspace', 'is_active', 'is_admin'],
    });
    const membership = mine.data.find((m) => m.workspace?.gid === this.workspaceGid);
    this.known = {
      gid: me.gid,
      email: me.email ?? null,
      member: membership?.is_active === true,
      admin: membership?.is_admin === true,
    };
    return this.known;
  }

  /** Whether `ref` (a gid or an address, as Asana accepts either) names the token's owner. */
  async is(ref: string): Promise<boolean> {
    const owner = await this.identity();
    return matches(owner, ref);
  }
}

/** Whether `ref` (a gid or an address) names `owner`. */
export function matches(owner: OwnerIdentity, ref: string): boolean {
  return ref === owner.gid || (owner.email !== null && ref.toLowerCase() === owner.email.toLowerCase());
}
