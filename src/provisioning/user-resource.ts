import { ENTERPRISE_USER_SCHEMA, SYNC_SCHEMA, USER_SCHEMA } from '../scim/schemas.js';
import type { TaskHandoverRecord } from '../store/deprovisioning-store.js';
import type { GroupRef, UserRecord } from '../store/mapping-store.js';
import { RENAME_ACTION, sameAddress } from './asana-email.js';
import { resourceMeta, syncExtension } from './resource-meta.js';

/**
 * A stored user as SCIM JSON (RFC 7643 §4.1): the IdP's attributes as given, plus the server-owned id, groups
 * (derived from memberships), meta and the sync extension.
 */
export function toScimUser(
  user: UserRecord,
  groups: readonly GroupRef[],
  baseUrl: string,
  handover?: TaskHandoverRecord,
): Record<string, unknown> {
  const { schemas: _ignored, ...attributes } = user.data;
  const schemas = [USER_SCHEMA];
  if (attributes[ENTERPRISE_USER_SCHEMA] !== undefined) schemas.push(ENTERPRISE_USER_SCHEMA);
  schemas.push(SYNC_SCHEMA);
  return {
    schemas,
    id: user.id,
    ...attributes,
    userName: user.userName,
    active: user.active,
    ...(groups.length > 0
      ? {
          groups: groups.map((g) => ({
            value: g.id,
            display: g.displayName,
            $ref: `${baseUrl}/Groups/${g.id}`,
            type: 'direct',
          })),
        }
      : {}),
    [SYNC_SCHEMA]: { ...userSync(user), ...(handover && { taskHandover: handoverJson(handover) }) },
    meta: resourceMeta('User', user, baseUrl),
  };
}

/**
 * The sync extension of a user: the Asana email, and, while Asana still holds an address the IdP has since
 * renamed (Asana's REST API cannot change it), that address, state `actionRequired` once no work is left, and what
 * an admin can do. sql-targets.ts computes the same state for filters.
 */
function userSync(user: UserRecord): Record<string, unknown> {
  // Whether Asana made the person a guest (billed seat, limited access), as its workspace membership says.
  const sync = { ...syncExtension(user.asanaGid, user.sync), ...(typeof user.asanaGuest === 'boolean' ? { guest: user.asanaGuest } : {}) };
  const renamed = user.emailInAsana !== null && !sameAddress(user.emailInAsana, user.asanaEmail);
  if (!renamed) return { ...sync, asanaEmail: user.asanaEmail };
  return {
    ...sync,
    ...(user.sync.state === 'synced' ? { state: 'actionRequired' } : {}),
    asanaEmail: user.asanaEmail,
    emailInAsana: user.emailInAsana,
    action: RENAME_ACTION,
  };
}

/** The SCIM id of the user's enterprise manager (RFC 7643 §4.3), if the IdP gave one. */
export function managerOf(user: UserRecord): string | undefined {
  const enterprise = user.data[ENTERPRISE_USER_SCHEMA] as { manager?: { value?: unknown } } | undefined;
  const value = enterprise?.manager?.value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** How many of the person's open tasks went to whom when they were removed (issue 12; syncSchema taskHandover). */
function handoverJson(handover: TaskHandoverRecord): Record<string, unknown> {
  return {
    state: handover.finishedAt === null ? 'running' : 'done',
    ...(handover.targetLabel !== null && { to: handover.targetLabel, toAsanaGid: handover.targetGid }),
    handedOver: handover.handedOver,
    notHandedOver: handover.notHandedOver,
    ...(handover.outcome !== null && { outcome: handover.outcome }),
  };
}
