/**
 * Asana REST shapes used by the bridge (see ../shared/reference/asana/asana-openapi-subset.yaml).
 * Records are compact unless opt_fields asks for more, so optional fields are optional here too.
 */
export interface AsanaUser {
  gid: string;
  resource_type?: 'user';
  name?: string;
  email?: string;
  photo?: Record<string, string> | null;
  workspaces?: AsanaWorkspaceCompact[];
}

export interface AsanaWorkspaceCompact {
  gid: string;
  resource_type?: 'workspace';
  name?: string;
}

export interface AsanaTeam {
  gid: string;
  resource_type?: 'team';
  name?: string;
  description?: string;
  organization?: AsanaWorkspaceCompact;
  visibility?: 'secret' | 'request_to_join' | 'public';
  permalink_url?: string;
}

export interface AsanaTeamMembership {
  gid: string;
  resource_type?: 'team_membership';
  user?: AsanaUser;
  team?: AsanaTeam;
  is_guest?: boolean;
  is_limited_access?: boolean;
  is_admin?: boolean;
}

export interface AsanaWorkspaceMembership {
  gid: string;
  resource_type?: 'workspace_membership';
  user?: AsanaUser;
  workspace?: AsanaWorkspaceCompact;
  is_active?: boolean;
  is_admin?: boolean;
  is_guest?: boolean;
}

export interface AsanaTask {
  gid: string;
  resource_type?: 'task';
  name?: string;
  assignee?: AsanaUser | null;
  completed?: boolean;
}

/** getTasks by assignee: Asana wants `assignee` together with `workspace`; `completed_since: 'now'` = open tasks. */
export interface TaskQuery extends PageOptions {
  assignee: string;
  workspace: string;
  completed_since?: string;
}

export interface NextPage {
  offset: string;
  path: string;
  uri: string;
}

export interface Page<T> {
  data: T[];
  next_page: NextPage | null;
}

export interface PageOptions {
  limit?: number;
  offset?: string;
  opt_fields?: readonly string[];
}

/** typeaheadForWorkspace: the bridge looks up teams only. Asana answers at most `count` (1..100, default 20). */
export interface TypeaheadOptions {
  resource_type: 'team';
  query: string;
  count?: number;
  opt_fields?: readonly string[];
}

export interface TeamRequest {
  name?: string;
  description?: string;
  organization?: string;
  visibility?: 'secret' | 'request_to_join' | 'public';
}

/**
 * The narrow interface provisioning depends on (architecture rule 3). Method names are Asana's operationIds.
 * A `user` argument may be a gid, an email or "me", as Asana accepts: `getUser('me')` is the token's owner.
 * Every method rejects with AsanaError on failure.
 */
export interface AsanaApi {
  getUser(user: string, options?: { opt_fields?: readonly string[] }): Promise<AsanaUser>;
  getUsers(options: PageOptions & { workspace: string; team?: string }): Promise<Page<AsanaUser>>;
  addUserForWorkspace(workspace: string, user: string, options?: { opt_fields?: readonly string[] }): Promise<AsanaUser>;
  removeUserForWorkspace(workspace: string, user: string): Promise<void>;
  createTeam(team: TeamRequest, options?: { opt_fields?: readonly string[] }): Promise<AsanaTeam>;
  updateTeam(team: string, changes: TeamRequest, options?: { opt_fields?: readonly string[] }): Promise<AsanaTeam>;
  getTeam(team: string, options?: { opt_fields?: readonly string[] }): Promise<AsanaTeam>;
  getTeamsForWorkspace(workspace: string, options?: PageOptions): Promise<Page<AsanaTeam>>;
  addUserForTeam(team: string, user: string): Promise<AsanaTeamMembership>;
  removeUserForTeam(team: string, user: string): Promise<void>;
  getTeamMembershipsForTeam(team: string, options?: PageOptions): Promise<Page<AsanaTeamMembership>>;
  getWorkspaceMembershipsForWorkspace(
    workspace: string,
    options?: PageOptions & { user?: string },
  ): Promise<Page<AsanaWorkspaceMembership>>;
  getWorkspaceMembershipsForUser(user: string, options?: PageOptions): Promise<Page<AsanaWorkspaceMembership>>;
  getTasks(query: TaskQuery): Promise<Page<AsanaTask>>;
  getTask(task: string, options?: { opt_fields?: readonly string[] }): Promise<AsanaTask>;
  /** `assignee` a gid or email (the person must be a member of the workspace), or null. */
  updateTask(task: string, changes: { assignee?: string | null }): Promise<AsanaTask>;
  /** Unpaginated, ranked by Asana's relevance; teams the token cannot see are not among them. */
  typeaheadForWorkspace(workspace: string, options: TypeaheadOptions): Promise<AsanaTeam[]>;
}
