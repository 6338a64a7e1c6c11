import { Pool } from 'undici';
import type { AsanaCallObserver } from './call-observer.js';
import { callWithRetry, type AsanaLogger } from './call-with-retry.js';
import type { RequestBudget } from './rate-limiter.js';
import type { Repeatability } from './retry-policy.js';
import { sendRequest, type AsanaEnvelope, type AsanaRequest } from './send-request.js';
import type {
  AsanaApi,
  AsanaTask,
  AsanaTeam,
  AsanaTeamMembership,
  AsanaUser,
  AsanaWorkspaceMembership,
  NextPage,
  Page,
  PageOptions,
} from './types.js';

export interface AsanaClientOptions {
  /** e.g. https://app.asana.com/api/1.0, from config only. */
  baseUrl: string;
  /** Sent as the bearer token; never logged, never in an error message. */
  token: string;
  /** One per token, shared by every client that uses that token: Asana's limits are per token. */
  limiter: RequestBudget;
  /** Time for one whole exchange (connect, headers, body); default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Longest response body read; default 8 MiB. Asana's largest answers here are unpaginated user lists of at most
   * 2,000 compact records (a few hundred KB); a longer body is not Asana's and is not held in memory.
   */
  maxResponseBytes?: number;
  /**
   * How long a write that got no answer may still be carried out by Asana: its retry waits this long (see
   * send-request.ts); default the request timeout.
   */
  landingWindowMs?: number;
  /** Total time spent retrying one call; default 20 s. */
  retryBudgetMs?: number;
  logger?: AsanaLogger;
  /** Told of every HTTP exchange (metrics, audit log). */
  observer?: AsanaCallObserver;
  /** Jitter source, for tests. */
  random?: () => number;
}

/** The Asana REST API subset the bridge uses, plus closing its connections. */
export interface AsanaClient extends AsanaApi {
  close(): Promise<void>;
}

type FieldOptions = { opt_fields?: readonly string[] } | undefined;

export function createAsanaClient(options: AsanaClientOptions): AsanaClient {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  // One keep-alive pool per origin; the limiter, not the pool, bounds how many requests are in flight.
  const pool = new Pool(base.origin, { connect: { timeout: timeoutMs } });
  const sendContext = {
    dispatcher: pool,
    basePath: base.pathname.replace(/\/+$/, ''),
    token: options.token,
    timeoutMs,
    landingWindowMs: options.landingWindowMs ?? timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
  };
  const retryContext = {
    send: (request: AsanaRequest) => sendRequest(sendContext, request),
    limiter: options.limiter,
    retryBudgetMs: options.retryBudgetMs ?? 20_000,
    random: options.random ?? Math.random,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };

  const call = (operation: string, request: AsanaRequest, repeatability: Repeatability = 'always') =>
    callWithRetry(retryContext, { operation, request, repeatability });
  const one = async <T>(operation: string, request: AsanaRequest, repeatability?: Repeatability): Promise<T> =>
    (await call(operation, request, repeatability)).data as T;
  const page = async <T>(operation: string, request: AsanaRequest): Promise<Page<T>> =>
    toPage<T>(await call(operation, request));
  const none = async (operation: string, request: AsanaRequest): Promise<void> => {
    await call(operation, request);
  };

  // Every operation is repeatable ('always') except createTeam: GETs only read, and Asana's addUser, removeUser
  // and PUT /teams leave the same state however often they are applied.
  return {
    getUser: (user, opts) =>
      one<AsanaUser>('getUser', { method: 'GET', path: `/users/${seg(user)}`, query: fields(opts) }),
    getUsers: (opts) =>
      page<AsanaUser>('getUsers', {
        method: 'GET',
        path: '/users',
        query: { workspace: opts.workspace, team: opts.team, ...paging(opts) },
      }),
    addUserForWorkspace: (workspace, user, opts) =>
      one<AsanaUser>('addUserForWorkspace', {
        method: 'POST',
        path: `/workspaces/${seg(workspace)}/addUser`,
        query: fields(opts),
        data: { user },
      }),
    removeUserForWorkspace: (workspace, user) =>
      none('removeUserForWorkspace', {
        method: 'POST',
        path: `/workspaces/${seg(workspace)}/removeUser`,
        data: { user },
      }),
    // Asana allows two teams with one name, so a repeated POST /teams may create a duplicate.
    createTeam: (team, opts) =>
      one<AsanaTeam>('createTeam', { method: 'POST', path: '/teams', query: fields(opts), data: team }, 'if-not-sent'),
    updateTeam: (team, changes, opts) =>
      one<AsanaTeam>('updateTeam', { method: 'PUT', path: `/teams/${seg(team)}`, query: fields(opts), data: changes }),
    getTeam: (team, opts) =>
      one<AsanaTeam>('getTeam', { method: 'GET', path: `/teams/${seg(team)}`, query: fields(opts) }),
    getTeamsForWorkspace: (workspace, opts) =>
      page<AsanaTeam>('getTeamsForWorkspace', {
        method: 'GET',
        path: `/workspaces/${seg(workspace)}/teams`,
        query: paging(opts),
      }),
    addUserForTeam: (team, user) =>
      one<AsanaTeamMembership>('addUserForTeam', {
        method: 'POST',
        path: `/teams/${seg(team)}/addUser`,
        data: { user },
      }),
    removeUserForTeam: (team, user) =>
      none('removeUserForTeam', { method: 'POST', path: `/teams/${seg(team)}/removeUser`, data: { user } }),
    getTeamMembershipsForTeam: (team, opts) =>
      page<AsanaTeamMembership>('getTeamMembershipsForTeam', {
        method: 'GET',
        path: `/teams/${seg(team)}/team_memberships`,
        query: paging(opts),
      }),
    getWorkspaceMembershipsForWorkspace: (workspace, opts) =>
      page<AsanaWorkspaceMembership>('getWorkspaceMembershipsForWorkspace', {
        method: 'GET',
        path: `/workspaces/${seg(workspace)}/workspace_memberships`,
        query: { user: opts?.user, ...paging(opts) },
      }),
    getWorkspaceMembershipsForUser: (user, opts) =>
      page<AsanaWorkspaceMembership>('getWorkspaceMembershipsForUser', {
        method: 'GET',
        path: `/users/${seg(user)}/workspace_memberships`,
        query: paging(opts),
      }),
    getTasks: (query) =>
      page<AsanaTask>('getTasks', {
        method: 'GET',
        path: '/tasks',
        query: { assignee: query.assignee, workspace: query.workspace, completed_since: query.completed_since, ...paging(query) },
      }),
    getTask: (task, opts) => one<AsanaTask>('getTask', { method: 'GET', path: `/tasks/${seg(task)}`, query: fields(opts) }),
    // PUT with the same assignee leaves the same state however often it is applied.
    updateTask: (task, changes) =>
      one<AsanaTask>('updateTask', { method: 'PUT', path: `/tasks/${seg(task)}`, data: changes }),
    typeaheadForWorkspace: (workspace, opts) =>
      one<AsanaTeam[]>('typeaheadForWorkspace', {
        method: 'GET',
        path: `/workspaces/${seg(workspace)}/typeahead`,
        query: { resource_type: opts.resource_type, query: opts.query, count: opts.count, opt_fields: opts.opt_fields },
      }),
    close: () => pool.close(),
  };
}

/** A path segment: a user may be an email, which must not be read as more path. */
function seg(id: string): string {
  return encodeURIComponent(id);
}

function fields(options: FieldOptions): AsanaRequest['query'] {
  return { opt_fields: options?.opt_fields };
}

function paging(options: PageOptions | undefined): AsanaRequest['query'] {
  return { limit: options?.limit, offset: options?.offset, opt_fields: options?.opt_fields };
}

/** `next_page` is only present when `limit` was given; without it there is no next page to follow. */
function toPage<T>(envelope: AsanaEnvelope): Page<T> {
  return { data: envelope.data as T[], next_page: (envelope.next_page ?? null) as NextPage | null };
}
