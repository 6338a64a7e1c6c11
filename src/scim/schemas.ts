import { attribute, type AttributeDefinition, type SchemaDefinition } from './attribute.js';
import { INPUT_LIMITS } from './input-limits.js';

/** Schema URNs, RFC 7643 §8.7. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** The bridge's own read-only extension: where the resource stands in Asana (see docs/reliability.md). */
export const SYNC_SCHEMA = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** RFC 7643 §3.1: common attributes, present on every resource. */
const commonAttributes: readonly AttributeDefinition[] = [
  attribute('id', 'string', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
    description: 'Opaque identifier issued by the bridge.',
  }),
  attribute('externalId', 'string', { caseExact: true, description: "The IdP's own identifier for the resource." }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', { mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

/** A multi-valued attribute of RFC 7643 §2.4's usual shape: value, display, type, primary. */
function multiValued(name: string, description: string, types: readonly string[]): AttributeDefinition {
  return attribute(name, 'complex', {
    multiValued: true,
    maxValues: INPUT_LIMITS.maxValuesPerAttribute,
    description,
    subAttributes: [
      attribute('value', 'string'),
      attribute('display', 'string'),
      attribute('type', 'string', { canonicalValues: types }),
      attribute('primary', 'boolean'),
    ],
  });
}

/**
 * Core User, RFC 7643 §4.1, limited to what the bridge keeps. userName need not be an email address: the Asana
 * email is derived from it or from emails (src/provisioning/asana-email.ts). Asana's REST API stores one `name`, so
 * the name parts live only in the mapping store.
 */
const userAttributes: readonly AttributeDefinition[] = [
  attribute('userName', 'string', {
    required: true,
    uniqueness: 'server',
    description:
      'Unique; readWrite: a rename keeps the same Asana person. The Asana email when it is an address, else the ' +
      'Asana email comes from emails (see the Sync extension asanaEmail).',
  }),
  attribute('name', 'complex', {
    description: 'The name parts, kept by the bridge and returned as given (Asana stores one name).',
    subAttributes: [
      attribute('formatted', 'string'),
      attribute('familyName', 'string'),
      attribute('givenName', 'string'),
      attribute('middleName', 'string'),
      attribute('honorificPrefix', 'string'),
      attribute('honorificSuffix', 'string'),
    ],
  }),
  attribute('displayName', 'string', { description: 'The name displayed for the user.' }),
  attribute('nickName', 'string', { description: 'The casual name of the user.' }),
  attribute('title', 'string', { description: 'The job title, kept by the bridge.' }),
  attribute('userType', 'string', { description: 'The relationship to the organization, kept by the bridge.' }),
  attribute('preferredLanguage', 'string', { description: 'Preferred language, RFC 7231 Accept-Language form.' }),
  attribute('locale', 'string', { description: 'Default location for localization.' }),
  attribute('timezone', 'string', { description: 'Time zone in IANA format.' }),
  attribute('active', 'boolean', {
    description: 'false removes the user from the Asana workspace; true invites them back.',
  }),
  multiValued('emails', 'Email addresses; the primary (or first work) one is the Asana email.', [
    'work',
    'home',
    'other',
  ]),
  multiValued('phoneNumbers', 'Phone numbers.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  attribute('addresses', 'complex', {
    multiValued: true,
    maxValues: INPUT_LIMITS.maxValuesPerAttribute,
    description: 'Physical mailing addresses.',
    subAttributes: [
      attribute('formatted', 'string'),
      attribute('streetAddress', 'string'),
      attribute('locality', 'string'),
      attribute('region', 'string'),
      attribute('postalCode', 'string'),
      attribute('country', 'string'),
      attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'boolean'),
    ],
  }),
  attribute('groups', 'complex', {
    multiValued: true,
    mutability: 'readOnly',
    description: 'Groups (Asana teams) the user belongs to; derived from group memberships.',
    subAttributes: [
      attribute('value', 'string', { mutability: 'readOnly' }),
      attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
      attribute('display', 'string', { mutability: 'readOnly' }),
      attribute('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct'] }),
    ],
  }),
];

export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: userAttributes,
};

/** RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', { description: 'Numeric or alphanumeric identifier assigned by the organization.' }),
    attribute('costCenter', 'string', { description: 'Name of a cost center.' }),
    attribute('organization', 'string', { description: 'Name of an organization.' }),
    attribute('division', 'string', { description: 'Name of a division.' }),
    attribute('department', 'string', { description: 'Name of a department.' }),
    attribute('manager', 'complex', {
      description: "The user's manager: another user's id.",
      subAttributes: [
        attribute('value', 'string'),
        attribute('$ref', 'reference', { referenceTypes: ['User'] }),
        attribute('displayName', 'string', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

/** RFC 7643 §4.2. A group is an Asana team; displayName is the team name. */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group (an Asana team)',
  attributes: [
    attribute('displayName', 'string', {
      required: true,
      uniqueness: 'server',
      description: 'The Asana team name; unique case-insensitively.',
    }),
    attribute('members', 'complex', {
      multiValued: true,
      description: 'Users in the group, each one Asana team membership.',
      subAttributes: [
        attribute('value', 'string', { caseExact: true, mutability: 'immutable' }),
        attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

/**
 * Sync state, readable and filterable (`urn:…:Sync:state eq "failed"`) so an admin can find what Asana has not
 * accepted yet. All readOnly: IdPs cannot write it.
 */
export const syncSchema: SchemaDefinition = {
  id: SYNC_SCHEMA,
  name: 'AsanaSync',
  description: 'Where this resource stands in Asana, maintained by the bridge',
  attributes: [
    attribute('asanaGid', 'string', { caseExact: true, mutability: 'readOnly', description: 'The Asana gid.' }),
    attribute('state', 'string', {
      caseExact: true,
      mutability: 'readOnly',
      canonicalValues: ['pending', 'synced', 'failed', 'actionRequired', 'held', 'planned'],
      description:
        'pending: Asana work is queued; synced: Asana holds what the IdP asked; failed: Asana refused; ' +
        'actionRequired (users): Asana still holds the address the user had before a rename (see action); ' +
        'held (users): the deprovisioning brake holds the removal until an admin releases it; ' +
        'planned: a dry run (ASANA_WRITES=off) planned the Asana work and sent none.',
    }),
    attribute('attempts', 'integer', { mutability: 'readOnly', description: 'Failed attempts of the queued work.' }),
    attribute('lastError', 'string', { mutability: 'readOnly', description: "Asana's last error, if any." }),
    attribute('asanaEmail', 'string', {
      mutability: 'readOnly',
      description: 'Users: the address Asana is to hold: userName when it is one, else from emails (primary, work, first).',
    }),
    attribute('emailInAsana', 'string', {
      mutability: 'readOnly',
      description: 'Users: the address Asana still holds after a rename, until a reconciliation sees it changed.',
    }),
    attribute('guest', 'boolean', {
      mutability: 'readOnly',
      description:
        "Users: Asana holds the person as a guest (an address outside the organisation's domains; the seat is billed), " +
        'as its workspace membership says; absent until a reconciliation has seen it.',
    }),
    attribute('action', 'string', {
      mutability: 'readOnly',
      description: 'Users: what an admin can do when the state is actionRequired.',
    }),
    attribute('taskHandover', 'complex', {
      mutability: 'readOnly',
      description: "Users removed with TASK_HANDOVER_TO set: how many of their open tasks went to whom.",
      subAttributes: [
        attribute('state', 'string', { caseExact: true, mutability: 'readOnly', canonicalValues: ['running', 'done'] }),
        attribute('to', 'string', {
          mutability: 'readOnly',
          description: 'The TASK_HANDOVER_TO entry the tasks went to: manager, or a member address.',
        }),
        attribute('toAsanaGid', 'string', { caseExact: true, mutability: 'readOnly' }),
        attribute('handedOver', 'integer', { mutability: 'readOnly' }),
        attribute('notHandedOver', 'integer', { mutability: 'readOnly', description: 'Tasks Asana refused to reassign.' }),
        attribute('outcome', 'string', { mutability: 'readOnly', description: 'Why tasks were left with the person.' }),
      ],
    }),
  ],
};

/** A resource type: its core schema, its extensions, and the common attributes every resource carries. */
export interface ResourceSchema {
  readonly name: 'User' | 'Group';
  readonly endpoint: '/Users' | '/Groups';
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
  readonly common: readonly AttributeDefinition[];
}

export const userResource: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  core: userSchema,
  extensions: [enterpriseUserSchema, syncSchema],
  common: commonAttributes,
};

export const groupResource: ResourceSchema = {
  name: 'Group',
  endpoint: '/Groups',
  core: groupSchema,
  extensions: [syncSchema],
  common: commonAttributes,
};
