import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { AsanaAttempt, AsanaCallObserver } from '../asana/call-observer.js';
import type { AuditAsanaCall, AuditEntryInput, AuditLogStore } from '../store/audit-log.js';
import type { MappingStore } from '../store/mapping-store.js';

/** Asana calls kept per entry: a reconcile pass may make thousands; the entry's detail carries the total. */
const MAX_CALLS_PER_ENTRY = 100;

/** What an action has caused so far: filled in by the Asana client's observer and the work executor. */
export class AuditDraft {
  readonly calls: AuditAsanaCall[] = [];
  readonly userIds = new Set<string>();
  /** Set before the action: the name the IdP asked for, or the resource's name before a delete removes it. */
  subject: string | null = null;
  /**
   * Written: later calls belong to another action. Timers set during a request (the work runner's wake-up)
   * inherit its async context, so background work can find a draft that is already in the log.
   */
  committed = false;
}

/** What the caller says about an action once it is over. */
export type AuditFacts = Omit<AuditEntryInput, 'at' | 'asanaCalls' | 'userIds'>;

export interface AuditTrailDeps {
  readonly store: AuditLogStore & Pick<MappingStore, 'getUser' | 'getGroup'>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * The audit log's writer (issue 14): every provisioning action becomes one append-only entry with the Asana
 * calls it caused. An action runs inside `within(draft, …)`; the Asana client reports each HTTP exchange to
 * `onAttempt`, which lands in the draft of whatever action is running on that async context (AsyncLocalStorage),
 * so neither the client nor provisioning passes audit state around.
 */
export class AuditTrail implements AsanaCallObserver {
  private readonly current = new AsyncLocalStorage<AuditDraft>();
  private readonly now: () => Date;

  constructor(private readonly deps: AuditTrailDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Runs `fn` with `draft` as the current action's draft. */
  within<T>(draft: AuditDraft, fn: () => T): T {
    return this.current.run(draft, fn);
  }

  /** The draft of the action running on this async context, if any. */
  active(): AuditDraft | undefined {
    const draft = this.current.getStore();
    return draft?.committed ? undefined : draft;
  }

  onAttempt(attempt: AsanaAttempt): void {
    const draft = this.active();
    if (draft && draft.calls.length < MAX_CALLS_PER_ENTRY) {
      draft.calls.push({ operation: attempt.operation, status: attempt.status, ms: Math.round(attempt.durationMs) });
    }
  }

  /** userName or displayName of a live resource, for the entry's subject. */
  async subjectOf(type: 'User' | 'Group', id: string): Promise<string | null> {
    const { store } = this.deps;
    if (type === 'User') return (await store.getUser(id))?.userName ?? null;
    return (await store.getGroup(id))?.displayName ?? null;
  }

  /** The sync state of a live resource after a write (`synced`, `pending`, `failed`), or `gone`. */
  async syncStateOf(type: 'User' | 'Group', id: string): Promise<string> {
    const { store } = this.deps;
    const record = type === 'User' ? await store.getUser(id) : await store.getGroup(id);
    return record?.sync.state ?? 'gone';
  }

  /** Appends the entry (once per draft); a failure to write it is logged, never turned into a failure of the action. */
  async commit(draft: AuditDraft, facts: AuditFacts): Promise<void> {
    draft.committed = true;
    try {
      await this.deps.store.appendAudit({
        ...facts,
        subject: facts.subject ?? draft.subject,
        at: this.now().toISOString(),
        asanaCalls: draft.calls,
        userIds: [...draft.userIds],
      });
    } catch (error) {
      this.deps.logger.error({ err: error }, 'audit entry not written');
    }
  }

  /** Runs a non-HTTP action (a queued retry, a reconcile pass) as one entry; `describe` turns its end into facts. */
  async record<T>(
    describe: (
      result: { ok: true; value: T } | { ok: false; error: unknown },
    ) => AuditFacts | undefined | Promise<AuditFacts | undefined>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const draft = new AuditDraft();
    let result: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: await this.within(draft, fn) };
    } catch (error) {
      result = { ok: false, error };
    }
    const facts = await describe(result);
    if (facts) await this.commit(draft, facts);
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** Retention (AUDIT_RETENTION_DAYS): deletes entries older than that many days. */
  async prune(retentionDays: number): Promise<number> {
    const before = new Date(this.now().getTime() - retentionDays * 86_400_000).toISOString();
    return this.deps.store.pruneAudit(before);
  }
}
