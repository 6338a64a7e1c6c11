import t from 'tap';
import { attribute } from '../../src/scim/attribute.js';
import { parseAttributeList, projectResource } from '../../src/scim/projection.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  groupResource,
  userResource,
  type ResourceSchema,
} from '../../src/scim/schemas.js';

const user = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u1',
  externalId: 'okta-1',
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada Lovelace',
  active: true,
  emails: [
    { value: 'ada@example.com', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  groups: [],
  [ENTERPRISE_USER_SCHEMA]: { department: 'Engineering', manager: { value: 'u0', displayName: 'Babbage' } },
  meta: { resourceType: 'User', location: 'https://x/Users/u1', version: 'W/"1"' },
};

const group = {
  schemas: [GROUP_SCHEMA],
  id: 'g1',
  displayName: 'Analysts',
  members: [{ value: 'u1', display: 'Ada Lovelace' }],
  meta: { resourceType: 'Group', version: 'W/"4"' },
};

/** A copy of obj without the given keys. */
function without(obj: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

/** Parses the names against the resource and projects, as a route would. */
function project(
  res: Record<string, unknown>,
  resource: ResourceSchema,
  attributes?: string[],
  excludedAttributes?: string[],
): Record<string, unknown> {
  return projectResource(res, resource, {
    attributes: parseAttributeList(attributes, resource),
    excludedAttributes: parseAttributeList(excludedAttributes, resource),
  });
}

t.test('parseAttributeList resolves names to canonical references', async (t) => {
  const cases: { label: string; names: string[] | undefined; expected: string[] | undefined }[] = [
    { label: 'no parameter', names: undefined, expected: undefined },
    {
      label: 'plain and dotted names',
      names: ['userName', 'name.givenName'],
      expected: ['userName', 'name.givenName'],
    },
    { label: 'case-insensitive', names: ['USERNAME', 'Emails.Value'], expected: ['userName', 'emails.value'] },
    { label: 'core URN-qualified', names: [`${USER_SCHEMA}:name.familyName`], expected: ['name.familyName'] },
    {
      label: 'extension attribute',
      names: [`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:Department`],
      expected: ['department'],
    },
    {
      label: 'bare extension URN names all its attributes',
      names: [ENTERPRISE_USER_SCHEMA],
      expected: ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'],
    },
    { label: 'unknown names are ignored', names: ['roles', 'userName', 'name.nope', 'a.b.c'], expected: ['userName'] },
    { label: 'only unknown names', names: ['roles'], expected: [] },
    {
      label: "a value filter is dropped (Microsoft's collection)",
      names: ['emails[type eq "work"]'],
      expected: ['emails'],
    },
  ];
  for (const { label, names, expected } of cases) {
    const refs = parseAttributeList(names, userResource);
    const got = refs?.map((r) => (r.subAttribute ? `${r.attribute.name}.${r.subAttribute.name}` : r.attribute.name));
    t.same(got, expected, label);
  }
});

t.test('projectResource on a User (RFC 7644 §3.4.2.5)', async (t) => {
  const cases: { label: string; attributes?: string[]; excluded?: string[]; expected: Record<string, unknown> }[] = [
    { label: 'no parameters returns the default set', expected: user },
    {
      label: 'attributes=userName keeps id and schemas',
      attributes: ['userName'],
      expected: { schemas: user.schemas, id: 'u1', userName: user.userName },
    },
    { label: 'attributes=id', attributes: ['id'], expected: { schemas: user.schemas, id: 'u1' } },
    {
      label: 'sub-attribute of a complex attribute',
      attributes: ['name.givenName'],
      expected: { schemas: user.schemas, id: 'u1', name: { givenName: 'Ada' } },
    },
    {
      label: 'sub-attribute of a multi-valued attribute',
      attributes: ['emails.value'],
      expected: {
        schemas: user.schemas,
        id: 'u1',
        emails: [{ value: 'ada@example.com' }, { value: 'ada@home.example' }],
      },
    },
    {
      label: 'elements without the named sub-attribute are dropped',
      attributes: ['emails.primary'],
      expected: { schemas: user.schemas, id: 'u1', emails: [{ primary: true }] },
    },
    {
      label: 'attributes are case-insensitive and URN-qualified',
      attributes: ['USERNAME', `${USER_SCHEMA}:Name.FamilyName`],
      expected: { schemas: user.schemas, id: 'u1', userName: user.userName, name: { familyName: 'Lovelace' } },
    },
    {
      label: 'extension attribute',
      attributes: [`${ENTERPRISE_USER_SCHEMA}:department`],
      expected: { schemas: user.schemas, id: 'u1', [ENTERPRISE_USER_SCHEMA]: { department: 'Engineering' } },
    },
    {
      label: 'extension sub-attribute',
      attributes: [`${ENTERPRISE_USER_SCHEMA}:manager.value`],
      expected: { schemas: user.schemas, id: 'u1', [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'u0' } } },
    },
    {
      label: 'bare extension URN returns the whole extension',
      attributes: [ENTERPRISE_USER_SCHEMA],
      expected: { schemas: user.schemas, id: 'u1', [ENTERPRISE_USER_SCHEMA]: user[ENTERPRISE_USER_SCHEMA] },
    },
    {
      label: 'bare core URN returns the core attributes only',
      attributes: [USER_SCHEMA],
      expected: without(user, 'externalId', 'meta', ENTERPRISE_USER_SCHEMA),
    },
    {
      label: 'only unknown attributes leaves the always set',
      attributes: ['roles'],
      expected: { schemas: user.schemas, id: 'u1' },
    },
    { label: 'excluding id has no effect (returned always)', excluded: ['id'], expected: user },
    {
      label: 'excluding common attributes',
      excluded: ['meta', 'externalId'],
      expected: without(user, 'meta', 'externalId'),
    },
    {
      label: 'excluding a sub-attribute',
      excluded: ['emails.primary', 'name.familyName'],
      expected: {
        ...user,
        name: { givenName: 'Ada' },
        emails: [
          { value: 'ada@example.com', type: 'work' },
          { value: 'ada@home.example', type: 'home' },
        ],
      },
    },
    {
      label: 'excluding the whole extension drops its key',
      excluded: [ENTERPRISE_USER_SCHEMA],
      expected: without(user, ENTERPRISE_USER_SCHEMA),
    },
    {
      label: 'excluding every attribute of a complex value drops it',
      excluded: [`${ENTERPRISE_USER_SCHEMA}:manager.value`, `${ENTERPRISE_USER_SCHEMA}:manager.displayName`],
      expected: { ...user, [ENTERPRISE_USER_SCHEMA]: { department: 'Engineering' } },
    },
    {
      label: 'attributes and excludedAttributes together',
      attributes: ['name', 'userName'],
      excluded: ['name.givenName'],
      expected: { schemas: user.schemas, id: 'u1', userName: user.userName, name: { familyName: 'Lovelace' } },
    },
  ];
  for (const { label, attributes, excluded, expected } of cases) {
    t.same(project(user, userResource, attributes, excluded), expected, label);
  }
});

t.test('projectResource on a Group: excludedAttributes=members (Entra)', async (t) => {
  const withoutMembers = without(group, 'members');
  const cases: {
    label: string;
    input?: Record<string, unknown>;
    attributes?: string[];
    excluded?: string[];
    expected: Record<string, unknown>;
  }[] = [
    { label: 'default', expected: group },
    { label: 'excludedAttributes=members', excluded: ['members'], expected: withoutMembers },
    { label: 'case-insensitive', excluded: ['Members'], expected: withoutMembers },
    {
      label: 'attributes=members.value',
      attributes: ['members.value'],
      expected: { schemas: group.schemas, id: 'g1', members: [{ value: 'u1' }] },
    },
    { label: 'an empty members list stays', input: { ...group, members: [] }, expected: { ...group, members: [] } },
    {
      label: 'an element that is not an object is passed through',
      input: { ...group, members: ['u9'] },
      attributes: ['members.value'],
      expected: { schemas: group.schemas, id: 'g1', members: ['u9'] },
    },
  ];
  for (const { label, input, attributes, excluded, expected } of cases) {
    t.same(project(input ?? group, groupResource, attributes, excluded), expected, label);
  }
});

t.test('returned characteristics: always, never, default, request (RFC 7643 §2.2)', async (t) => {
  // A schema exercising every `returned` value, for attributes and for sub-attributes.
  const core = {
    id: 'urn:test:Thing',
    name: 'Thing',
    description: 'A test resource',
    attributes: [
      attribute('label', 'string'),
      attribute('secret', 'string', { returned: 'never', mutability: 'writeOnly' }),
      attribute('audit', 'string', { returned: 'request' }),
      attribute('key', 'string', { returned: 'always' }),
      attribute('detail', 'complex', {
        subAttributes: [
          attribute('shown', 'string'),
          attribute('hidden', 'string', { returned: 'never' }),
          attribute('onRequest', 'string', { returned: 'request' }),
          attribute('pinned', 'string', { returned: 'always' }),
        ],
      }),
    ],
  };
  const thing: ResourceSchema = { ...userResource, core, extensions: [] };
  const res = {
    schemas: ['urn:test:Thing'],
    id: 't1',
    label: 'L',
    secret: 'S',
    audit: 'A',
    key: 'K',
    detail: { shown: 's', hidden: 'h', onRequest: 'r', pinned: 'p' },
    internalColumn: 'never sent: not in any schema',
  };
  const base = { schemas: ['urn:test:Thing'], id: 't1', key: 'K' };
  const cases: { label: string; attributes?: string[]; excluded?: string[]; expected: Record<string, unknown> }[] = [
    { label: 'defaults', expected: { ...base, label: 'L', detail: { shown: 's', pinned: 'p' } } },
    { label: 'request attribute named', attributes: ['audit'], expected: { ...base, audit: 'A' } },
    { label: 'never attribute named', attributes: ['secret'], expected: base },
    {
      label: 'request sub-attribute named',
      attributes: ['detail.onRequest'],
      expected: { ...base, detail: { onRequest: 'r', pinned: 'p' } },
    },
    {
      label: 'whole complex named',
      attributes: ['detail'],
      expected: { ...base, detail: { shown: 's', pinned: 'p' } },
    },
    {
      label: 'never sub-attribute named',
      attributes: ['detail.hidden'],
      expected: { ...base, detail: { pinned: 'p' } },
    },
    {
      label: 'always attribute excluded',
      excluded: ['key', 'label'],
      expected: { ...base, detail: { shown: 's', pinned: 'p' } },
    },
    {
      label: 'always sub-attribute excluded',
      excluded: ['detail.pinned', 'detail.shown'],
      expected: { ...base, label: 'L', detail: { pinned: 'p' } },
    },
  ];
  for (const { label, attributes, excluded, expected } of cases) {
    t.same(project(res, thing, attributes, excluded), expected, label);
  }
});

t.test('projectResource never mutates or shares its input', async (t) => {
  const input = structuredClone(user);
  const out = project(input, userResource, ['name.givenName', 'emails']);
  t.same(input, user, 'input unchanged');
  (out.emails as { value: string }[])[0]!.value = 'changed';
  (out.schemas as string[]).push('x');
  t.same(input, user, 'output shares no objects with the input');
});
