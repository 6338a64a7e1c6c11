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
import type { TeamRecord } from './sim-store.js';

/**
 * The workspace (an organization) and its people: getWorkspace, addUserForWorkspace,
 * removeUserForWorkspace, getUsersForWorkspace, getTeamsForWorkspace (facts.md §2.3), and typeaheadForWorkspace
 * for teams.
 */
export function workspaceRoutes(deps: RouteDeps): Route[] {
  const { store, access, render, pages } = deps;
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
        // "Returns the full user record for the invited user": a UserBaseResponse, without `workspaces` (facts.md
        // §5). Adding a member again changes nothing.
        const user = store.addToWorkspace(requireString(data, 'user'));
        return ok(render.user(user, fields, 'base'));
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
      pattern: /^\/workspaces\/([^/]+)\/teams$/,
      handle: ({ params, fields, page }) => {
        requireWorkspace(deps, params[0]);
        // "Teams in the workspace visible to the authorized user" (SPEC getTeamsForWorkspace).
        const result = pages.paginate<TeamRecord>(
          page,
          (team) => team.gid,
          (after) => access.visible(store.teamsAfter(after)),
        );
        return paged(result, (team) => render.team(team, fields, 'compact'));
      },
    },
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/typeahead$/,
      handle: ({ params, query, fields }) => {
        requireWorkspace(deps, params[0]);
        // Of Asana's resource types, the simulator answers teams only.
        if (query.get('resource_type') !== 'team') throw SimHttpError.invalid('resource_type', 'Only team is simulated');
        const count = typeaheadCount(query.get('count'));
        const teams = matchTeams(access.visible(store.teamsAfter()), (query.get('query') ?? '').trim().toLowerCase());
        return ok(teams.slice(0, count).map((team) => render.team(team, fields, 'compact')));
      },
    },
  ];
}

/** typeaheadForWorkspace's `count`: 1..100, default 20 (Asana's API reference; results are never paged). */
function typeaheadCount(raw: string | null): number {
  if (raw === null) return 20;
  const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 1 && count <= 100)) throw SimHttpError.invalid('count', 'Value must be between 1 and 100');
  return count;
}

/**
 * Asana ranks typeahead results by an undocumented relevance. Here: a team matches when its name, or a word of it,
 * starts with the query (case-insensitively; an empty query matches all); the exact name first, then names that
 * start with the query, then the rest, each alphabetically.
 */
function matchTeams(teams: Iterable<TeamRecord>, query: string): TeamRecord[] {
  const ranked: Array<{ team: TeamRecord; rank: number; key: string }> = [];
  for (const team of teams) {
    const name = team.name.toLowerCase();
    const rank = name === query ? 0 : name.startsWith(query) ? 1 : wordStarts(name, query) ? 2 : undefined;
    if (rank !== undefined) ranked.push({ team, rank, key: `${name}\u0000${team.gid}` });
  }
  ranked.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1));
  return ranked.map(({ team }) => team);
}

function wordStarts(name: string, query: string): boolean {
  return name.split(/\s+/).some((word) => word.startsWith(query));
}
