import {
  empty,
  ok,
  optionalString,
  paged,
  requireString,
  requireWorkspace,
  take,
  UNPAGINATED_USERS_CAP,
  type Reply,
  type Route,
  type RouteDeps,
} from './route.js';
import { SimHttpError } from './sim-http-error.js';
import { alphabeticalKey, TEAM_VISIBILITIES, type TeamMembershipRecord, type TeamVisibility } from './sim-store.js';

/**
 * Teams and their members: createTeam, getTeam, updateTeam, addUserForTeam, removeUserForTeam,
 * getUsersForTeam, getTeamMembershipsForTeam (facts.md §2.3). Asana has no deleteTeam, so DELETE /teams/{t}
 * falls through to "No matching route" like any unknown route. Team names are not unique in Asana.
 */
export function teamRoutes(deps: RouteDeps): Route[] {
  const { store, access, render, pages } = deps;
  return [
    {
      method: 'POST',
      pattern: /^\/teams$/,
      handle: ({ data, fields }): Reply => {
        const name = requireString(data, 'name');
        requireWorkspace(deps, requireString(data, 'organization'), 'organization');
        const description = optionalString(data, 'description');
        const visibility = optionalVisibility(data);
        const team = store.createTeam({
          name,
          ...(description !== undefined && { description }),
          ...(visibility !== undefined && { visibility }),
        });
        access.teamCreated(team);
        // Asana answers a creation with 201 and the new object's URL in Location (facts.md §2.6).
        return {
          status: 201,
          body: { data: render.team(team, fields, 'full') },
          headers: { location: `${deps.baseUrl}/teams/${team.gid}` },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/teams\/([^/]+)$/,
      handle: ({ params, fields }) => ok(render.team(access.getTeam(params[0] ?? ''), fields, 'full')),
    },
    {
      method: 'PUT',
      pattern: /^\/teams\/([^/]+)$/,
      handle: ({ params, data, fields }) => {
        const team = access.getTeam(params[0] ?? '');
        // TeamRequest.organization "cannot be changed once set".
        const organization = optionalString(data, 'organization');
        if (organization !== undefined && organization !== store.workspace.gid) {
          throw SimHttpError.invalid('organization', 'Cannot be changed');
        }
        const name = optionalString(data, 'name');
        if (name === '') throw SimHttpError.missingInput('name');
        const description = optionalString(data, 'description');
        const visibility = optionalVisibility(data);
        if (name !== undefined) team.name = name;
        if (description !== undefined) team.description = description;
        if (visibility !== undefined) team.visibility = visibility;
        return ok(render.team(team, fields, 'full'));
      },
    },
    {
      method: 'POST',
      pattern: /^\/teams\/([^/]+)\/addUser$/,
      handle: ({ params, data, fields }) => {
        const team = access.getTeam(params[0] ?? '');
        const user = store.getUser(requireString(data, 'user'));
        access.checkMembershipChange(team, user, 'add');
        return ok(render.teamMembership(store.addToTeam(team, user), fields, 'full'));
      },
    },
    {
      method: 'POST',
      pattern: /^\/teams\/([^/]+)\/removeUser$/,
      handle: ({ params, data }) => {
        const team = access.getTeam(params[0] ?? '');
        const user = store.getUser(requireString(data, 'user'));
        access.checkMembershipChange(team, user, 'remove');
        store.removeFromTeam(team, user);
        return empty();
      },
    },
    {
      method: 'GET',
      pattern: /^\/teams\/([^/]+)\/users$/,
      handle: ({ params, fields }) => {
        const team = access.getTeam(params[0] ?? '');
        // Alphabetical like getUsersForWorkspace; sorting copies this team's members, not the whole org.
        const members = Array.from(team.byUser.values(), (membership) => membership.user);
        members.sort((a, b) => (alphabeticalKey(a) < alphabeticalKey(b) ? -1 : 1));
        return ok(take(members, UNPAGINATED_USERS_CAP).map((user) => render.user(user, fields, 'compact')));
      },
    },
    {
      method: 'GET',
      pattern: /^\/teams\/([^/]+)\/team_memberships$/,
      handle: ({ params, fields, page }) => {
        const team = access.getTeam(params[0] ?? '');
        const result = pages.paginate<TeamMembershipRecord>(
          page,
          (membership) => membership.gid,
          (after) => team.membershipsByGid.after(after),
        );
        return paged(result, (membership) => render.teamMembership(membership, fields, 'compact'));
      },
    },
  ];
}

function optionalVisibility(data: Record<string, unknown>): TeamVisibility | undefined {
  const value = optionalString(data, 'visibility');
  if (value === undefined) return undefined;
  const visibility = TEAM_VISIBILITIES.find((known) => known === value);
  if (visibility === undefined) throw SimHttpError.invalid('visibility', `Not a valid value: ${value}`);
  return visibility;
}
