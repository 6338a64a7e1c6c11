import { ok, optionalString, paged, requireWorkspace, where, type Route, type RouteDeps } from './route.js';
import { SimHttpError } from './sim-http-error.js';
import type { UserRecord } from './sim-store.js';
import type { TaskRecord } from './sim-tasks.js';

/**
 * getTasks and updateTask, the subset deprovisioning uses (issue 12: Asana's guide to deprovisioning through the
 * REST API ends with setting a new assignee on the person's open tasks). As on Asana, `GET /tasks` needs
 * `assignee` together with `workspace`; `completed_since=now` lists incomplete tasks only, an ISO date also those
 * completed since then.
 */
export function taskRoutes(deps: RouteDeps): Route[] {
  const { store, render, pages } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/tasks$/,
      handle: ({ query, fields, page }) => {
        const assigneeRef = query.get('assignee');
        const workspace = query.get('workspace');
        if (assigneeRef === null || workspace === null) {
          throw SimHttpError.invalid('assignee', 'Must specify exactly one of project, tag, section, user task list, or assignee + workspace');
        }
        requireWorkspace(deps, workspace);
        const assignee = store.getUser(assigneeRef);
        const since = completedSince(query.get('completed_since'));
        const result = pages.paginate<TaskRecord>(
          page,
          (task) => task.gid,
          (after) =>
            where(store.tasks.after(after), (task) => task.assignee === assignee && (!task.completed || since(task))),
        );
        return paged(result, (task) => render.task(task, fields, 'compact'));
      },
    },
    {
      method: 'GET',
      pattern: /^\/tasks\/([^/]+)$/,
      handle: ({ params, fields }) => ok(render.task(store.tasks.get(params[0] ?? ''), fields, 'full')),
    },
    {
      method: 'PUT',
      pattern: /^\/tasks\/([^/]+)$/,
      handle: ({ params, data, fields }) => {
        const task = store.tasks.get(params[0] ?? '');
        const name = optionalString(data, 'name');
        const completed = data['completed'];
        if (completed !== undefined && typeof completed !== 'boolean') throw SimHttpError.invalid('completed', 'Not a boolean');
        const assignee = data['assignee'] === undefined ? undefined : assigneeOf(deps, data['assignee']);
        store.tasks.update(task, {
          ...(assignee !== undefined && { assignee }),
          ...(completed !== undefined && { completed }),
          ...(name !== undefined && { name }),
        });
        return ok(render.task(task, fields, 'full'));
      },
    },
  ];
}

/** A task can be assigned to an active member of its workspace only, or to nobody (null). */
function assigneeOf(deps: RouteDeps, value: unknown): UserRecord | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw SimHttpError.invalid('assignee', 'Not a string');
  const user = deps.store.getUser(value);
  if (!user.membership.active) throw SimHttpError.invalid('assignee', 'The user is not a member of the workspace');
  return user;
}

/** completed_since: absent lists every task; `now` only incomplete ones; a date also those completed after it. */
function completedSince(raw: string | null): (task: TaskRecord) => boolean {
  if (raw === null) return () => true;
  if (raw === 'now') return () => false;
  const since = Date.parse(raw);
  if (Number.isNaN(since)) throw SimHttpError.invalid('completed_since', 'Not a date-time');
  return (task) => task.completedAt !== null && Date.parse(task.completedAt) >= since;
}
