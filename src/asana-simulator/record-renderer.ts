import type { OptFields } from './opt-fields.js';
import type { TeamMembershipRecord, TeamRecord, UserRecord, WorkspaceRecord } from './sim-store.js';
import type { TaskRecord } from './sim-tasks.js';

/**
 * Turns store records into Asana's JSON shapes (facts.md §2.2): compact records by default, full records
 * where Asana answers with one (single-object reads and writes), a user's `base` record (UserBaseResponse) where
 * Asana documents that; `opt_fields` adds fields to the compact record. `gid` and `resource_type` are always present.
 */
type Getters<T> = Record<string, (item: T, inside: OptFields | undefined) => unknown>;
type Json = Record<string, unknown>;

interface Shape<T> {
  type: string;
  gid: (item: T) => string;
  compact: readonly string[];
  full: readonly string[];
  /** Between compact and full, where Asana has such a shape (UserBaseResponse); else full. */
  base?: readonly string[];
  getters: Getters<T>;
}

export type Detail = 'compact' | 'base' | 'full';

function render<T>(shape: Shape<T>, item: T, fields: OptFields | undefined, detail: Detail): Json {
  const wide = detail === 'base' ? (shape.base ?? shape.full) : shape.full;
  const names = new Set(fields === undefined && detail !== 'compact' ? wide : shape.compact);
  for (const name of fields?.names() ?? []) names.add(name);
  const out: Json = { gid: shape.gid(item), resource_type: shape.type };
  for (const name of names) {
    const get = shape.getters[name];
    // Unknown names are ignored rather than refused: the simulator covers a subset of Asana's fields.
    if (get !== undefined) out[name] = get(item, fields?.inside(name));
  }
  return out;
}

export class RecordRenderer {
  private readonly workspaceShape: Shape<WorkspaceRecord>;
  private readonly userShape: Shape<UserRecord>;
  private readonly teamShape: Shape<TeamRecord>;
  private readonly teamMembershipShape: Shape<TeamMembershipRecord>;
  private readonly workspaceMembershipShape: Shape<UserRecord>;
  private readonly taskShape: Shape<TaskRecord>;

  constructor(workspace: WorkspaceRecord, origin: string) {
    const compactWorkspace = (inside: OptFields | undefined): Json => this.workspace(workspace, inside, 'compact');
    this.workspaceShape = {
      type: 'workspace',
      gid: (item) => item.gid,
      compact: ['name'],
      full: ['name', 'email_domains', 'is_organization'],
      getters: {
        name: (item) => item.name,
        email_domains: (item) => [...item.emailDomains],
        is_organization: () => true,
      },
    };
    this.userShape = {
      type: 'user',
      gid: (user) => user.gid,
      compact: ['name'],
      full: ['name', 'email', 'photo', 'workspaces'],
      base: ['name', 'email', 'photo'],
      getters: {
        name: (user) => user.name,
        email: (user) => user.email,
        photo: () => null,
        workspaces: (user, inside) => (user.membership.active ? [compactWorkspace(inside)] : []),
      },
    };
    this.teamShape = {
      type: 'team',
      gid: (team) => team.gid,
      compact: ['name'],
      full: ['name', 'description', 'html_description', 'organization', 'permalink_url', 'visibility'],
      getters: {
        name: (team) => team.name,
        description: (team) => team.description,
        html_description: (team) => `<body>${escapeHtml(team.description)}</body>`,
        organization: (_team, inside) => compactWorkspace(inside),
        permalink_url: (team) => `${origin}/0/team/${team.gid}`,
        visibility: (team) => team.visibility,
      },
    };
    const teamMembershipFields = ['user', 'team', 'is_guest', 'is_limited_access', 'is_admin'];
    this.teamMembershipShape = {
      type: 'team_membership',
      gid: (membership) => membership.gid,
      // Asana's TeamMembershipCompact and TeamMembershipResponse are the same shape.
      compact: teamMembershipFields,
      full: teamMembershipFields,
      getters: {
        user: (membership, inside) => this.user(membership.user, inside, 'compact'),
        team: (membership, inside) => this.team(membership.team, inside, 'compact'),
        is_guest: (membership) => membership.user.membership.guest,
        is_limited_access: () => false,
        is_admin: () => false,
      },
    };
    this.workspaceMembershipShape = {
      type: 'workspace_membership',
      gid: (user) => user.membership.gid,
      compact: ['user', 'workspace'],
      full: ['user', 'workspace', 'is_active', 'is_admin', 'is_guest', 'is_view_only', 'created_at'],
      getters: {
        user: (user, inside) => this.user(user, inside, 'compact'),
        workspace: (_user, inside) => compactWorkspace(inside),
        is_active: (user) => user.membership.active,
        is_admin: (user) => user.membership.admin,
        is_guest: (user) => user.membership.guest,
        is_view_only: () => false,
        created_at: (user) => user.membership.createdAt,
      },
    };
    this.taskShape = {
      type: 'task',
      gid: (task) => task.gid,
      compact: ['name'],
      full: ['name', 'assignee', 'completed', 'completed_at', 'modified_at', 'workspace'],
      getters: {
        name: (task) => task.name,
        assignee: (task, inside) => (task.assignee ? this.user(task.assignee, inside, 'compact') : null),
        completed: (task) => task.completed,
        completed_at: (task) => task.completedAt,
        modified_at: (task) => task.modifiedAt,
        workspace: (_task, inside) => compactWorkspace(inside),
      },
    };
  }

  task(task: TaskRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.taskShape, task, fields, detail);
  }

  workspace(workspace: WorkspaceRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.workspaceShape, workspace, fields, detail);
  }

  user(user: UserRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.userShape, user, fields, detail);
  }

  team(team: TeamRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.teamShape, team, fields, detail);
  }

  teamMembership(membership: TeamMembershipRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.teamMembershipShape, membership, fields, detail);
  }

  /** A user's membership of the workspace. */
  workspaceMembership(user: UserRecord, fields: OptFields | undefined, detail: Detail): Json {
    return render(this.workspaceMembershipShape, user, fields, detail);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
