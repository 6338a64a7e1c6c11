/**
 * The audit log and the operational views of the store: what the bridge did (append-only), and what an admin
 * needs to see of its state (issue 14). Kept apart from MappingStore, which is the provisioning contract.
 */

/** One Asana HTTP exchange an action caused (each attempt, retries included). */
export interface AuditAsanaCall {
  /** Asana's operationId, e.g. addUserForWorkspace. */
  readonly operation: string;
  /** HTTP status; 0 when no answer came (network error, timeout). */
  readonly status: number;
  readonly ms: number;
}

/** Who acted: an IdP's SCIM token (by fingerprint, never the secret), or the bridge itself. */
export type AuditActor = `token:${string}` | 'bridge' | 'reconciler' | 'cli';

export interface AuditEntryInput {
  /** ISO 8601. */
  readonly at: string;
  readonly actor: AuditActor;
  /** `create`, `replace`, `patch`, `delete` (SCIM), `retry` (queued work), `reconcile`. */
  readonly operation: string;
  readonly resourceType: 'User' | 'Group' | null;
  readonly resourceId: string | null;
  /** The user's userName or the group's displayName at the time, so entries outlive the resource. */
  readonly subject: string | null;
  /** Ids of users an action touched besides its own resource (a group's members). */
  readonly userIds: readonly string[];
  readonly asanaCalls: readonly AuditAsanaCall[];
  /** `synced`, `pending`, `failed`, `deleted`, `rejected`, `deferred`, `done`, … */
  readonly outcome: string;
  /** HTTP status answered to the IdP (SCIM operations only). */
  readonly httpStatus: number | null;
  /** Why: the SCIM error detail, Asana's error, or a reconcile pass's report (JSON). */
  readonly detail: string | null;
}

export interface AuditEntry extends AuditEntryInput {
  readonly id: number;
}

export interface AuditQuery {
  /** Entries about this user (by userName, also after deletion), including group changes that touched them. */
  readonly user?: string;
  /** Entries about this group, by displayName. */
  readonly group?: string;
  /** ISO 8601 lower bound on `at`. */
  readonly since?: string;
  readonly operation?: string;
  /** Newest first, at most this many. */
  readonly limit: number;
}

export interface AuditLogStore {
  appendAudit(entry: AuditEntryInput): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes entries older than `before` (ISO 8601); returns how many went. */
  pruneAudit(before: string): Promise<number>;
}

/** Queued Asana work: `ready` is due now, `backoff` waits for its next attempt after a failure. */
export interface WorkQueueStats {
  readonly ready: number;
  readonly backoff: number;
  /** Milliseconds since the oldest queued item was queued; null when the queue is empty. */
  readonly oldestAgeMs: number | null;
}

export interface ResourceCount {
  readonly type: 'User' | 'Group';
  readonly syncState: string;
  readonly count: number;
}

/** A resource an admin should look at (not synced), with Asana's reason. */
export interface AttentionItem {
  readonly type: 'User' | 'Group';
  readonly id: string;
  /** userName or displayName. */
  readonly name: string;
  readonly syncState: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastModified: string;
}

export interface OperationsStore {
  workQueueStats(now: number): Promise<WorkQueueStats>;
  resourceCounts(): Promise<ResourceCount[]>;
  /** Resources not synced, newest change first; `search` matches userName or displayName (case-insensitive). */
  resourcesNeedingAttention(search: string | undefined, limit: number): Promise<AttentionItem[]>;
}
