import {
  empty,
  ok,
  paged,
  requireString,
  requireWorkspace,
  take,
  UNPAGINATED_USERS_CAP,
  where,
  type Route,
  type RouteDeps,
} from './route.js';
import { SimHttpError } from './sim-http-error.js';
import type { TeamRecord, UserRecord } from './sim-store.js';

/**
 * The workspace (an organization) and its people: getWorkspace, addUserForWorkspace,
 * removeUserForWorkspace, getUsersForWorkspace, getWorkspaceMembershipsForWorkspace, getTeamsForWorkspace
 * (facts.md §2.3).
 */
export function workspaceRoutes(deps: RouteDeps): Route[] {
  const { store, render, pages } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)$/,
      handle: ({ params, fields }) => {
        requireWorkspace(deps, params[0]);
        return ok(render.workspace(store.workspace, fields, 'full'));
      },
    },
    {
      method: 'POST',
      pattern: /^\/workspaces\/([^/]+)\/addUser$/,
      handle: ({ params, data, fields }) => {
        requireWorkspace(deps, params[0]);
        // "Returns the full user record for the invited user"; adding a member again changes nothing.
        const user = store.addToWorkspace(requireString(data, 'user'));
        return ok(render.user(user, fields, 'full'));
      },
    },
    {
      method: 'POST',
      pattern: /^\/workspaces\/([^/]+)\/removeUser$/,
      handle: ({ params, data }) => {
        requireWorkspace(deps, params[0]);
        const ref = requireString(data, 'user');
        const user = store.findUser(ref);
        // An unknown gid is unknown; an unknown email or a removed person is merely not a member.
        if (user === undefined && !ref.includes('@')) throw SimHttpError.notRecognized('user', ref);
        const removed = user !== undefined && store.removeFromWorkspace(user);
        if (!removed && deps.removeNonMember === 'error') {
          throw SimHttpError.invalid('user', 'The user is not a member of the workspace');
        }
        return empty();
      },
    },
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/users$/,
      handle: ({ params, fields }) => {
        requireWorkspace(deps, params[0]);
        const members = where(store.peopleByNameOrder(), (user) => user.membership.active);
        const data = take(members, UNPAGINATED_USERS_CAP).map((user) => render.user(user, fields, 'compact'));
        return ok(data);
      },
    },
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/workspace_memberships$/,
      handle: ({ params, query, fields, page }) => {
        requireWorkspace(deps, params[0]);
        const ref = query.get('user');
        const only = ref === null ? undefined : store.getUser(ref);
        // A membership's gid follows its user's, so user-gid order is membership order. Removed people keep
        // their membership with is_active false, which is how a client sees the removal.
        const result = pages.paginate<UserRecord>(
          page,
          (user) => user.gid,
          (after) => where(only === undefined ? store.peopleAfter(after) : [only], (user) => after === undefined || user.gid > after),
        );
        return paged(result, (user) => render.workspaceMembership(user, fields, 'compact'));
      },
    },
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/teams$/,
      handle: ({ params, fields, page }) => {
        requireWorkspace(deps, params[0]);
        const result = pages.paginate<TeamRecord>(page, (team) => team.gid, (after) => store.teamsAfter(after));
        return paged(result, (team) => render.team(team, fields, 'compact'));
      },
    },
  ];
}
