import { SimHttpError } from './sim-http-error.js';
import { SortedIndex } from './sorted-index.js';
import type { UserRecord } from './sim-store.js';

/**
 * Tasks of the one workspace, as far as deprovisioning needs them (facts.md §2.3; issue 12): a name, an assignee
 * (or none), completed or not. Kept in gid order, so `GET /tasks` pages with the same "after gid" offsets as every
 * other list; a task reassigned while someone pages the old assignee's list simply leaves that list.
 */
export interface TaskRecord {
  readonly gid: string;
  name: string;
  assignee: UserRecord | null;
  completed: boolean;
  completedAt: string | null;
  modifiedAt: string;
}

export interface TaskSeed {
  name: string;
  assignee: UserRecord | null;
  completed: boolean;
}

export class SimTasks {
  private readonly byGid = new Map<string, TaskRecord>();
  private readonly index = new SortedIndex<TaskRecord>((task) => task.gid);

  constructor(private readonly takeGid: () => string) {}

  create(seed: TaskSeed): TaskRecord {
    const now = new Date().toISOString();
    const task: TaskRecord = {
      gid: this.takeGid(),
      name: seed.name,
      assignee: seed.assignee,
      completed: seed.completed,
      completedAt: seed.completed ? now : null,
      modifiedAt: now,
    };
    this.byGid.set(task.gid, task);
    this.index.insert(task);
    return task;
  }

  get(gid: string): TaskRecord {
    const task = this.byGid.get(gid);
    if (task === undefined) throw SimHttpError.notRecognized('task', gid);
    return task;
  }

  /** All tasks after `gid`, in gid order. */
  after(gid?: string): Iterable<TaskRecord> {
    return this.index.after(gid);
  }

  /** PUT /tasks/{gid}: only the fields the bridge and tests write. */
  update(task: TaskRecord, changes: { assignee?: UserRecord | null; completed?: boolean; name?: string }): TaskRecord {
    if (changes.assignee !== undefined) task.assignee = changes.assignee;
    if (changes.completed !== undefined && changes.completed !== task.completed) {
      task.completed = changes.completed;
      task.completedAt = changes.completed ? new Date().toISOString() : null;
    }
    if (changes.name !== undefined) task.name = changes.name;
    task.modifiedAt = new Date().toISOString();
    return task;
  }
}
