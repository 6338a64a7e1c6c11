import type { WorkItem } from '../store/mapping-store.js';
import { KeyedLock } from './keyed-lock.js';
import { settleOutcome } from './settle-outcome.js';
import type { WorkRunner } from './work-runner.js';
import { assertIfMatch, conflictToScim, shouldRetryWrite } from './write-conflicts.js';

/** One write, decided: the store write that commits it with its Asana work, and how to undo it. */
export interface PlannedWrite {
  /** Commits the resource change and its Asana work in one transaction; a lost race throws StoreConflict. */
  store(): Promise<WorkItem[]>;
  /** Undoes the write when Asana refused all of it (a MappingStore revert with the stored work's ids). */
  undo(workIds: readonly number[]): Promise<unknown>;
}

/** What the sequence needs of a resource kind (users, groups). */
export interface WriteSequenceDeps<R extends { readonly version: number }> {
  /** `User` or `Group`: how errors name the resource. */
  readonly label: string;
  /** The unique attributes a uniqueness conflict names (never their values: errors carry no personal data). */
  readonly uniqueAttribute: string;
  /** The current record; a SCIM 404 when there is none. */
  readonly load: (id: string) => Promise<R>;
  readonly runner: WorkRunner;
  /** How long a write waits for Asana before answering with its work still queued. */
  readonly syncDeadlineMs: number;
}

/**
 * The one write sequence of every SCIM write (RFC 7644 §3.3–3.6): the store commits the resource and its Asana
 * work together, the work runs until the deadline, and a write Asana refused outright is undone (settleOutcome).
 * Writes to an existing resource take turns per id (KeyedLock), check If-Match (§3.14) and, without If-Match,
 * are decided again on the new state when another process's write won the race.
 */
export class WriteSequence<R extends { readonly version: number }> {
  /** One write at a time per resource in this process (see KeyedLock). */
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: WriteSequenceDeps<R>) {}

  /** A create: a new id has nothing to load, lock or race for. */
  async create(id: string, write: PlannedWrite): Promise<void> {
    const items = await write.store().catch((error: unknown) => {
      throw this.toScim(error, id);
    });
    await this.settle(items, write);
  }

  /**
   * A write to an existing resource (replace, patch, delete): `plan` decides it from the current record, and
   * `answer` (the resource as it now is, say) runs before the next write to the same id may start.
   */
  async update<T>(
    id: string,
    ifMatch: string | undefined,
    plan: (current: R) => PlannedWrite | Promise<PlannedWrite>,
    answer: () => Promise<T>,
  ): Promise<T> {
    return this.lock.run(id, async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.deps.load(id);
        assertIfMatch(ifMatch, current.version, `${this.deps.label} ${id}`);
        const write = await plan(current);
        let items;
        try {
          items = await write.store();
        } catch (error) {
          if (shouldRetryWrite(error, ifMatch, attempt)) continue;
          throw this.toScim(error, id);
        }
        await this.settle(items, write);
        return answer();
      }
    });
  }

  private async settle(items: readonly WorkItem[], write: PlannedWrite): Promise<void> {
    const outcome = await this.deps.runner.runNow(items, this.deps.syncDeadlineMs);
    await settleOutcome(outcome, () => write.undo(items.map((i) => i.id)));
  }

  private toScim(error: unknown, id: string): unknown {
    return conflictToScim(error, `${this.deps.label} ${id}`, this.deps.uniqueAttribute);
  }
}
