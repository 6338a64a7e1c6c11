import t from 'tap';
import { parsePatchPath } from '../../src/scim/path.js';
import {
  ENTERPRISE_USER_SCHEMA,
  groupResource,
  USER_SCHEMA,
  userResource,
  type ResourceSchema,
} from '../../src/scim/schemas.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

/** What a parsed path resolves to, in canonical names; `filter` is the inner filter's shape. */
interface Resolved {
  schema: string;
  attribute: string;
  extension: boolean;
  subAttribute?: string;
  filter?: object;
}

const valid: { path: string; resource?: ResourceSchema; expected: Resolved }[] = [
  { path: 'userName', expected: { schema: USER_SCHEMA, attribute: 'userName', extension: false } },
  { path: 'USERNAME', expected: { schema: USER_SCHEMA, attribute: 'userName', extension: false } },
  { path: 'active', expected: { schema: USER_SCHEMA, attribute: 'active', extension: false } },
  { path: 'externalId', expected: { schema: USER_SCHEMA, attribute: 'externalId', extension: false } },
  {
    path: 'name.givenName',
    expected: { schema: USER_SCHEMA, attribute: 'name', extension: false, subAttribute: 'givenName' },
  },
  {
    path: 'Name.FamilyName',
    expected: { schema: USER_SCHEMA, attribute: 'name', extension: false, subAttribute: 'familyName' },
  },
  { path: `${USER_SCHEMA}:userName`, expected: { schema: USER_SCHEMA, attribute: 'userName', extension: false } },
  {
    path: `${USER_SCHEMA}:name.givenName`,
    expected: { schema: USER_SCHEMA, attribute: 'name', extension: false, subAttribute: 'givenName' },
  },
  {
    path: `${ENTERPRISE}:employeeNumber`,
    expected: { schema: ENTERPRISE, attribute: 'employeeNumber', extension: true },
  },
  {
    path: `${ENTERPRISE.toUpperCase()}:Manager`,
    expected: { schema: ENTERPRISE, attribute: 'manager', extension: true },
  },
  {
    path: `${ENTERPRISE}:manager.value`,
    expected: { schema: ENTERPRISE, attribute: 'manager', extension: true, subAttribute: 'value' },
  },
  // Entra's legacy manager PATCH names the extension attribute without its URN.
  { path: 'manager', expected: { schema: ENTERPRISE, attribute: 'manager', extension: true } },
  { path: 'department', expected: { schema: ENTERPRISE, attribute: 'department', extension: true } },
  { path: 'emails', expected: { schema: USER_SCHEMA, attribute: 'emails', extension: false } },
  {
    path: 'emails.value',
    expected: { schema: USER_SCHEMA, attribute: 'emails', extension: false, subAttribute: 'value' },
  },
  {
    path: 'emails[type eq "work"]',
    expected: {
      schema: USER_SCHEMA,
      attribute: 'emails',
      extension: false,
      filter: { kind: 'compare', op: 'eq', value: 'work', attr: { subAttribute: { name: 'type' } } },
    },
  },
  {
    path: 'emails[type eq "work"].value',
    expected: {
      schema: USER_SCHEMA,
      attribute: 'emails',
      extension: false,
      subAttribute: 'value',
      filter: { kind: 'compare', op: 'eq', value: 'work' },
    },
  },
  {
    path: 'Emails[Type eq "work"].Value',
    expected: {
      schema: USER_SCHEMA,
      attribute: 'emails',
      extension: false,
      subAttribute: 'value',
      filter: { kind: 'compare', attr: { subAttribute: { name: 'type' } } },
    },
  },
  {
    path: 'addresses[type eq "work"].locality',
    expected: {
      schema: USER_SCHEMA,
      attribute: 'addresses',
      extension: false,
      subAttribute: 'locality',
      filter: { kind: 'compare' },
    },
  },
  {
    path: 'emails[type eq "work" and primary eq true]',
    expected: { schema: USER_SCHEMA, attribute: 'emails', extension: false, filter: { kind: 'and' } },
  },
  {
    path: `${USER_SCHEMA}:emails[type eq "work"].value`,
    expected: { schema: USER_SCHEMA, attribute: 'emails', extension: false, subAttribute: 'value', filter: {} },
  },
  {
    path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
    resource: groupResource,
    expected: {
      schema: groupResource.core.id,
      attribute: 'members',
      extension: false,
      filter: { kind: 'compare', value: '2819c223-7f76-453a-919d-413861904646' },
    },
  },
  {
    path: 'members[value eq "a]b"]',
    resource: groupResource,
    expected: { schema: groupResource.core.id, attribute: 'members', extension: false, filter: { value: 'a]b' } },
  },
  {
    path: 'members[value eq "say \\"hi\\" ]"].value',
    resource: groupResource,
    expected: {
      schema: groupResource.core.id,
      attribute: 'members',
      extension: false,
      subAttribute: 'value',
      filter: { value: 'say "hi" ]' },
    },
  },
  {
    path: 'members',
    resource: groupResource,
    expected: { schema: groupResource.core.id, attribute: 'members', extension: false },
  },
];

t.test('parsePatchPath resolves well-formed paths to canonical references (RFC 7644 §3.5.2)', async (t) => {
  for (const { path, resource, expected } of valid) {
    const parsed = parsePatchPath(path, resource ?? userResource);
    if (!parsed) {
      t.fail(`${path}: expected a path`);
      continue;
    }
    t.same(
      {
        schema: parsed.attr.schema,
        attribute: parsed.attr.attribute.name,
        extension: parsed.attr.extension,
        ...(parsed.subAttribute ? { subAttribute: parsed.subAttribute.name } : {}),
      },
      {
        schema: expected.schema,
        attribute: expected.attribute,
        extension: expected.extension,
        ...(expected.subAttribute ? { subAttribute: expected.subAttribute } : {}),
      },
      path,
    );
    t.equal(parsed.attr.subAttribute, undefined, `${path}: attr is attribute-level`);
    if (expected.filter) t.match(parsed.filter, expected.filter, `${path}: filter`);
    else t.equal(parsed.filter, undefined, `${path}: no filter`);
  }
});

const unsupported: { path: string; resource?: ResourceSchema }[] = [
  { path: 'roles' },
  { path: 'roles[primary eq "True"].display' },
  { path: 'x509Certificates' },
  { path: 'password' },
  { path: 'name.nickname' },
  { path: 'emails[type eq "work"].label' },
  { path: 'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode' },
  { path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:badge' },
  { path: 'userName', resource: groupResource },
  { path: 'manager', resource: groupResource },
];

t.test('parsePatchPath returns undefined for attributes the bridge does not keep', async (t) => {
  for (const { path, resource } of unsupported)
    t.equal(parsePatchPath(path, resource ?? userResource), undefined, path);
});

const malformed: { path: string; scimType: string }[] = [
  { path: '', scimType: 'invalidPath' },
  { path: 'user name', scimType: 'invalidPath' },
  { path: 'name..givenName', scimType: 'invalidPath' },
  { path: 'name.givenName.first', scimType: 'invalidPath' },
  { path: '.userName', scimType: 'invalidPath' },
  { path: '1userName', scimType: 'invalidPath' },
  { path: 'emails]', scimType: 'invalidPath' },
  { path: 'emails[type eq "work"', scimType: 'invalidPath' },
  { path: 'emails[type eq "work]', scimType: 'invalidPath' },
  { path: 'emails[type eq "work"]value', scimType: 'invalidPath' },
  { path: 'emails[type eq "work"].value.x', scimType: 'invalidPath' },
  { path: 'emails[type eq "work"][value eq "x"]', scimType: 'invalidPath' },
  { path: '[type eq "work"]', scimType: 'invalidPath' },
  { path: 'name[givenName eq "x"]', scimType: 'invalidPath' },
  { path: 'userName[value eq "x"]', scimType: 'invalidPath' },
  { path: 'name.givenName[value eq "x"]', scimType: 'invalidPath' },
  { path: ENTERPRISE, scimType: 'invalidPath' },
  { path: 'urn:', scimType: 'invalidPath' },
  { path: 'emails[type eq]', scimType: 'invalidFilter' },
  { path: 'emails[]', scimType: 'invalidFilter' },
  { path: 'emails[label eq "x"]', scimType: 'invalidFilter' },
  { path: 'emails[type eq "work" and]', scimType: 'invalidFilter' },
];

t.test('parsePatchPath rejects malformed paths', async (t) => {
  for (const { path, scimType } of malformed) {
    t.throws(
      () => parsePatchPath(path, userResource),
      { name: 'ScimError', scimType, status: 400 },
      JSON.stringify(path),
    );
  }
});
