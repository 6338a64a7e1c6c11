import { ok, paged, requireWorkspace, where, type Reply, type Route, type RouteContext, type RouteDeps } from './route.js';
import { SimHttpError } from './sim-http-error.js';
import type { UserRecord } from './sim-store.js';

/**
 * Workspace memberships, the list that says who is a member (facts.md §5): getWorkspaceMembershipsForWorkspace
 * (optionally `user=`), getWorkspaceMembershipsForUser and getWorkspaceMembership. Compact records are `user` and
 * `workspace`; `opt_fields` adds `is_active`, `is_guest`, `is_admin`, `user.email`. A membership's gid follows its
 * user's, so user-gid order is membership order. Removed people keep their membership with is_active false, which is
 * how a client sees the removal.
 */
export function workspaceMembershipRoutes(deps: RouteDeps): Route[] {
  const { store, render, pages } = deps;
  /** One page of the memberships of `members(after)`, the people after a user gid. */
  const list = (context: RouteContext, members: (after?: string) => Iterable<UserRecord>): Reply =>
    paged(
      pages.paginate<UserRecord>(context.page, (user) => user.gid, members),
      (user) => render.workspaceMembership(user, context.fields, 'compact'),
    );
  return [
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/workspace_memberships$/,
      handle: (context) => {
        requireWorkspace(deps, context.params[0]);
        const ref = context.query.get('user');
        if (ref === null) return list(context, (after) => store.peopleAfter(after));
        return list(context, onlyAfter(store.getUser(ref)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/users\/([^/]+)\/workspace_memberships$/,
      handle: (context) => list(context, onlyAfter(store.getUser(context.params[0] ?? ''))),
    },
    {
      method: 'GET',
      pattern: /^\/workspace_memberships\/([^/]+)$/,
      handle: ({ params, fields }) => {
        const user = store.findByMembership(params[0] ?? '');
        if (user === undefined) throw SimHttpError.notRecognized('workspace_membership', params[0] ?? '');
        return ok(render.workspaceMembership(user, fields, 'full'));
      },
    },
  ];
}

/** A one-person list, in the shape paging walks: that person when they come after `after`. */
function onlyAfter(user: UserRecord): (after?: string) => Iterable<UserRecord> {
  return (after) => where([user], () => after === undefined || user.gid > after);
}
