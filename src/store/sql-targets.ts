import { SYNC_SCHEMA } from '../scim/schemas.js';
import type { SqlFilterTarget } from './filter-sql.js';
import { sqliteDialect, type SqlDialect } from './sql-dialect.js';

/** Where the sync extension's attributes live, for a table aliased `alias`. */
function syncColumns(alias: string): Record<string, string> {
  return {
    [`${SYNC_SCHEMA}:asanaGid`]: `${alias}.asana_gid`,
    [`${SYNC_SCHEMA}:state`]: `${alias}.sync_state`,
    [`${SYNC_SCHEMA}:attempts`]: `${alias}.sync_attempts`,
    [`${SYNC_SCHEMA}:lastError`]: `${alias}.sync_error`,
  };
}

/** Asana still holds the address the user had before a rename (see userSync in user-resource.ts). */
const RENAMED = 'u.email_in_asana IS NOT NULL AND lower(u.email_in_asana) <> lower(u.asana_email)';

/** Where SCIM User attributes live in the users table (alias `u`), for filters and sorting. */
export const userTarget: SqlFilterTarget = {
  json: 'u.data',
  columns: {
    id: 'u.id',
    userName: 'u.user_name',
    externalId: 'u.external_id',
    active: 'u.active',
    'meta.created': 'u.created',
    'meta.lastModified': 'u.last_modified',
    'meta.resourceType': "'User'",
    ...syncColumns('u'),
    [`${SYNC_SCHEMA}:state`]: `(CASE WHEN u.sync_state = 'synced' AND ${RENAMED} THEN 'actionRequired' ELSE u.sync_state END)`,
    [`${SYNC_SCHEMA}:asanaEmail`]: 'u.asana_email',
    [`${SYNC_SCHEMA}:emailInAsana`]: `(CASE WHEN ${RENAMED} THEN u.email_in_asana END)`,
    [`${SYNC_SCHEMA}:guest`]: 'u.asana_guest',
  },
  sideTables: {
    emails: {
      table: 'user_emails',
      ownerColumn: 'user_id',
      ownerKey: 'u.id',
      columns: { value: 'value', type: 'type', primary: '"primary"' },
    },
    groups: { table: 'group_members', ownerColumn: 'user_id', ownerKey: 'u.id', columns: { value: 'group_id' } },
  },
};

/** Where SCIM Group attributes live in the groups table (alias `g`). */
export const groupTarget: SqlFilterTarget = {
  json: 'g.data',
  columns: {
    id: 'g.id',
    displayName: 'g.display_name',
    externalId: 'g.external_id',
    'meta.created': 'g.created',
    'meta.lastModified': 'g.last_modified',
    'meta.resourceType': "'Group'",
    ...syncColumns('g'),
  },
  sideTables: {
    members: { table: 'group_members', ownerColumn: 'group_id', ownerKey: 'g.id', columns: { value: 'user_id' } },
  },
};

/** sortBy on a column when the attribute has one, else on the JSON document (RFC 7644 §3.4.2.3). */
export function sortExpressionFor(path: string, target: SqlFilterTarget, dialect: SqlDialect = sqliteDialect): string {
  const column = target.columns[path];
  if (column) return dialect.sortKey(column);
  const separator = path.startsWith('urn:') ? path.lastIndexOf(':') : -1;
  const keys = separator >= 0 ? [path.slice(0, separator), ...path.slice(separator + 1).split('.')] : path.split('.');
  return dialect.sortKey(dialect.scalarAt(target.json, keys, 'string'));
}
