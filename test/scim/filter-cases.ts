import {
  ENTERPRISE_USER_SCHEMA,
  SYNC_SCHEMA,
  groupResource,
  userResource,
  type ResourceSchema,
} from '../../src/scim/schemas.js';

/**
 * ONE table of filter cases, run through the parser (test/scim/filter.test.ts), the predicate
 * (test/scim/filter-predicate.test.ts) and SQLite (test/store/filter-sql.test.ts), so the predicate and the SQL
 * compiler are held to the same answers. `expect` lists the fixture ids selected, in fixture order, or
 * 'invalidFilter' for a filter that must be rejected with 400 invalidFilter.
 */
export interface FilterCase {
  readonly label: string;
  readonly resource: 'User' | 'Group';
  readonly filter: string;
  readonly expect: readonly string[] | 'invalidFilter';
}

const E = ENTERPRISE_USER_SCHEMA;
const S = SYNC_SCHEMA;

/** Groups first: users carry the derived `groups` attribute (RFC 7643 §4.1.2), groups their `members`. */
export const groupFixtures: readonly Record<string, unknown>[] = [
  group('g1', 'Engineering', ['u1', 'u2'], '2025-02-01T00:00:00.000Z'),
  group('g2', 'Sales Team', ['u2', 'u4'], '2025-02-02T00:00:00.000Z'),
  group('g3', 'Empty', [], '2025-02-03T00:00:00.000Z'),
];

export const userFixtures: readonly Record<string, unknown>[] = [
  user('u1', {
    externalId: 'ext-A1',
    userName: 'alice@acme.com',
    active: true,
    name: { formatted: 'Alice Archer', familyName: 'Archer', givenName: 'Alice' },
    displayName: 'Alice Archer',
    nickName: 'al_100%',
    title: 'Engineer',
    emails: [
      { value: 'alice@acme.com', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home', primary: false },
    ],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    addresses: [{ locality: 'Paris', country: 'FR', type: 'work' }],
    [E]: { employeeNumber: '100', department: 'R&D', manager: { value: 'u2', displayName: 'Bob "The" Builder' } },
    [S]: { asanaGid: '1201', state: 'synced', attempts: 0 },
    meta: meta('2025-01-01T00:00:00.000Z', '2025-06-01T12:00:00.000Z'),
  }),
  user('u2', {
    externalId: 'ext-b2',
    userName: 'BOB@Example.org',
    active: false,
    name: { familyName: 'Builder' },
    displayName: 'Bob "The" Builder',
    title: 'Manager',
    emails: [{ value: 'bob@example.org', type: 'work', primary: true }],
    [E]: { department: 'Sales' },
    [S]: { state: 'failed', attempts: 3, lastError: 'Asana answered 403' },
    meta: meta('2025-03-15T08:30:00.000Z', '2025-03-15T08:30:00.000Z'),
  }),
  user('u3', {
    userName: 'carol@acme.com',
    active: true,
    displayName: 'Çarol Ünal',
    nickName: '',
    emails: [
      { value: 'carol@acme.com', type: 'home', primary: false },
      { value: 'CAROL@WORK.ACME.COM', type: 'work', primary: false },
    ],
    [S]: { asanaGid: '1203', state: 'pending', attempts: 1 },
    meta: meta('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'),
  }),
  user('u4', {
    externalId: 'ext-d4',
    userName: 'dave_o@acme.com',
    active: true,
    name: { givenName: 'Dave' },
    title: 'engineer',
    // The Microsoft SCIM Validator clears a manager with `{"value":""}`: an object is there, its value is not.
    [E]: { manager: { value: '' } },
    [S]: { asanaGid: '1204', state: 'synced', attempts: 0 },
    meta: meta('2024-12-31T23:59:59.999Z', '2025-01-01T00:00:00.000Z'),
  }),
  user('u5', {
    externalId: 'EXT-A1',
    userName: 'erin@example.org',
    active: false,
    name: { givenName: '' },
    displayName: '\u{1F600} Erin',
    emails: [{ value: 'erin@acme.com', type: 'other', primary: false }],
    phoneNumbers: [{ value: '+44 20 7946 0000', type: 'mobile' }],
    addresses: [{ locality: 'London', type: 'home' }],
    [S]: { state: 'synced', attempts: 0 },
    meta: meta('2025-06-01T12:00:00.000Z', '2025-07-01T00:00:00.000Z'),
  }),
];

const ALL = ['u1', 'u2', 'u3', 'u4', 'u5'];
const INVALID = 'invalidFilter';
type Row = readonly [label: string, filter: string, expect: readonly string[] | typeof INVALID];

const userRows: readonly Row[] = [
  // Strings, caseExact false, in a column (userName: the IdPs' existence check).
  ['eq', 'userName eq "alice@acme.com"', ['u1']],
  ['eq other case (Okta caps test, Entra validator)', 'userName eq "ALICE@ACME.COM"', ['u1']],
  ['attribute and operator case-insensitive', 'UserName EQ "bob@example.org"', ['u2']],
  ['ne', 'userName ne "alice@acme.com"', ['u2', 'u3', 'u4', 'u5']],
  ['co', 'userName co "ACME"', ['u1', 'u3', 'u4']],
  ['sw', 'userName sw "b"', ['u2']],
  ['ew', 'userName ew ".ORG"', ['u2', 'u5']],
  ['gt folds case', 'userName gt "c"', ['u3', 'u4', 'u5']],
  ['ge', 'userName ge "CAROL@acme.com"', ['u3', 'u4', 'u5']],
  ['lt', 'userName lt "Bob@example.org"', ['u1']],
  ['le', 'userName le "bob@example.org"', ['u1', 'u2']],
  ['co with LIKE wildcard _ taken literally', 'userName co "_"', ['u4']],
  ['co with LIKE wildcard % taken literally', 'nickName co "0%"', ['u1']],
  ['sw with % taken literally', 'nickName sw "al%"', []],
  ['sw with _ and case folding', 'nickName sw "AL_"', ['u1']],
  ['eq no match', 'userName eq "nobody@acme.com"', []],
  // Strings, caseExact true (externalId), one missing (u3).
  ['caseExact eq', 'externalId eq "ext-A1"', ['u1']],
  ['caseExact eq other case', 'externalId eq "EXT-A1"', ['u5']],
  ['caseExact co', 'externalId co "A1"', ['u1', 'u5']],
  ['caseExact co other case', 'externalId co "a1"', []],
  ['caseExact sw', 'externalId sw "EXT"', ['u5']],
  ['caseExact ew', 'externalId ew "b2"', ['u2']],
  ['caseExact ew longer than value', 'externalId ew "xext-A1"', []],
  ['ne skips a missing attribute', 'externalId ne "ext-A1"', ['u2', 'u4', 'u5']],
  ['caseExact gt is binary order', 'externalId gt "ext-a"', ['u2', 'u4']],
  ['pr', 'externalId pr', ['u1', 'u2', 'u4', 'u5']],
  ['not pr matches a missing attribute', 'not (externalId pr)', ['u3']],
  ['eq null is not present', 'externalId eq null', ['u3']],
  ['ne null is present', 'externalId ne null', ['u1', 'u2', 'u4', 'u5']],
  ['caseExact sw empty', 'externalId sw ""', ['u1', 'u2', 'u4', 'u5']],
  ['caseExact ew empty', 'externalId ew ""', ['u1', 'u2', 'u4', 'u5']],
  ['caseExact co empty', 'externalId co ""', ['u1', 'u2', 'u4', 'u5']],
  ['id', 'id eq "u3"', ['u3']],
  ['id is caseExact', 'id eq "U3"', []],
  // Booleans.
  ['boolean eq true', 'active eq true', ['u1', 'u3', 'u4']],
  ['boolean eq false', 'active eq false', ['u2', 'u5']],
  ['boolean ne', 'active ne true', ['u2', 'u5']],
  ['boolean literal case-insensitive', 'active eq True', ['u1', 'u3', 'u4']],
  ['boolean pr (false is a value)', 'active pr', ALL],
  ['gt on boolean', 'active gt true', INVALID],
  ['string literal on boolean', 'active eq "true"', INVALID],
  ['co on boolean', 'active co "t"', INVALID],
  ['number literal on boolean', 'active eq 1', INVALID],
  // Strings in the JSON document, with missing values.
  ['JSON string eq', 'title eq "engineer"', ['u1', 'u4']],
  ['JSON string ne skips missing', 'title ne "Engineer"', ['u2']],
  ['not eq matches missing', 'not (title eq "Engineer")', ['u2', 'u3', 'u5']],
  ['JSON string pr', 'title pr', ['u1', 'u2', 'u4']],
  ['JSON string gt', 'title gt "f"', ['u2']],
  ['empty string is not present', 'nickName pr', ['u1']],
  ['empty string still compares', 'nickName eq ""', ['u3']],
  ['eq null on empty and missing', 'nickName eq null', ['u2', 'u3', 'u4', 'u5']],
  ['non-ASCII letters do not fold', 'displayName eq "çarol ünal"', []],
  ['ASCII letters fold around non-ASCII', 'displayName eq "ÇAROL ÜNAL"', ['u3']],
  ['JSON \\u escape', 'displayName co "\\u00dcnal"', ['u3']],
  ['code point order: astral after U+FFFF', 'displayName gt "\\uffff"', ['u5']],
  ['code point order: BMP below U+E000', 'displayName lt "\\ue000"', ['u1', 'u2', 'u3']],
  ['escaped quotes', 'displayName eq "bob \\"the\\" builder"', ['u2']],
  // Singular complex.
  ['sub-attribute', 'name.givenName eq "alice"', ['u1']],
  ['sub-attribute pr', 'name.familyName pr', ['u1', 'u2']],
  ['complex pr: some sub-attribute present', 'name pr', ['u1', 'u2', 'u4']],
  ['not complex pr', 'not (name pr)', ['u3', 'u5']],
  ['dotted path case-insensitive', 'NAME.GIVENNAME sw "d"', ['u4']],
  ['complex without value compared', 'name eq "x"', INVALID],
  ['unknown sub-attribute', 'name.nope eq "x"', INVALID],
  ['too many path parts', 'name.givenName.x eq "a"', INVALID],
  // Multi-valued in a side table (emails).
  ['side table value eq', 'emails.value eq "ALICE@acme.com"', ['u1']],
  ['multi-valued without sub compares value', 'emails eq "bob@example.org"', ['u2']],
  ['multi-valued co (any value)', 'emails co "@acme.com"', ['u1', 'u3', 'u5']],
  ['side table type', 'emails.type eq "work"', ['u1', 'u2', 'u3']],
  ['value path: one element satisfies all', 'emails[type eq "work" and value co "@acme.com"]', ['u1']],
  ['no value path: elements may differ', 'emails.type eq "work" and emails.value co "@acme.com"', ['u1', 'u3']],
  ['Entra work email', 'emails[type eq "work"].value eq "carol@work.acme.com"', ['u3']],
  ['Entra shape, other type', 'emails[type eq "home"].value eq "carol@work.acme.com"', []],
  ['not inside a value path', 'emails[not (type eq "work")]', ['u1', 'u3', 'u5']],
  ['not around a value path', 'not (emails[type eq "work"])', ['u4', 'u5']],
  ['multi-valued pr', 'emails pr', ['u1', 'u2', 'u3', 'u5']],
  ['value path on a boolean', 'emails[primary eq true]', ['u1', 'u2']],
  ['multi-valued boolean', 'emails.primary eq false', ['u1', 'u3', 'u5']],
  ['Entra shape with boolean', 'emails[type eq "work"].primary eq true', ['u1', 'u2']],
  ['value path sub without operator', 'emails[type eq "work"].value', INVALID],
  ['unterminated value path', 'emails[type eq "work"', INVALID],
  ['nested value path', 'emails[type[value eq "x"]]', INVALID],
  ['value path after a sub-attribute', 'emails.value[type eq "work"]', INVALID],
  ['value path on a simple attribute', 'title[value eq "x"]', INVALID],
  ['empty value path', 'emails[]', INVALID],
  ['unknown sub after a value path', 'emails[type eq "work"].nope eq "x"', INVALID],
  // Multi-valued in the JSON document (json_each).
  ['json_each sw', 'phoneNumbers.value sw "+1"', ['u1']],
  ['json_each value path', 'phoneNumbers[type eq "mobile"]', ['u5']],
  ['json_each pr', 'phoneNumbers pr', ['u1', 'u5']],
  ['json_each not pr', 'not (phoneNumbers pr)', ['u2', 'u3', 'u4']],
  ['json_each Entra shape', 'phoneNumbers[type eq "work"].value co "555"', ['u1']],
  ['complex multi-valued without value: pr', 'addresses pr', ['u1', 'u5']],
  ['json_each value path, two subs', 'addresses[locality eq "london" and type eq "home"]', ['u5']],
  ['json_each sub-attribute', 'addresses.country eq "fr"', ['u1']],
  ['json_each not pr inside', 'addresses[not (country pr)]', ['u5']],
  ['complex multi-valued without value compared', 'addresses eq "Paris"', INVALID],
  // Extension attributes (URN-qualified).
  ['extension attribute', `${E}:department eq "r&d"`, ['u1']],
  ['URN case-insensitive', `${E.toUpperCase()}:DEPARTMENT eq "Sales"`, ['u2']],
  ['singular complex without sub compares value', `${E}:manager eq "u2"`, ['u1']],
  ['cleared manager value is not present', `${E}:manager.value pr`, ['u1']],
  ['manager pr means manager.value pr', `${E}:manager pr`, ['u1']],
  ['extension string gt', `${E}:employeeNumber gt "099"`, ['u1']],
  ['not pr on extension', `not (${E}:department pr)`, ['u3', 'u4', 'u5']],
  ['core URN prefix', 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "carol@acme.com"', ['u3']],
  ['unknown extension attribute', `${E}:nope eq "x"`, INVALID],
  ['unknown schema URN', 'urn:ietf:params:scim:schemas:extension:other:2.0:User:department eq "x"', INVALID],
  ['extension attribute without its URN', 'department eq "Sales"', INVALID],
  // Extension attributes in columns, integers.
  ['caseExact extension in a column', `${S}:state eq "failed"`, ['u2']],
  ['caseExact extension other case', `${S}:state eq "FAILED"`, []],
  ['integer gt', `${S}:attempts gt 0`, ['u2', 'u3']],
  ['integer range', `${S}:attempts ge 1 and ${S}:attempts le 2`, ['u3']],
  ['integer exponent literal', `${S}:attempts lt 1e1`, ALL],
  ['decimal literal on integer', `${S}:attempts eq 1.5`, INVALID],
  ['string literal on integer', `${S}:attempts eq "1"`, INVALID],
  ['sw on integer', `${S}:attempts sw 1`, INVALID],
  ['leading zero is not JSON', `${S}:attempts eq 01`, INVALID],
  ['extension column pr', `${S}:lastError pr`, ['u2']],
  ['extension gid pr', `${S}:asanaGid pr`, ['u1', 'u3', 'u4']],
  // dateTime (meta, in columns).
  ['dateTime gt (Z, no ms)', 'meta.created gt "2025-01-01T00:00:00Z"', ['u2', 'u3', 'u5']],
  ['dateTime ge, offset, same instant', 'meta.created ge "2025-01-01T01:00:00+01:00"', ['u1', 'u2', 'u3', 'u5']],
  ['dateTime eq with ms', 'meta.created eq "2024-12-31T23:59:59.999Z"', ['u4']],
  ['dateTime ne', 'meta.created ne "2025-01-01T00:00:00Z"', ['u2', 'u3', 'u4', 'u5']],
  ['Microsoft collection literal (quoted), 7 digits', 'meta.Created gt "2015-10-10T14:38:21.8617979-07:00"', ALL],
  ['dateTime le', 'meta.lastModified le "2025-06-01T12:00:00.000Z"', ['u1', 'u2', 'u4']],
  ['meta pr', 'meta pr', ALL],
  ['meta.resourceType', 'meta.resourceType eq "User"', ALL],
  ['date without time', 'meta.created lt "2025-01-01"', INVALID],
  ['impossible date', 'meta.created gt "2025-02-30T00:00:00Z"', INVALID],
  ['not a date', 'meta.created gt "yesterday"', INVALID],
  ['co on dateTime', 'meta.created co "2025"', INVALID],
  // Logic: precedence not > and > or, grouping.
  ['and binds tighter than or', 'userName eq "alice@acme.com" or title pr and active eq false', ['u1', 'u2']],
  ['grouping overrides precedence', '(userName eq "alice@acme.com" or title pr) and active eq false', ['u2']],
  ['and before or, other order', 'title pr and active eq false or userName eq "alice@acme.com"', ['u1', 'u2']],
  ['not binds to its group', 'not (active eq true) and not(title pr)', ['u5']],
  ['double not', 'not (not (active eq true))', ['u1', 'u3', 'u4']],
  ['redundant parentheses', '((((userName eq "dave_o@acme.com"))))', ['u4']],
  ['keywords case-insensitive', 'userName eq "alice@acme.com" AND active eq TRUE', ['u1']],
  ['or chain', 'title eq "Engineer" or title eq "Manager" or not (title pr)', ALL],
  ['not over or', 'not (title eq "Engineer" or title pr)', ['u3', 'u5']],
  ['NOT( without space', 'NOT(active eq false)', ['u1', 'u3', 'u4']],
  [
    'value path inside logic',
    'title pr and (active eq false or emails[type eq "work" and primary eq true])',
    ['u1', 'u2'],
  ],
  // groups (derived from memberships, in a side table).
  ['groups without sub compares value', 'groups eq "g1"', ['u1', 'u2']],
  ['groups and active', 'groups.value eq "g2" and active eq true', ['u4']],
  ['groups not pr', 'not (groups pr)', ['u3', 'u5']],
  // Syntax and limits.
  ['empty filter', '', INVALID],
  ['blank filter', '   ', INVALID],
  ['missing value', 'userName eq', INVALID],
  ['missing operator', 'userName "x"', INVALID],
  ['unterminated string', 'userName eq "x', INVALID],
  ['trailing garbage', 'userName eq "x" extra', INVALID],
  ['unbalanced )', 'userName eq "x")', INVALID],
  ['unbalanced (', '(userName eq "x"', INVALID],
  // Unquoted values are strings unless they spell another JSON value (issue 11 item 3; docs/idps.md).
  ['unquoted address', 'userName eq alice@acme.com', ['u1']],
  ['unquoted word', 'externalId eq ext-A1', ['u1']],
  ['unquoted word matching nobody', 'userName eq alice', []],
  ['unquoted sw', 'userName sw ALICE', ['u1']],
  ['unquoted number stays a number', 'title eq 12', INVALID],
  ['unquoted true stays a boolean', 'title eq true', INVALID],
  ['not an operator', 'userName == "x"', INVALID],
  ['dangling and', 'userName eq "x" and', INVALID],
  ['dangling or', 'userName eq "x" or', INVALID],
  ['leading and', 'and userName eq "x"', INVALID],
  ['not without parentheses', 'not userName eq "x"', INVALID],
  ['bad escape', 'userName eq "a\\qb"', INVALID],
  ['raw control character in a string', 'userName eq "a\tb"', INVALID],
  ['single quotes', "userName eq 'x'", INVALID],
  ['unknown attribute', 'nickname2 eq "x"', INVALID],
  ['pr twice', 'userName pr pr', INVALID],
  ['or or', 'userName eq "x" or or title pr', INVALID],
  ['eq null on a required attribute', 'userName eq null', []],
  ['gt null', 'title gt null', INVALID],
  ['unclosed group', 'userName eq "x" and (title pr', INVALID],
  ['not ( at the end', 'not (', INVALID],
  ['stray ]', 'title eq "x"]', INVALID],
  ['two filters without a keyword', 'userName eq "x" not (title pr)', INVALID],
  ['not( over a comparison', 'not(userName eq "alice@acme.com")', ['u2', 'u3', 'u4', 'u5']],
  ['50 levels deep', `${'('.repeat(50)}userName pr${')'.repeat(50)}`, ALL],
  ['51 levels deep', `${'('.repeat(51)}userName pr${')'.repeat(51)}`, INVALID],
  ['51 levels of not', `${'not ('.repeat(51)}userName pr${')'.repeat(51)}`, INVALID],
  ['4096 characters', `userName eq "${'a'.repeat(4096 - 14)}"`, []],
  ['4097 characters', `userName eq "${'a'.repeat(4097 - 14)}"`, INVALID],
];

const groupRows: readonly Row[] = [
  ['group displayName', 'displayName eq "engineering"', ['g1']],
  ['group displayName other case', 'DisplayName eq "SALES TEAM"', ['g2']],
  ['group displayName sw', 'displayName sw "e"', ['g1', 'g3']],
  ['members without sub compares value', 'members eq "u2"', ['g1', 'g2']],
  ['Entra membership check', 'id eq "g1" and members eq "u2"', ['g1']],
  ['Entra membership check, not a member', 'id eq "g1" and members eq "u4"', []],
  ['members.value is caseExact', 'members.value eq "U1"', []],
  ['group without members', 'not (members pr)', ['g3']],
  ['members value path', 'members[value eq "u4"]', ['g2']],
  ['user attribute on a group', 'userName eq "x"', INVALID],
];

export const filterCases: readonly FilterCase[] = [
  ...userRows.map(([label, filter, expect]) => ({ label, resource: 'User' as const, filter, expect })),
  ...groupRows.map(([label, filter, expect]) => ({ label, resource: 'Group' as const, filter, expect })),
];

export function schemaOf(resource: FilterCase['resource']): ResourceSchema {
  return resource === 'User' ? userResource : groupResource;
}

export function fixturesOf(resource: FilterCase['resource']): readonly Record<string, unknown>[] {
  return resource === 'User' ? userFixtures : groupFixtures;
}

function meta(created: string, lastModified: string, resourceType = 'User'): Record<string, unknown> {
  return { resourceType, created, lastModified };
}

function user(id: string, attributes: Record<string, unknown>): Record<string, unknown> {
  const groups = groupFixtures
    .filter((g) => (g['members'] as { value: string }[]).some((m) => m.value === id))
    .map((g) => ({ value: g['id'], display: g['displayName'] }));
  return { id, ...attributes, groups };
}

function group(id: string, displayName: string, members: readonly string[], created: string): Record<string, unknown> {
  return {
    id,
    displayName,
    members: members.map((value) => ({ value })),
    meta: meta(created, created, 'Group'),
  };
}
