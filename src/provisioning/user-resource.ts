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
  const schemas = [USER_SCHEMA];
  if (user.data[ENTERPRISE_USER_SCHEMA] !== undefined) schemas.push(ENTERPRISE_USER_SCHEMA);
  schemas.push(SYNC_SCHEMA);
  // One object, filled in order (a page renders 100 of these): the IdP's attributes as given, then what the server owns.
  const resource: Record<string, unknown> = { schemas, id: user.id };
  for (const [name, value] of Object.entries(user.data)) if (name !== 'schemas') resource[name] = value;
  resource['userName'] = user.userName;
  resource['active'] = user.active;
  if (groups.length > 0) {
    resource['groups'] = groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}`, type: 'direct' }));
  }
  const sync = userSync(user);
  if (handover) sync['taskHandover'] = handoverJson(handover);
  resource[SYNC_SCHEMA] = sync;
  resource['meta'] = resourceMeta('User', user, baseUrl);
  return resource;
}

/**
 * The sync extension of a user: the Asana email, and, while Asana still holds an address the IdP has since
 * renamed (Asana's REST API cannot change it), that address, state `actionRequired` once no work is left, and what
 * an admin can do. sql-targets.ts computes the same state for filters.
 */
function userSync(user: UserRecord): Record<string, unknown> {
  const sync = syncExtension(user.asanaGid, user.sync);
  // Whether Asana made the person a guest (billed seat, limited access), as its workspace membership says.
  if (typeof user.asanaGuest === 'boolean') sync['guest'] = user.asanaGuest;
  const renamed = user.emailInAsana !== null && !sameAddress(user.emailInAsana, user.asanaEmail);
  if (renamed && user.sync.state === 'synced') sync['state'] = 'actionRequired';
  sync['asanaEmail'] = user.asanaEmail;
  if (renamed) {
    sync['emailInAsana'] = user.emailInAsana;
    sync['action'] = RENAME_ACTION;
  }
  return sync;
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
