import { SimHttpError } from './sim-http-error.js';
import type { SimStore } from './sim-store.js';
import type { TaskRecord } from './sim-tasks.js';
import type { SimTask, TaskSeedInput } from './types.js';

/** Seeding cap per call: a test's 300-task handover fits, a typo cannot exhaust memory. */
const MAX_SEED = 10_000;

export function toSimTask(task: TaskRecord): SimTask {
  return { gid: task.gid, name: task.name, assignee: task.assignee?.gid ?? null, completed: task.completed };
}

/** Tasks made "in Asana" for a test: the assignee is named by gid or email and must exist. */
export function addTasks(store: SimStore, seed: TaskSeedInput): SimTask[] {
  const count = seed.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEED) throw SimHttpError.invalid('count', `1..${MAX_SEED}`);
  const assignee = seed.assignee === null ? null : store.getUser(seed.assignee);
  const name = seed.name ?? 'Task';
  return Array.from({ length: count }, (_, i) =>
    toSimTask(store.tasks.create({ name: `${name} ${i + 1}`, assignee, completed: seed.completed ?? false })),
  );
}

export function listTasks(store: SimStore): SimTask[] {
  return Array.from(store.tasks.after(), toSimTask);
}

/** The control API's body for POST /_simulator/tasks. */
export function parseTaskSeed(value: unknown): TaskSeedInput {
  if (typeof value !== 'object' || value === null) throw SimHttpError.invalid('body', 'Not an object');
  const { assignee, count, completed, name } = value as Record<string, unknown>;
  if (assignee !== null && typeof assignee !== 'string') throw SimHttpError.invalid('assignee', 'A gid, an email or null');
  if (count !== undefined && typeof count !== 'number') throw SimHttpError.invalid('count', 'Not a number');
  if (completed !== undefined && typeof completed !== 'boolean') throw SimHttpError.invalid('completed', 'Not a boolean');
  if (name !== undefined && typeof name !== 'string') throw SimHttpError.invalid('name', 'Not a string');
  return {
    assignee,
    ...(count !== undefined && { count }),
    ...(completed !== undefined && { completed }),
    ...(name !== undefined && { name }),
  };
}
