import type { AuditEntry } from './audit-log.js';
import type { HeldRemoval, TaskHandoverRecord } from './deprovisioning-store.js';
import type { AsanaWork, GroupRecord, SyncState, UserRecord, WorkItem } from './mapping-store.js';
import type { OrderKey, ResourceKey } from './work-keys.js';

/** Row shapes of the tables in migrations.ts and their mapping to the store's records. */
interface ResourceRow {
  id: string;
  external_id: string | null;
  asana_gid: string | null;
  created: string;
  last_modified: string;
  version: number;
  sync_state: SyncState;
  sync_attempts: number;
  sync_error: string | null;
  data: string;
}

export interface UserRow extends ResourceRow {
  user_name: string;
  asana_email: string;
  email_in_asana: string | null;
  active: number;
  asana_guest: number | null;
}

export interface GroupRow extends ResourceRow {
  display_name: string;
}

/** The fields users and groups share, from their row. */
function resourceFields(row: ResourceRow) {
  return {
    id: row.id,
    externalId: row.external_id,
    asanaGid: row.asana_gid,
    created: row.created,
    lastModified: row.last_modified,
    version: row.version,
    sync: { state: row.sync_state, attempts: row.sync_attempts, lastError: row.sync_error },
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

export interface WorkRow {
  id: number;
  resource_key: ResourceKey;
  order_key: OrderKey;
  work: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export function toUser(row: UserRow): UserRecord {
  return {
    ...resourceFields(row),
    userName: row.user_name,
    asanaEmail: row.asana_email,
    emailInAsana: row.email_in_asana,
    active: row.active === 1,
    asanaGuest: row.asana_guest === null ? null : row.asana_guest === 1,
  };
}

export function toGroup(row: GroupRow, memberIds: readonly string[]): GroupRecord {
  return { ...resourceFields(row), displayName: row.display_name, memberIds };
}

export function toWork(row: WorkRow): WorkItem {
  return {
    id: row.id,
    resourceKey: row.resource_key,
    orderKey: row.order_key,
    work: JSON.parse(row.work) as AsanaWork,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

/** Named parameters shared by users and groups (`@id`, `@version`, `@sync_state`, …). */
function commonParams(record: UserRecord | GroupRecord): Record<string, unknown> {
  return {
    id: record.id,
    external_id: record.externalId,
    asana_gid: record.asanaGid,
    created: record.created,
    last_modified: record.lastModified,
    version: record.version,
    sync_state: record.sync.state,
    sync_attempts: record.sync.attempts,
    sync_error: record.sync.lastError,
    data: JSON.stringify(record.data),
  };
}

export function userParams(user: UserRecord): Record<string, unknown> {
  return {
    ...commonParams(user),
    user_name: user.userName,
    asana_email: user.asanaEmail,
    email_in_asana: user.emailInAsana,
    active: user.active ? 1 : 0,
  };
}

export function groupParams(group: GroupRecord): Record<string, unknown> {
  return { ...commonParams(group), display_name: group.displayName };
}

/** asana_work.failed of a removal the deprovisioning brake holds (migration 7). */
export const HELD = 2;

/** A held removal with its user's name, as both engines' heldRemovals select it. */
export interface HeldRemovalRow {
  id: number;
  work: string;
  enqueued_at: number | null;
  last_error: string | null;
  user_name: string | null;
}

export function toHeldRemoval(row: HeldRemovalRow): HeldRemoval {
  const work = JSON.parse(row.work) as Extract<AsanaWork, { kind: 'removeUserFromWorkspace' }>;
  return {
    workId: row.id,
    userId: work.userId,
    userName: row.user_name,
    email: work.email,
    queuedAt: row.enqueued_at,
    reason: row.last_error ?? '',
  };
}

export interface HandoverRow {
  work_id: number;
  user_id: string;
  target_gid: string | null;
  target_label: string | null;
  handed_over: number;
  not_handed_over: number;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  in_flight_task: string | null;
}

export function toHandover(row: HandoverRow): TaskHandoverRecord {
  return {
    workId: row.work_id,
    userId: row.user_id,
    targetGid: row.target_gid,
    targetLabel: row.target_label,
    handedOver: row.handed_over,
    notHandedOver: row.not_handed_over,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    inFlightTask: row.in_flight_task,
  };
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  operation: string;
  resource_type: string | null;
  resource_id: string | null;
  subject: string | null;
  user_ids: string;
  asana_calls: string;
  outcome: string;
  http_status: number | null;
  detail: string | null;
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor as AuditEntry['actor'],
    operation: row.operation,
    resourceType: row.resource_type as AuditEntry['resourceType'],
    resourceId: row.resource_id,
    subject: row.subject,
    userIds: JSON.parse(row.user_ids) as string[],
    asanaCalls: JSON.parse(row.asana_calls) as AuditEntry['asanaCalls'],
    outcome: row.outcome,
    httpStatus: row.http_status,
    detail: row.detail,
  };
}
