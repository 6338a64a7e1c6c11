/**
 * The public contract of the Asana simulator: its start options and the handle a test or the sandbox holds.
 * Shapes on the wire follow Asana's REST API (shared/reference/asana/facts.md §2); these types are the
 * simulator's own inspection and control surface, not Asana's.
 */
export interface SimulatorOptions {
  host?: string;
  port?: number;
  token?: string;
  workspaceGid?: string;
  workspaceName?: string;
  emailDomains?: string[];
  rateLimitPerMinute?: number;
  /** The rolling window of rateLimitPerMinute; tests shrink it to keep the suite fast. */
  rateWindowMs?: number;
  maxConcurrentReads?: number;
  maxConcurrentWrites?: number;
  /**
   * Whose token it is (facts.md §5). 'pat' (the default): an admin's personal access token, as customers without
   * Enterprise run the bridge; the owner is a listed member and admin, joins the teams it creates, cannot be
   * removed, changes a team's members only as a member of that team (it may add itself to a public team), and does
   * not see secret teams it is not in. 'serviceAccount': an Enterprise service account, not listed among people,
   * that sees and changes every team.
   */
  tokenMode?: 'serviceAccount' | 'pat';
  /** The token owner's name and email; default "Simulator Admin" admin@<first domain> ('pat'). */
  tokenOwner?: { name: string; email: string };
  /** Asana's cost limit on GETs (undocumented figure): objects answered per rolling window before 429s. */
  costLimitPerMinute?: number;
  /** How long a pagination offset stays valid; an older one is a 400, as Asana's expire (facts.md §2.5). */
  offsetTtlMs?: number;
  /** Asana leaves removeUser of a non-member undocumented: answer 200 {data:{}} ('ok') or 400 ('error'). */
  removeNonMember?: 'ok' | 'error';
  /** N → active members user1@<first domain> … userN@<first domain>; or an explicit list. */
  seedUsers?: number | Array<{ name: string; email: string }>;
  faults?: FaultOptions;
  /** Seed of the PRNG behind errorRate, so a run with the same requests fails the same way. */
  seed?: number;
}

export interface FailNext {
  count: number;
  status: number;
  retryAfterSeconds?: number;
}

export interface FaultOptions {
  /** 0..1: the share of API requests answered 500 or 503. */
  errorRate?: number;
  /** Delay before answering each API request (the request holds its concurrency slot meanwhile). */
  latencyMs?: number;
  failNext?: FailNext;
  /** The next N API requests have their socket destroyed without an answer. */
  dropNext?: number;
}

export interface LoggedRequest {
  method: string;
  /** The URL path without its query, e.g. '/api/1.0/users/me'. */
  path: string;
  query: Record<string, string>;
  /** 0 when the simulator destroyed the socket without answering (dropNext). */
  status: number;
  startedAt: number;
  endedAt: number;
}

export interface SimUser {
  gid: string;
  name: string;
  email: string;
  /** An active (or invited) member of the workspace, per workspace_membership.is_active. */
  active: boolean;
  guest: boolean;
}

export interface SimTeam {
  gid: string;
  name: string;
  description: string;
  visibility: string;
  /** Sorted by gid. */
  memberGids: string[];
}

/** A task as the simulator's control surface shows it. */
export interface SimTask {
  gid: string;
  name: string;
  /** The assignee's gid, or null. */
  assignee: string | null;
  completed: boolean;
}

/** Tasks seeded as if made in Asana: `count` tasks (default 1) for an assignee named by gid or email (or none). */
export interface TaskSeedInput {
  assignee: string | null;
  count?: number;
  completed?: boolean;
  /** Names are `<name> 1`, `<name> 2`…; default "Task". */
  name?: string;
}

export interface AsanaSimulator {
  /** The Asana base URL, e.g. 'http://127.0.0.1:41234/api/1.0'. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly workspaceGid: string;
  /** The gid of the token's owner ("me"): the service account, or the admin whose PAT it is. */
  readonly tokenOwnerGid: string;
  /** Replaces the current faults. */
  setFaults(faults: FaultOptions): void;
  clearFaults(): void;
  requests(): readonly LoggedRequest[];
  clearRequests(): void;
  users(): SimUser[];
  teams(): SimTeam[];
  /** Direct seeding, as if someone added the person by hand in Asana: an active member. */
  addUser(user: { name: string; email: string }): SimUser;
  /**
   * Direct seeding, as if another person created the team in Asana's app: its members are exactly `memberGids`
   * (the token's owner only if listed). Visibility defaults to `public`.
   */
  addTeam(team: { name: string; visibility?: 'secret' | 'request_to_join' | 'public'; memberGids?: string[] }): SimTeam;
  /** As if someone deleted the team in Asana's app. */
  deleteTeam(gid: string): void;
  /** As if another admin changed whether the token's owner administers the workspace. */
  setTokenOwnerAdmin(admin: boolean): void;
  /** As if the person changed their email in their Asana profile (no REST call does this). */
  changeEmail(gid: string, email: string): SimUser;
  /** Seeds tasks in the workspace (also `POST /_simulator/tasks` with a TaskSeedInput). */
  addTasks(seed: TaskSeedInput): SimTask[];
  /** Every task, in gid order (also `GET /_simulator/tasks`). */
  tasks(): SimTask[];
  close(): Promise<void>;
}
