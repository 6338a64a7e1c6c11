/**
 * Real IdP requests to mutate, taken from shared/reference/idp/idp-behaviour.md (section numbers below): what Okta
 * and Entra actually send is the best place to start breaking things.
 */
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** Placeholders the generator replaces with real ids and names before mutating. */
export const USER_ID = '@user-id@';
export const GROUP_ID = '@group-id@';
export const USER_NAME = '@user-name@';

const patch = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

/** §1.3 U2 (Okta), §2.3 (Entra create), §2.11 (validator create). */
export const USER_BODIES: readonly unknown[] = [
  {
    schemas: [USER],
    userName: USER_NAME,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: USER_NAME, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
  },
  {
    schemas: [USER, ENTERPRISE],
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: USER_NAME,
    active: true,
    emails: [{ primary: true, type: 'work', value: USER_NAME }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [{ primary: 'True', value: 'Admin' }],
    [ENTERPRISE]: { manager: { value: 'GZFDHGRKQLCG' }, employeeNumber: '42', department: 'R&D' },
  },
  { schemas: [USER], userName: USER_NAME, addresses: null, title: null, manager: null, preferredLanguage: null },
];

/** §1.4 G1, §2.4, §2.11. */
export const GROUP_BODIES: readonly unknown[] = [
  { schemas: [GROUP], displayName: 'Test SCIMv2', members: [] },
  {
    schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
    externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
    displayName: 'displayName',
    meta: { resourceType: 'Group' },
  },
  { schemas: [GROUP], displayName: 'Members', members: [{ value: USER_ID, display: USER_NAME }] },
];

/** §1.3 U6, §2.3, §2.6, §2.7, §0 items 4, 5, 13, 14. */
export const USER_PATCHES: readonly unknown[] = [
  patch({ op: 'replace', value: { active: false } }),
  patch({ op: 'Replace', path: 'active', value: 'False' }),
  patch(
    { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@example.com' },
    { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
  ),
  patch({ op: 'Replace', path: 'userName', value: 'renamed@example.com' }),
  patch({
    op: 'replace',
    value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' },
  }),
  patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: '271' }),
  patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '' } }),
  patch({ op: 'Add', path: 'roles', value: [{ value: '{"id":"1","value":"Admin"}' }] }),
  patch({ op: 'add', path: 'emails[type eq "work"].primary', value: 'true' }),
  patch({ op: 'remove', path: 'preferredLanguage' }, { op: 'add', path: 'externalId', value: 'x' }),
  patch({ op: 'replace', path: 'active', value: true }),
];

/** §1.4 G5–G7, §2.4, §2.6, §2.11. */
export const GROUP_PATCHES: readonly unknown[] = [
  patch(
    { op: 'remove', path: `members[value eq "${USER_ID}"]` },
    { op: 'add', path: 'members', value: [{ value: USER_ID, display: USER_NAME }] },
  ),
  patch({ op: 'replace', value: { id: GROUP_ID, displayName: 'Test SCIMv2' } }),
  patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: USER_ID }] }),
  patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: USER_ID }] }),
  patch({ op: 'replace', path: 'members', value: [{ value: USER_ID }] }),
  patch({ op: 'Replace', path: 'displayName', value: 'updatedDisplayName' }),
  patch({ op: 'remove', path: 'members' }),
  patch({ op: 'replace', value: { externalId: '663fa3a8' } }),
];

/** §0 items 2 and 12, §2.7, §5.1 (filters beyond what IdPs send, from Microsoft's collection). */
export const USER_FILTERS: readonly string[] = [
  `userName eq "${USER_NAME}"`,
  'externalId eq "00ujl29u0le5T6Aj10h7"',
  `emails[type eq "work"].value eq "${USER_NAME}"`,
  `id eq "${USER_ID}" and manager eq "x"`,
  'name.familyName co "O\'Malley" or userName sw "J"',
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'not (active eq true) and title pr',
  'emails[type eq "work" and value co "@example.com"]',
  `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "${USER_ID}"`,
  'DisplayName eq "BobIsAmazing"',
];

export const GROUP_FILTERS: readonly string[] = [
  'displayName eq "Test SCIMv2"',
  `id eq "${GROUP_ID}" and members eq "${USER_ID}"`,
  `members[value eq "${USER_ID}"]`,
  'externalId eq "8aa1a0c0" or displayName sw "T"',
  'meta.created ge "2020-01-01T00:00:00Z"',
];

/** Ids IdPs and their test suites really send for resources that do not exist (§1.5, Q26). */
export const ODD_IDS: readonly string[] = ['010101001010101011001010101011', '00919288221112222', 'null', '5171a35d82074e068ce2'];

/** PATCH paths (RFC 7644 §3.5.2 attrPath and valuePath) of both resources, valid and not, as IdPs write them. */
export const PATCH_PATHS: readonly string[] = [
  'members',
  `members[value eq "${USER_ID}"]`,
  `members[value eq "${USER_ID}"].display`,
  'members[display co "a" or value pr]',
  'displayName',
  'externalId',
  'id',
  'meta.version',
  'active',
  'userName',
  'name',
  'name.givenName',
  'name.FamilyName',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "work"].primary',
  'emails[primary eq true]',
  'emails[value ew ".com"].type',
  'roles[primary eq "True"].value',
  'addresses[type eq "work"].locality',
  'groups',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:department`,
  `${USER}:name.familyName`,
  `${GROUP}:members`,
  'urn:scim-bridge:schemas:extension:asana:2.0:Sync:state',
  'schemas',
  'members.value',
  'emails.value',
];
