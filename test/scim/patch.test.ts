import t from 'tap';
import { attribute } from '../../src/scim/attribute.js';
import { applyPatch } from '../../src/scim/patch.js';
import type { ScimResource } from '../../src/scim/resource-input.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  groupResource,
  PATCH_OP_SCHEMA,
  SYNC_SCHEMA,
  USER_SCHEMA,
  userResource,
  type ResourceSchema,
} from '../../src/scim/schemas.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;
const META = { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z' };

const alice: ScimResource = {
  schemas: [USER_SCHEMA],
  id: 'u1',
  meta: META,
  userName: 'alice@example.com',
  externalId: 'ext-1',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  displayName: 'Alice Liddell',
  active: true,
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
};

/** Alice with a home email too, and the enterprise extension. */
const aliceFull: ScimResource = {
  ...alice,
  schemas: [USER_SCHEMA, ENTERPRISE],
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
};

const team: ScimResource = {
  schemas: [GROUP_SCHEMA],
  id: 'g1',
  meta: { ...META, resourceType: 'Group' },
  displayName: 'Engineering',
  members: [{ value: 'u1' }, { value: 'u2' }],
};

type Operation = Record<string, unknown>;
const patch = (...Operations: Operation[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

type Case = { label: string; current?: ScimResource; resource?: ResourceSchema; body: unknown } & (
  { expected: ScimResource } | { scimType: string }
);

const cases: Case[] = [
  // ── The PatchOp envelope (RFC 7644 §3.5.2) ──
  { label: 'the body must be an object', body: [{ op: 'add' }], scimType: 'invalidSyntax' },
  {
    label: 'schemas is required',
    body: { Operations: [{ op: 'replace', path: 'active', value: false }] },
    scimType: 'invalidSyntax',
  },
  {
    label: 'schemas must contain the PatchOp URN',
    body: { schemas: [USER_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
    scimType: 'invalidSyntax',
  },
  {
    label: 'the PatchOp URN is matched case-insensitively',
    body: { schemas: [PATCH_OP_SCHEMA.toUpperCase()], Operations: [{ op: 'replace', path: 'active', value: false }] },
    expected: { ...alice, active: false },
  },
  { label: 'Operations is required', body: { schemas: [PATCH_OP_SCHEMA] }, scimType: 'invalidSyntax' },
  {
    label: 'Operations must be an array',
    body: { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } },
    scimType: 'invalidSyntax',
  },
  { label: 'Operations must not be empty', body: patch(), scimType: 'invalidValue' },
  {
    label: 'the Operations key in another case',
    body: { schemas: [PATCH_OP_SCHEMA], operations: [{ op: 'replace', path: 'active', value: false }] },
    expected: { ...alice, active: false },
  },
  {
    label: 'an operation must be an object',
    body: patch('replace' as unknown as Operation),
    scimType: 'invalidSyntax',
  },
  { label: 'op is required', body: patch({ path: 'active', value: false }), scimType: 'invalidSyntax' },
  {
    label: 'an unknown op is invalidSyntax',
    body: patch({ op: 'move', path: 'active', value: false }),
    scimType: 'invalidSyntax',
  },
  { label: 'add and replace need a value', body: patch({ op: 'replace', path: 'active' }), scimType: 'invalidValue' },
  { label: 'path must be a string', body: patch({ op: 'replace', path: 7, value: 'x' }), scimType: 'invalidPath' },

  // ── op in any case, booleans as strings (Entra without aadOptscim062020) ──
  {
    label: 'Entra default deactivation: "Replace" active "False"',
    body: patch({ op: 'Replace', path: 'active', value: 'False' }),
    expected: { ...alice, active: false },
  },
  {
    label: 'Entra reactivation: "Replace" active "True"',
    current: { ...alice, active: false },
    body: patch({ op: 'Replace', path: 'active', value: 'True' }),
    expected: alice,
  },
  {
    label: 'a JSON boolean',
    body: patch({ op: 'replace', path: 'active', value: false }),
    expected: { ...alice, active: false },
  },
  {
    label: '"false" in lower case',
    body: patch({ op: 'REPLACE', path: 'Active', value: 'false' }),
    expected: { ...alice, active: false },
  },
  {
    label: 'a string that is no boolean',
    body: patch({ op: 'replace', path: 'active', value: 'no' }),
    scimType: 'invalidValue',
  },
  {
    label: '"Add" of a single-valued string (Entra nickName)',
    body: patch({ op: 'Add', path: 'nickName', value: 'Babs' }),
    expected: { ...alice, nickName: 'Babs' },
  },
  {
    label: '"Remove" of a single-valued attribute',
    body: patch({ op: 'Remove', path: 'displayName' }),
    expected: (({ displayName: _d, ...rest }) => rest)(alice),
  },

  // ── No path: the value's keys are the targets (RFC 7644 §3.5.2.1, §3.5.2.3) ──
  {
    label: 'Okta deactivation: replace without path',
    body: patch({ op: 'replace', value: { active: false } }),
    expected: { ...alice, active: false },
  },
  {
    label: 'Entra with aadOptscim062020: dotted and URN-qualified keys',
    body: patch(
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'mhvaes@test.microsoft.com' },
      {
        op: 'replace',
        value: {
          displayName: 'Bjfe',
          'name.givenName': 'Kkom',
          'name.familyName': 'Unua',
          [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
        },
      },
    ),
    expected: {
      ...alice,
      schemas: [USER_SCHEMA, ENTERPRISE],
      displayName: 'Bjfe',
      name: { givenName: 'Kkom', familyName: 'Unua' },
      emails: [{ value: 'mhvaes@test.microsoft.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: 'Aklq' },
    },
  },
  {
    label: 'an extension URN key holding an object merges into the extension',
    current: aliceFull,
    body: patch({ op: 'replace', value: { [ENTERPRISE]: { department: 'Sales', costCenter: 'C7' } } }),
    expected: { ...aliceFull, [ENTERPRISE]: { department: 'Sales', costCenter: 'C7', manager: { value: 'm1' } } },
  },
  {
    label: 'an extension URN key in another case',
    body: patch({ op: 'add', value: { [ENTERPRISE.toLowerCase()]: { Department: 'Ops' } } }),
    expected: { ...alice, schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { department: 'Ops' } },
  },
  {
    label: 'an extension URN key holding a string is refused',
    body: patch({ op: 'add', value: { [ENTERPRISE]: 'Ops' } }),
    scimType: 'invalidValue',
  },
  {
    label: 'keys are case-insensitive',
    body: patch({ op: 'replace', value: { DisplayName: 'Al', NAME: { GIVENNAME: 'Al' } } }),
    expected: { ...alice, displayName: 'Al', name: { givenName: 'Al', familyName: 'Liddell' } },
  },
  {
    label: 'a complex value sets only the sub-attributes it names (RFC 7644 §3.5.2.3)',
    body: patch({ op: 'replace', value: { name: { middleName: 'P' } } }),
    expected: { ...alice, name: { givenName: 'Alice', familyName: 'Liddell', middleName: 'P' } },
  },
  {
    label: 'unsupported keys are ignored (Okta password, Entra roles), the rest applies',
    body: patch({ op: 'replace', value: { password: 'x', roles: [{ value: 'Admin' }], title: 'CTO' } }),
    expected: { ...alice, title: 'CTO' },
  },
  {
    label: 'schemas and meta keys in a value are ignored',
    body: patch({ op: 'replace', value: { schemas: [USER_SCHEMA], meta: { resourceType: 'User' }, title: 'CTO' } }),
    expected: { ...alice, title: 'CTO' },
  },
  {
    label: "Okta's group rename carries the group's own id, which is ignored",
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', value: { id: 'g1', displayName: 'Platform' } }),
    expected: { ...team, displayName: 'Platform' },
  },
  {
    label: 'an id that is not the current one is a mutability error',
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', value: { id: 'g2', displayName: 'Platform' } }),
    scimType: 'mutability',
  },
  {
    label: 'Entra validator: group externalId replaced without path',
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', value: { externalId: '663fa3a8' } }),
    expected: { ...team, externalId: '663fa3a8' },
  },
  {
    label: 'a value that is no object, without path',
    body: patch({ op: 'replace', value: 'x' }),
    scimType: 'invalidValue',
  },
  { label: 'remove needs a path (RFC 7644 §3.5.2.2)', body: patch({ op: 'remove' }), scimType: 'noTarget' },
  {
    label: 'remove needs a path even with a value',
    body: patch({ op: 'Remove', value: { title: 'x' } }),
    scimType: 'noTarget',
  },

  // ── add (RFC 7644 §3.5.2.1) ──
  {
    label: 'add to a multi-valued attribute appends',
    body: patch({ op: 'add', path: 'emails', value: [{ value: 'a@home.example', type: 'home' }] }),
    expected: { ...alice, emails: [...(alice['emails'] as object[]), { value: 'a@home.example', type: 'home' }] },
  },
  {
    label: 'add of a value already present changes nothing',
    body: patch({ op: 'add', path: 'emails', value: [{ value: 'alice@example.com', type: 'work', primary: true }] }),
    expected: alice,
  },
  {
    label: 'add of a single object where an array is expected',
    body: patch({ op: 'add', path: 'emails', value: { value: 'a@home.example', type: 'home' } }),
    expected: { ...alice, emails: [...(alice['emails'] as object[]), { value: 'a@home.example', type: 'home' }] },
  },
  {
    label: 'add of a new primary value clears primary on the others',
    body: patch({ op: 'add', path: 'emails', value: [{ value: 'a@home.example', type: 'home', primary: true }] }),
    expected: {
      ...alice,
      emails: [
        { value: 'alice@example.com', type: 'work' },
        { value: 'a@home.example', type: 'home', primary: true },
      ],
    },
  },
  {
    label: 'add to a single-valued attribute replaces it',
    body: patch({ op: 'add', path: 'displayName', value: 'A. L.' }),
    expected: { ...alice, displayName: 'A. L.' },
  },
  {
    label: 'add of a complex value merges sub-attributes',
    body: patch({ op: 'add', path: 'name', value: { honorificPrefix: 'Dr.' } }),
    expected: { ...alice, name: { givenName: 'Alice', familyName: 'Liddell', honorificPrefix: 'Dr.' } },
  },
  {
    label: 'add of two primary values at once is refused',
    body: patch({
      op: 'add',
      path: 'emails',
      value: [
        { value: 'b@x', primary: true },
        { value: 'c@x', primary: true },
      ],
    }),
    scimType: 'invalidValue',
  },

  // ── replace (RFC 7644 §3.5.2.3) ──
  {
    label: 'replace of a multi-valued attribute replaces all values',
    current: aliceFull,
    body: patch({ op: 'replace', path: 'emails', value: [{ value: 'new@example.com', type: 'work' }] }),
    expected: { ...aliceFull, emails: [{ value: 'new@example.com', type: 'work' }] },
  },
  {
    label: 'replace through a value filter keeps the other values (SCIM-SDK #668)',
    current: aliceFull,
    body: patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@microsoft.com' }),
    expected: {
      ...aliceFull,
      emails: [
        { value: 'updated@microsoft.com', type: 'work', primary: true },
        { value: 'alice@home.example', type: 'home' },
      ],
    },
  },
  {
    label: 'Entra: replace emails[type eq "work"].value with no work email creates it',
    current: { ...alice, emails: [{ value: 'alice@home.example', type: 'home' }] },
    body: patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@example.com' }),
    expected: {
      ...alice,
      emails: [
        { value: 'alice@home.example', type: 'home' },
        { type: 'work', value: 'alice@example.com' },
      ],
    },
  },
  {
    label: 'Entra: add emails[type eq "work"].value with no emails at all creates it',
    current: (({ emails: _e, ...rest }) => rest)(alice),
    body: patch({ op: 'Add', path: 'emails[type eq "work"].value', value: 'alice@example.com' }),
    expected: { ...alice, emails: [{ type: 'work', value: 'alice@example.com' }] },
  },
  {
    label: 'Entra validator: .value then .primary "true" on a new work email build one element',
    current: (({ emails: _e, ...rest }) => rest)(alice),
    body: patch(
      { op: 'add', path: 'emails[type eq "work"].value', value: 'alice@example.com' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: 'true' },
    ),
    expected: { ...alice, emails: [{ type: 'work', value: 'alice@example.com', primary: true }] },
  },
  {
    label: 'Entra: several addresses[type eq "work"] sub-attribute ops merge into one address (SCIM-SDK #680)',
    body: patch(
      { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Main St, Springfield' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'US' },
    ),
    expected: {
      ...alice,
      addresses: [{ type: 'work', formatted: '1 Main St, Springfield', locality: 'Springfield', country: 'US' }],
    },
  },
  {
    label: 'Entra: phoneNumbers[type eq "mobile"].value creates the mobile number',
    body: patch({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }),
    expected: { ...alice, phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }] },
  },
  {
    label: 'replace through a filter that matches nothing and is no type equality: noTarget',
    body: patch({ op: 'replace', path: 'emails[value eq "nobody@example.com"].type', value: 'home' }),
    scimType: 'noTarget',
  },
  {
    label: 'replace through a type filter with "or" matching nothing: noTarget',
    body: patch({ op: 'replace', path: 'emails[type eq "home" or type eq "other"].value', value: 'x@y' }),
    scimType: 'noTarget',
  },
  {
    label: 'replace of whole matching elements',
    current: aliceFull,
    body: patch({
      op: 'replace',
      path: 'emails[type eq "home"]',
      value: { value: 'alice@new.example', type: 'other' },
    }),
    expected: {
      ...aliceFull,
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@new.example', type: 'other' },
      ],
    },
  },
  {
    label: 'add merges into matching elements',
    current: aliceFull,
    body: patch({ op: 'add', path: 'emails[type eq "home"]', value: { display: 'Home' } }),
    expected: {
      ...aliceFull,
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@home.example', type: 'home', display: 'Home' },
      ],
    },
  },
  {
    label: 'making another email primary clears the first (RFC 7643 §2.4)',
    current: aliceFull,
    body: patch({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }),
    expected: {
      ...aliceFull,
      emails: [
        { value: 'alice@example.com', type: 'work' },
        { value: 'alice@home.example', type: 'home', primary: true },
      ],
    },
  },
  {
    label: 'replace of a whole list with two primary values is refused',
    body: patch({
      op: 'replace',
      path: 'emails',
      value: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: 'True' },
      ],
    }),
    scimType: 'invalidValue',
  },
  {
    label: 'a sub-attribute of every element when no filter is given',
    current: aliceFull,
    body: patch({ op: 'replace', path: 'emails.display', value: 'Alice' }),
    expected: {
      ...aliceFull,
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true, display: 'Alice' },
        { value: 'alice@home.example', type: 'home', display: 'Alice' },
      ],
    },
  },
  {
    label: 'Entra: replace userName renames',
    body: patch({ op: 'Replace', path: 'userName', value: '5b50642d@testuser.com' }),
    expected: { ...alice, userName: '5b50642d@testuser.com' },
  },
  {
    label: 'replace name.familyName',
    body: patch({ op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' }),
    expected: { ...alice, name: { givenName: 'Alice', familyName: 'updatedFamilyName' } },
  },
  {
    label: 'replace name.givenName when there is no name creates it',
    current: (({ name: _n, ...rest }) => rest)(alice),
    body: patch({ op: 'replace', path: 'name.givenName', value: 'Al' }),
    expected: { ...alice, name: { givenName: 'Al' } },
  },
  {
    label: 'replace with null clears the attribute',
    body: patch({ op: 'replace', path: 'displayName', value: null }),
    expected: (({ displayName: _d, ...rest }) => rest)(alice),
  },
  {
    label: 'replace with "" clears the attribute (Entra null update)',
    body: patch({ op: 'replace', path: 'externalId', value: '' }),
    expected: (({ externalId: _x, ...rest }) => rest)(alice),
  },
  {
    label: 'replace of userName with "" leaves a required attribute empty',
    body: patch({ op: 'replace', path: 'userName', value: '' }),
    scimType: 'invalidValue',
  },
  {
    label: 'a value of the wrong type',
    body: patch({ op: 'replace', path: 'userName', value: ['a@x'] }),
    scimType: 'invalidValue',
  },
  {
    label: 'Entra validator preview: remove, add, replace of one attribute apply in order',
    body: patch(
      { op: 'remove', path: 'externalId' },
      { op: 'add', path: 'externalId', value: 'first' },
      { op: 'replace', path: 'externalId', value: 'second' },
    ),
    expected: { ...alice, externalId: 'second' },
  },

  // ── remove (RFC 7644 §3.5.2.2) ──
  {
    label: 'remove through a value filter removes the matching values',
    current: aliceFull,
    body: patch({ op: 'remove', path: 'emails[type eq "home"]' }),
    expected: { ...aliceFull, emails: [{ value: 'alice@example.com', type: 'work', primary: true }] },
  },
  {
    label: 'remove through a filter that matches nothing is a no-op',
    body: patch({ op: 'remove', path: 'emails[type eq "other"]' }),
    expected: alice,
  },
  { label: 'remove of an absent attribute is a no-op', body: patch({ op: 'remove', path: 'title' }), expected: alice },
  {
    label: 'remove of an absent extension attribute is a no-op',
    body: patch({ op: 'remove', path: `${ENTERPRISE}:department` }),
    expected: alice,
  },
  {
    label: 'remove of a sub-attribute',
    body: patch({ op: 'remove', path: 'name.givenName' }),
    expected: { ...alice, name: { familyName: 'Liddell' } },
  },
  {
    label: 'remove of a whole multi-valued attribute',
    body: patch({ op: 'remove', path: 'emails' }),
    expected: (({ emails: _e, ...rest }) => rest)(alice),
  },
  {
    label: "remove of an element's significant value removes the element",
    current: aliceFull,
    body: patch({ op: 'remove', path: 'emails[type eq "home"].value' }),
    expected: { ...aliceFull, emails: [{ value: 'alice@example.com', type: 'work', primary: true }] },
  },
  {
    label: 'remove of the last extension attribute drops the extension from schemas',
    current: { ...aliceFull, [ENTERPRISE]: { department: 'R&D' } },
    body: patch({ op: 'remove', path: `${ENTERPRISE}:department` }),
    expected: { ...aliceFull, schemas: [USER_SCHEMA], [ENTERPRISE]: undefined },
  },
  {
    label: 'userName is required and cannot be removed',
    body: patch({ op: 'remove', path: 'userName' }),
    scimType: 'mutability',
  },
  {
    label: "a group's displayName cannot be removed",
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'displayName' }),
    scimType: 'mutability',
  },

  // ── readOnly (RFC 7643 §2.2) ──
  { label: 'id is readOnly', body: patch({ op: 'replace', path: 'id', value: 'u9' }), scimType: 'mutability' },
  {
    label: 'meta is readOnly',
    body: patch({ op: 'replace', path: 'meta.lastModified', value: '2026-02-01T00:00:00Z' }),
    scimType: 'mutability',
  },
  {
    label: "a user's groups are readOnly",
    body: patch({ op: 'add', path: 'groups', value: [{ value: 'g1' }] }),
    scimType: 'mutability',
  },
  {
    label: 'groups in a value without path',
    body: patch({ op: 'add', value: { groups: [{ value: 'g1' }] } }),
    scimType: 'mutability',
  },
  {
    label: 'members[].display is readOnly',
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', path: 'members[value eq "u1"].display', value: 'Boss' }),
    scimType: 'mutability',
  },
  {
    label: 'the sync extension is readOnly',
    body: patch({ op: 'replace', path: `${SYNC_SCHEMA}:state`, value: 'synced' }),
    scimType: 'mutability',
  },
  {
    label: 'manager.displayName is readOnly',
    body: patch({ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'B' }),
    scimType: 'mutability',
  },
  {
    label: 'server-owned attributes survive a PATCH unchanged',
    current: {
      ...alice,
      schemas: [USER_SCHEMA, SYNC_SCHEMA],
      groups: [{ value: 'g1' }],
      [SYNC_SCHEMA]: { state: 'synced' },
    },
    body: patch({ op: 'replace', path: 'displayName', value: 'A' }),
    expected: {
      ...alice,
      schemas: [USER_SCHEMA, SYNC_SCHEMA],
      displayName: 'A',
      groups: [{ value: 'g1' }],
      [SYNC_SCHEMA]: { state: 'synced' },
    },
  },

  // ── immutable (RFC 7643 §2.2): members[].value ──
  {
    label: "changing a member's immutable value",
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', path: 'members[value eq "u1"].value', value: 'u9' }),
    scimType: 'mutability',
  },
  {
    label: "setting a member's immutable type once",
    current: team,
    resource: groupResource,
    body: patch({ op: 'add', path: 'members[value eq "u1"].type', value: 'User' }),
    expected: { ...team, members: [{ value: 'u1', type: 'User' }, { value: 'u2' }] },
  },

  // ── Enterprise manager, in every form Entra sends (idp-behaviour.md Q17) ──
  {
    label: 'Entra: Add manager as a bare string',
    body: patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: '271' }),
    expected: { ...alice, schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { manager: { value: '271' } } },
  },
  {
    label: 'replace manager as {value}',
    current: aliceFull,
    body: patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm2' } }),
    expected: { ...aliceFull, [ENTERPRISE]: { department: 'R&D', manager: { value: 'm2' } } },
  },
  {
    label: 'Entra legacy: path "manager" with a [{$ref, value}] array',
    body: patch({ op: 'Add', path: 'manager', value: [{ $ref: 'https://x/scim/Users/m3', value: 'm3' }] }),
    expected: {
      ...alice,
      schemas: [USER_SCHEMA, ENTERPRISE],
      [ENTERPRISE]: { manager: { $ref: 'https://x/scim/Users/m3', value: 'm3' } },
    },
  },
  {
    label: 'Entra validator: manager "" removes it',
    current: aliceFull,
    body: patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: '' }),
    expected: { ...aliceFull, [ENTERPRISE]: { department: 'R&D' } },
  },
  {
    label: 'Entra validator: manager {"value": ""} removes it, and the empty extension goes',
    current: { ...aliceFull, [ENTERPRISE]: { manager: { value: 'm1', $ref: 'https://x/scim/Users/m1' } } },
    body: patch({ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '' } }),
    expected: { ...aliceFull, schemas: [USER_SCHEMA], [ENTERPRISE]: undefined },
  },
  {
    label: 'manager.value as a path',
    current: aliceFull,
    body: patch({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'm5' }),
    expected: { ...aliceFull, [ENTERPRISE]: { department: 'R&D', manager: { value: 'm5' } } },
  },
  {
    label: 'manager inside a no-path extension object',
    body: patch({ op: 'add', value: { [ENTERPRISE]: { manager: 'm6' } } }),
    expected: { ...alice, schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'm6' } } },
  },
  {
    label: 'manager as a number',
    body: patch({ op: 'add', path: `${ENTERPRISE}:manager`, value: 6 }),
    scimType: 'invalidValue',
  },

  // ── Group members (idp-behaviour.md §1.4, §2.4, Q5-Q8) ──
  {
    label: 'Entra: add members with "$ref": null',
    current: team,
    resource: groupResource,
    body: patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u3' }] }),
    expected: { ...team, members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] },
  },
  {
    label: 'Okta: add members with display; a member already there is not repeated',
    current: team,
    resource: groupResource,
    body: patch({
      op: 'add',
      path: 'members',
      value: [
        { value: 'u2', display: 'bob@x' },
        { value: 'u3', display: 'carol@x' },
      ],
    }),
    expected: { ...team, members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] },
  },
  {
    label: 'Okta / Entra flag: remove members[value eq "id"]',
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'members[value eq "u1"]' }),
    expected: { ...team, members: [{ value: 'u2' }] },
  },
  {
    label: 'Entra default: Remove members with a value list removes only those',
    current: { ...team, members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] },
    resource: groupResource,
    body: patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }] }),
    expected: { ...team, members: [{ value: 'u1' }, { value: 'u3' }] },
  },
  {
    label: 'Entra default: removing the last listed member removes the attribute',
    current: { ...team, members: [{ value: 'u1' }] },
    resource: groupResource,
    body: patch({ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }),
    expected: { ...team, members: undefined },
  },
  {
    label: 'Okta / Entra validator: replace members with the full list',
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', path: 'members', value: [{ value: 'u2' }, { value: 'u9', display: 'x' }] }),
    expected: { ...team, members: [{ value: 'u2' }, { value: 'u9' }] },
  },
  {
    label: 'replace members with [] empties the group',
    current: team,
    resource: groupResource,
    body: patch({ op: 'replace', path: 'members', value: [] }),
    expected: { ...team, members: undefined },
  },
  {
    label: 'MS collection: remove members without value removes all',
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'members' }),
    expected: { ...team, members: undefined },
  },
  {
    label: 'Okta: remove and add in one request, applied in order',
    current: team,
    resource: groupResource,
    body: patch(
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u3', display: 'carol@x' }] },
    ),
    expected: { ...team, members: [{ value: 'u2' }, { value: 'u3' }] },
  },
  {
    label: 'Entra validator preview: add then remove the same member',
    current: team,
    resource: groupResource,
    body: patch(
      { op: 'add', path: 'members', value: [{ value: 'u5' }] },
      { op: 'remove', path: 'members[value eq "u5"]' },
    ),
    expected: team,
  },
  {
    label: 'MS collection: a member as a bare string',
    current: team,
    resource: groupResource,
    body: patch({ op: 'add', path: 'members', value: 'string id 1' }),
    expected: { ...team, members: [{ value: 'u1' }, { value: 'u2' }, { value: 'string id 1' }] },
  },
  {
    label: 'removing a member that is not there is a no-op (a retried request)',
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'members[value eq "nobody"]' }),
    expected: team,
  },
  {
    label: 'member values are case-exact',
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'members[value eq "U1"]' }),
    expected: team,
  },
  {
    label: 'a members value list mixing a bad element is refused',
    current: team,
    resource: groupResource,
    body: patch({ op: 'add', path: 'members', value: [{ value: 'u3' }, 42] }),
    scimType: 'invalidValue',
  },

  {
    label: "removing a member's immutable value through a sub-attribute path",
    current: team,
    resource: groupResource,
    body: patch({ op: 'remove', path: 'members[value eq "u1"].value' }),
    scimType: 'mutability',
  },
  {
    label: 'remove with a value list on an attribute without `value` matches whole elements',
    current: {
      ...alice,
      addresses: [
        { type: 'work', locality: 'Berlin' },
        { type: 'home', locality: 'Bonn' },
      ],
    },
    body: patch({ op: 'remove', path: 'addresses', value: [{ locality: 'Bonn', type: 'home' }] }),
    expected: { ...alice, addresses: [{ type: 'work', locality: 'Berlin' }] },
  },
  {
    label: 'the result is validated like a PUT: primary on every email is refused',
    current: aliceFull,
    body: patch({ op: 'replace', path: 'emails.primary', value: true }),
    scimType: 'invalidValue',
  },
  {
    label: 'the result is validated like a PUT: a value of the wrong type in a sub-attribute',
    body: patch({ op: 'replace', path: 'name.givenName', value: { first: 'A' } }),
    scimType: 'invalidValue',
  },

  // ── Unsupported and malformed paths ──
  {
    label: 'Entra validator: roles[primary eq "True"].display is ignored',
    body: patch(
      { op: 'add', path: 'roles[primary eq "True"].display', value: 'Admin' },
      { op: 'add', path: 'title', value: 'CTO' },
    ),
    expected: { ...alice, title: 'CTO' },
  },
  {
    label: 'an operation only on unsupported attributes changes nothing',
    body: patch({ op: 'remove', path: 'x509Certificates' }),
    expected: alice,
  },
  {
    label: 'a malformed path',
    body: patch({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }),
    scimType: 'invalidPath',
  },
  {
    label: 'a malformed dotted path',
    body: patch({ op: 'replace', path: 'name..givenName', value: 'x' }),
    scimType: 'invalidPath',
  },
  {
    label: 'a malformed value filter',
    body: patch({ op: 'remove', path: 'emails[type eq]' }),
    scimType: 'invalidFilter',
  },
  {
    label: 'a malformed key in a value without path',
    body: patch({ op: 'add', value: { 'given name': 'x' } }),
    scimType: 'invalidPath',
  },
];

t.test('applyPatch (RFC 7644 §3.5.2)', async (t) => {
  for (const c of cases) {
    const current = c.current ?? alice;
    const run = () => applyPatch(current, c.body, c.resource ?? userResource);
    if ('expected' in c) t.strictSame(run(), withoutUndefined(c.expected), c.label);
    else t.throws(run, { name: 'ScimError', status: 400, scimType: c.scimType }, c.label);
  }
});

/** Lets expectations say `key: undefined` for "absent" while spreading a base resource. */
function withoutUndefined(resource: ScimResource): ScimResource {
  return Object.fromEntries(Object.entries(resource).filter(([, value]) => value !== undefined));
}

t.test('applyPatch never mutates the current resource', async (t) => {
  const current = structuredClone(aliceFull);
  applyPatch(
    current,
    patch(
      { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
      { op: 'remove', path: `${ENTERPRISE}:manager` },
      { op: 'add', path: 'name.middleName', value: 'P' },
    ),
    userResource,
  );
  t.strictSame(current, aliceFull);
});

t.test('applyPatch is all or nothing: a failing operation leaves the resource as it was', async (t) => {
  const current = structuredClone(team);
  t.throws(
    () =>
      applyPatch(
        current,
        patch(
          { op: 'add', path: 'members', value: [{ value: 'u3' }] },
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'replace', path: 'id', value: 'g2' },
        ),
        groupResource,
      ),
    { name: 'ScimError', scimType: 'mutability' },
    'the third operation fails',
  );
  t.strictSame(current, team, 'the group is untouched');
});

/** A resource type with an immutable attribute: the bridge's schemas have none outside members[]. */
const badgeResource: ResourceSchema = {
  ...userResource,
  core: {
    ...userResource.core,
    attributes: [...userResource.core.attributes, attribute('badge', 'string', { mutability: 'immutable' })],
  },
};

t.test('immutable attributes may be set once and never changed (RFC 7643 §2.2)', async (t) => {
  const cases: { label: string; current: ScimResource; op: Operation; allowed: boolean }[] = [
    { label: 'set once', current: alice, op: { op: 'add', path: 'badge', value: 'B1' }, allowed: true },
    {
      label: 'set to the same value',
      current: { ...alice, badge: 'B1' },
      op: { op: 'replace', path: 'badge', value: 'B1' },
      allowed: true,
    },
    {
      label: 'changed',
      current: { ...alice, badge: 'B1' },
      op: { op: 'replace', path: 'badge', value: 'B2' },
      allowed: false,
    },
    { label: 'removed', current: { ...alice, badge: 'B1' }, op: { op: 'remove', path: 'badge' }, allowed: false },
    {
      label: 'changed without path',
      current: { ...alice, badge: 'B1' },
      op: { op: 'replace', value: { badge: 'B2' } },
      allowed: false,
    },
  ];
  for (const c of cases) {
    const run = () => applyPatch(c.current, patch(c.op), badgeResource);
    if (c.allowed) t.match(run(), { badge: 'B1' }, c.label);
    else t.throws(run, { name: 'ScimError', scimType: 'mutability' }, c.label);
  }
});
