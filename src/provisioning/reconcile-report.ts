/** What a reconciliation pass finds and reports (src/provisioning/reconciler.ts runs it). */

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

/** What a pass did not compare, and why (issue 10): it goes on past each. */
export type Skipped =
  /** Asana would not list the workspace's memberships to the end: no user is linked, none reported missing. */
  | { readonly kind: 'workspaceMembers'; readonly reason: string }
  /** The team is gone (404) or no longer accessible to the token (403), or Asana would not list its members. */
  | { readonly kind: 'team'; readonly groupId: string; readonly asanaGid: string; readonly reason: string }
  /**
   * The user is the token's owner, whom the bridge never removes (their removal would lock it out): the IdP's
   * intent stays recorded, never drift.
   */
  | { readonly kind: 'tokenOwner'; readonly userId: string; readonly userName: string; readonly reason: string };

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
  /**
   * Work queued to restore the IdP's intent (0 when only reporting); the running bridge carries it out. Work
   * decided on a user or group that an IdP write changed during the pass is not queued: that write's own work
   * stands (see RestoreWork).
   */
  readonly queued: number;
  readonly asanaCalls: number;
  readonly skipped: readonly Skipped[];
}
