import { GROUP_SCHEMA, SYNC_SCHEMA } from '../scim/schemas.js';
import type { GroupRecord, UserRecord } from '../store/mapping-store.js';
import { resourceMeta, syncExtension } from './resource-meta.js';

/** What a member is called in a group's `members[].display`: the user's own display name, else their email. */
export function memberDisplay(user: UserRecord): string {
  const displayName = user.data['displayName'];
  if (typeof displayName === 'string' && displayName !== '') return displayName;
  const name = user.data['name'] as { formatted?: unknown } | undefined;
  if (typeof name?.formatted === 'string' && name.formatted !== '') return name.formatted;
  return user.userName;
}

/**
 * A stored group as SCIM JSON (RFC 7643 §4.2). `members` is omitted when the caller did not load them
 * (excludedAttributes=members), and every member carries value, display, $ref and type.
 */
export function toScimGroup(
  group: GroupRecord,
  members: ReadonlyMap<string, UserRecord> | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const { schemas: _ignored, ...attributes } = group.data;
  return {
    schemas: [GROUP_SCHEMA, SYNC_SCHEMA],
    id: group.id,
    ...attributes,
    displayName: group.displayName,
    ...(members
      ? {
          members: group.memberIds.flatMap((id) => {
            const user = members.get(id);
            return user
              ? [{ value: id, display: memberDisplay(user), $ref: `${baseUrl}/Users/${id}`, type: 'User' }]
              : [];
          }),
        }
      : {}),
    [SYNC_SCHEMA]: syncExtension(group.asanaGid, group.sync),
    meta: resourceMeta('Group', group, baseUrl),
  };
}
