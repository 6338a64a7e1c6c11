import t from 'tap';
import { attribute } from '../../src/scim/attribute.js';
import {
  assertImmutableUnchanged,
  keepServerOwned,
  normalizeResourceInput,
  type ScimResource,
} from '../../src/scim/resource-input.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  groupResource,
  SYNC_SCHEMA,
  USER_SCHEMA,
  userResource,
  type ResourceSchema,
} from '../../src/scim/schemas.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

type Case = { label: string; resource?: ResourceSchema; body: unknown } & (
  { expected: ScimResource } | { scimType: string }
);

const cases: Case[] = [
  {
    label: 'a minimal user',
    body: { schemas: [USER_SCHEMA], userName: 'ann@example.com' },
    expected: { schemas: [USER_SCHEMA], userName: 'ann@example.com' },
  },
  {
    label: 'names are matched case-insensitively and written canonically (RFC 7643 §2.1)',
    body: {
      USERNAME: 'ann@example.com',
      Name: { GivenName: 'Ann', familyname: 'Lee' },
      Emails: [{ Value: 'ann@example.com', TYPE: 'work', Primary: true }],
      DisplayName: 'Ann Lee',
    },
    expected: {
      schemas: [USER_SCHEMA],
      userName: 'ann@example.com',
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
      displayName: 'Ann Lee',
    },
  },
  {
    label: "Okta's create body: password and groups dropped",
    body: {
      schemas: [USER_SCHEMA],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    },
    expected: {
      schemas: [USER_SCHEMA],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    },
  },
  {
    label: "Entra's create body: meta and roles dropped, the extension kept with its URN in schemas",
    body: {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: '0a21f0f2',
      userName: 'Test_User@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE]: { manager: { value: 'GZFDHGRKQLCG' }, employeeNumber: '42', department: 'R&D' },
    },
    expected: {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: '0a21f0f2',
      userName: 'Test_User@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENTERPRISE]: { manager: { value: 'GZFDHGRKQLCG' }, employeeNumber: '42', department: 'R&D' },
    },
  },
  {
    label: 'the extension URN key and its attributes in any case (MS collection: "Department", "Manager": {"Value"})',
    body: { userName: 'a@x', [ENTERPRISE.toUpperCase()]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } } },
    expected: {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'a@x',
      [ENTERPRISE]: { department: 'bob', manager: { value: 'SuzzyQ' } },
    },
  },
  {
    label: "the client's schemas are not trusted: Entra's misspelled and extra URNs are ignored",
    body: {
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      userName: 'a@x',
    },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x' },
  },
  {
    label: 'an extension URN in schemas without attributes is not listed',
    body: { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'a@x', [ENTERPRISE]: { manager: { value: '' } } },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x' },
  },
  {
    label: 'readOnly attributes are ignored: id, meta, groups, the sync extension, manager.displayName',
    body: {
      id: 'client-chosen',
      userName: 'a@x',
      meta: { resourceType: 'User', created: '2019-09-18T18:15:26Z' },
      groups: [{ value: 'g1' }],
      [SYNC_SCHEMA]: { state: 'synced' },
      [ENTERPRISE]: { manager: { value: 'm1', displayName: 'Boss' } },
    },
    expected: { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'a@x', [ENTERPRISE]: { manager: { value: 'm1' } } },
  },
  {
    label: 'unknown attributes, sub-attributes and extensions are dropped (MS collection "adreses")',
    body: {
      userName: 'a@x',
      adreses: [{ country: 'Germany' }],
      name: { givenName: 'A', nick: 'x' },
      'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User': { costCode: '1' },
    },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', name: { givenName: 'A' } },
  },
  {
    label: "nulls are unassigned (Entra's legacy create sends them)",
    body: {
      userName: 'a@x',
      addresses: null,
      title: null,
      name: { givenName: 'A', honorificPrefix: null },
      phoneNumbers: [{ type: 'work', value: null }],
    },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', name: { givenName: 'A' } },
  },
  {
    label: 'empty strings are unassigned',
    body: { userName: 'a@x', displayName: '', name: { givenName: '', familyName: 'B' } },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', name: { familyName: 'B' } },
  },
  {
    label: 'Entra\'s "True" / "false" booleans, any case',
    body: {
      userName: 'a@x',
      active: 'True',
      emails: [
        { value: 'a@x', primary: 'TRUE' },
        { value: 'b@x', primary: 'false' },
      ],
    },
    expected: {
      schemas: [USER_SCHEMA],
      userName: 'a@x',
      active: true,
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: false },
      ],
    },
  },
  { label: 'active: "yes" is no boolean', body: { userName: 'a@x', active: 'yes' }, scimType: 'invalidValue' },
  { label: 'active: 1 is no boolean', body: { userName: 'a@x', active: 1 }, scimType: 'invalidValue' },
  { label: 'userName must be a string', body: { userName: 42 }, scimType: 'invalidValue' },
  { label: 'name must be an object', body: { userName: 'a@x', name: 'Ann Lee' }, scimType: 'invalidValue' },
  {
    label: 'a sub-attribute has its type',
    body: { userName: 'a@x', name: { givenName: ['A'] } },
    scimType: 'invalidValue',
  },
  { label: 'an extension must be an object', body: { userName: 'a@x', [ENTERPRISE]: 'R&D' }, scimType: 'invalidValue' },
  {
    label: 'a single object where an array is expected is wrapped',
    body: { userName: 'a@x', emails: { value: 'a@x', type: 'work' } },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', emails: [{ value: 'a@x', type: 'work' }] },
  },
  {
    label: 'an element without its significant value is dropped (RFC 7643 §2.4)',
    body: { userName: 'a@x', emails: [{ type: 'work' }, { value: 'b@x', type: 'home' }] },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', emails: [{ value: 'b@x', type: 'home' }] },
  },
  {
    label: 'two primary values are refused (RFC 7643 §2.4)',
    body: {
      userName: 'a@x',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: 'True' },
      ],
    },
    scimType: 'invalidValue',
  },
  {
    label: 'one primary value, the others false, is fine (MS collection)',
    body: {
      userName: 'a@x',
      emails: [
        { value: 'a@x', Primary: true },
        { value: 'b@x', Primary: false },
      ],
    },
    expected: {
      schemas: [USER_SCHEMA],
      userName: 'a@x',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: false },
      ],
    },
  },
  {
    label: 'a repeated value appears once, its sub-attributes merged',
    body: {
      userName: 'a@x',
      emails: [
        { value: 'a@x', type: 'work' },
        { value: 'A@X', primary: true },
      ],
    },
    expected: { schemas: [USER_SCHEMA], userName: 'a@x', emails: [{ value: 'A@X', type: 'work', primary: true }] },
  },
  {
    label: 'addresses (no value sub-attribute) keep distinct elements',
    body: {
      userName: 'a@x',
      addresses: [
        { type: 'work', locality: 'Berlin' },
        { type: 'home', locality: 'Berlin' },
      ],
    },
    expected: {
      schemas: [USER_SCHEMA],
      userName: 'a@x',
      addresses: [
        { type: 'work', locality: 'Berlin' },
        { type: 'home', locality: 'Berlin' },
      ],
    },
  },
  { label: 'userName is required', body: { name: { givenName: 'A' } }, scimType: 'invalidValue' },
  { label: 'an empty userName is missing', body: { userName: '' }, scimType: 'invalidValue' },
  { label: 'a null userName is missing', body: { userName: null }, scimType: 'invalidValue' },
  {
    label: 'a misspelled userName is missing (MS collection "userame")',
    body: { userame: 'a@x' },
    scimType: 'invalidValue',
  },
  { label: 'the body must be an object, not an array', body: [{ userName: 'a@x' }], scimType: 'invalidSyntax' },
  { label: 'the body must be an object, not null', body: null, scimType: 'invalidSyntax' },
  { label: 'the body must be an object, not a string', body: 'userName=a@x', scimType: 'invalidSyntax' },
  {
    label: 'manager as a bare string becomes {value}',
    body: { userName: 'a@x', [ENTERPRISE]: { manager: 'm1' } },
    expected: { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'a@x', [ENTERPRISE]: { manager: { value: 'm1' } } },
  },
  {
    label: "manager as Entra's legacy one-element array",
    body: { userName: 'a@x', [ENTERPRISE]: { manager: [{ $ref: 'https://x/Users/m1', value: 'm1' }] } },
    expected: {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'a@x',
      [ENTERPRISE]: { manager: { $ref: 'https://x/Users/m1', value: 'm1' } },
    },
  },
  {
    label: 'manager as an array of two is refused',
    body: { userName: 'a@x', [ENTERPRISE]: { manager: [{ value: 'm1' }, { value: 'm2' }] } },
    scimType: 'invalidValue',
  },
  {
    label: 'manager as a number is refused',
    body: { userName: 'a@x', [ENTERPRISE]: { manager: 7 } },
    scimType: 'invalidValue',
  },
  {
    label: 'a group: members keep value, lose readOnly display, unknown displayName and null $ref',
    resource: groupResource,
    body: {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      displayName: 'Engineering',
      externalId: '8aa1a0c0',
      members: [{ value: 'u1', display: 'VP', $ref: null, displayName: 'new User' }, { value: 'u2' }],
    },
    expected: {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      externalId: '8aa1a0c0',
      members: [{ value: 'u1' }, { value: 'u2' }],
    },
  },
  {
    label: 'a group: duplicate members appear once',
    resource: groupResource,
    body: { displayName: 'G', members: [{ value: 'u1' }, { value: 'u1', display: 'x' }] },
    expected: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'u1' }] },
  },
  {
    label: 'a group: members: [] is no members',
    resource: groupResource,
    body: { displayName: 'G', members: [] },
    expected: { schemas: [GROUP_SCHEMA], displayName: 'G' },
  },
  {
    label: 'a group: a bare string member (MS collection) becomes {value}',
    resource: groupResource,
    body: { displayName: 'G', members: 'string id 1' },
    expected: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'string id 1' }] },
  },
  { label: 'a group needs a displayName', resource: groupResource, body: { members: [] }, scimType: 'invalidValue' },
  {
    label: 'a group member must be an object or id',
    resource: groupResource,
    body: { displayName: 'G', members: [7] },
    scimType: 'invalidValue',
  },
];

t.test('normalizeResourceInput (RFC 7644 §3.3, §3.5.1)', async (t) => {
  for (const c of cases) {
    const run = () => normalizeResourceInput(c.body, c.resource ?? userResource);
    if ('expected' in c) t.strictSame(run(), c.expected, c.label);
    else t.throws(run, { name: 'ScimError', status: 400, scimType: c.scimType }, c.label);
  }
});

t.test('normalizeResourceInput does not modify the body', async (t) => {
  const body = { USERNAME: 'a@x', active: 'True', emails: { value: 'a@x' } };
  const copy = structuredClone(body);
  normalizeResourceInput(body, userResource);
  t.strictSame(body, copy);
});

/** A resource type with immutable attributes of every shape; the bridge's own schemas have only members[].value. */
const badgeResource: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  core: {
    id: 'urn:test:Badge',
    name: 'Badge',
    description: '',
    attributes: [
      attribute('userName', 'string', { required: true }),
      attribute('badge', 'string', { mutability: 'immutable' }),
      attribute('issued', 'dateTime'),
      attribute('level', 'integer'),
      attribute('score', 'decimal'),
      attribute('card', 'complex', {
        subAttributes: [attribute('serial', 'string', { mutability: 'immutable' }), attribute('color', 'string')],
      }),
    ],
  },
  extensions: [
    {
      id: 'urn:test:Ext',
      name: 'Ext',
      description: '',
      attributes: [attribute('code', 'integer', { mutability: 'immutable' })],
    },
  ],
  common: userResource.common,
};

const typed: { label: string; body: object; expected?: ScimResource }[] = [
  {
    label: 'integer, decimal and dateTime values',
    body: { userName: 'a', level: 3, score: 2.5, issued: '2026-01-01T10:00:00+02:00' },
    expected: { schemas: ['urn:test:Badge'], userName: 'a', level: 3, score: 2.5, issued: '2026-01-01T10:00:00+02:00' },
  },
  { label: 'an integer must be whole', body: { userName: 'a', level: 2.5 } },
  { label: 'an integer is not a string', body: { userName: 'a', level: '3' } },
  { label: 'a decimal is a number', body: { userName: 'a', score: '2.5' } },
  { label: 'a dateTime is xsd:dateTime', body: { userName: 'a', issued: 'yesterday' } },
  { label: 'a dateTime names a real date', body: { userName: 'a', issued: '2026-02-30T00:00:00Z' } },
];

t.test('normalizeResourceInput checks every RFC 7643 §2.3 type', async (t) => {
  for (const { label, body, expected } of typed) {
    const run = () => normalizeResourceInput(body, badgeResource);
    if (expected) t.strictSame(run(), expected, label);
    else t.throws(run, { name: 'ScimError', scimType: 'invalidValue' }, label);
  }
});

const immutableCases: { label: string; before: ScimResource; after: ScimResource; allowed: boolean }[] = [
  { label: 'set at creation, unchanged', before: { badge: 'B1' }, after: { badge: 'B1' }, allowed: true },
  { label: 'unset before, set now (set once)', before: {}, after: { badge: 'B1' }, allowed: true },
  { label: 'changed', before: { badge: 'B1' }, after: { badge: 'B2' }, allowed: false },
  { label: 'removed', before: { badge: 'B1' }, after: {}, allowed: false },
  {
    label: 'other attributes change freely',
    before: { badge: 'B1', level: 1 },
    after: { badge: 'B1', level: 2 },
    allowed: true,
  },
  {
    label: 'an immutable sub-attribute of a complex attribute, changed',
    before: { card: { serial: 'S1', color: 'red' } },
    after: { card: { serial: 'S2', color: 'red' } },
    allowed: false,
  },
  {
    label: 'the mutable sibling of an immutable sub-attribute, changed',
    before: { card: { serial: 'S1', color: 'red' } },
    after: { card: { serial: 'S1', color: 'blue' } },
    allowed: true,
  },
  {
    label: 'an immutable extension attribute, changed',
    before: { 'urn:test:Ext': { code: 1 } },
    after: { 'urn:test:Ext': { code: 2 } },
    allowed: false,
  },
  {
    label: 'an immutable extension attribute, set once',
    before: {},
    after: { 'urn:test:Ext': { code: 2 } },
    allowed: true,
  },
];

t.test('assertImmutableUnchanged (RFC 7643 §2.2)', async (t) => {
  for (const { label, before, after, allowed } of immutableCases) {
    const run = () => assertImmutableUnchanged(before, after, badgeResource);
    if (allowed) t.doesNotThrow(run, label);
    else t.throws(run, { name: 'ScimError', status: 400, scimType: 'mutability' }, label);
  }
});

t.test('assertImmutableUnchanged lets group members come and go (elements are not updated in place)', async (t) => {
  const before = { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'u1' }] };
  t.doesNotThrow(() => assertImmutableUnchanged(before, { ...before, members: [{ value: 'u2' }] }, groupResource));
});

t.test('keepServerOwned carries id, meta, groups and the sync extension from the stored resource', async (t) => {
  const stored: ScimResource = {
    schemas: [USER_SCHEMA, SYNC_SCHEMA],
    id: 'u1',
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z' },
    userName: 'old@x',
    groups: [{ value: 'g1', display: 'Team' }],
    [SYNC_SCHEMA]: { asanaGid: '120', state: 'synced' },
  };
  const input = normalizeResourceInput(
    { id: 'forged', userName: 'new@x', [ENTERPRISE]: { department: 'R&D' } },
    userResource,
  );
  t.strictSame(keepServerOwned(input, stored, userResource), {
    schemas: [USER_SCHEMA, ENTERPRISE, SYNC_SCHEMA],
    id: 'u1',
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z' },
    userName: 'new@x',
    groups: [{ value: 'g1', display: 'Team' }],
    [ENTERPRISE]: { department: 'R&D' },
    [SYNC_SCHEMA]: { asanaGid: '120', state: 'synced' },
  });
});
