import { ok, paged, requireWorkspace, where, type Route, type RouteDeps } from './route.js';
import type { TeamMembershipRecord, UserRecord } from './sim-store.js';

/**
 * getUser and getUsers (facts.md §2.3). A user may be named by gid, email or "me". GET /users lists the
 * workspace's active people sorted by gid, or with `team=` that team's members, paginated.
 */
export function userRoutes(deps: RouteDeps): Route[] {
  const { store, access, render, pages } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/users\/([^/]+)$/,
      handle: ({ params, fields }) => ok(render.user(store.getUser(params[0] ?? ''), fields, 'full')),
    },
    {
      method: 'GET',
      pattern: /^\/users$/,
      handle: ({ query, fields, page }) => {
        const workspace = query.get('workspace');
        if (workspace !== null) requireWorkspace(deps, workspace);
        const teamGid = query.get('team');
        if (teamGid !== null) {
          const team = access.getTeam(teamGid);
          const result = pages.paginate<TeamMembershipRecord>(
            page,
            (membership) => membership.user.gid,
            (after) => team.membersByUserGid.after(after),
          );
          return paged(result, (membership) => render.user(membership.user, fields, 'compact'));
        }
        const result = pages.paginate<UserRecord>(
          page,
          (user) => user.gid,
          (after) => where(store.peopleAfter(after), (user) => user.membership.active),
        );
        return paged(result, (user) => render.user(user, fields, 'compact'));
      },
    },
  ];
}
