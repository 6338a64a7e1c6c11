import { ENTERPRISE_USER_SCHEMA, SYNC_SCHEMA, USER_SCHEMA } from '../scim/schemas.js';
import type { GroupRef, UserRecord } from '../store/mapping-store.js';
import { resourceMeta, syncExtension } from './resource-meta.js';

/**
 * A stored user as SCIM JSON (RFC 7643 §4.1): the IdP's attributes as given, plus the server-owned id, groups
 * (derived from memberships), meta and the sync extension.
 */
export function toScimUser(user: UserRecord, groups: readonly GroupRef[], baseUrl: string): Record<string, unknown> {
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
    [SYNC_SCHEMA]: syncExtension(user.asanaGid, user.sync),
    meta: resourceMeta('User', user, baseUrl),
  };
}
