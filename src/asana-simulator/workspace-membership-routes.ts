import { ok, paged, requireWorkspace, where, type Route, type RouteDeps } from './route.js';
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
  const list = (members: (after?: string) => Iterable<UserRecord>): Route['handle'] => ({ fields, page }) =>
    paged(
      pages.paginate<UserRecord>(page, (user) => user.gid, members),
      (user) => render.workspaceMembership(user, fields, 'compact'),
    );
  const one = (user: UserRecord) => (after?: string) => where([user], () => after === undefined || user.gid > after);
  return [
    {
      method: 'GET',
      pattern: /^\/workspaces\/([^/]+)\/workspace_memberships$/,
      handle: (context) => {
        requireWorkspace(deps, context.params[0]);
        const ref = context.query.get('user');
        return list(ref === null ? (after) => store.peopleAfter(after) : one(store.getUser(ref)))(context);
      },
    },
    {
      method: 'GET',
      pattern: /^\/users\/([^/]+)\/workspace_memberships$/,
      handle: (context) => list(one(store.getUser(context.params[0] ?? '')))(context),
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
