import t from 'tap';
import { parseFilter } from '../../src/scim/filter.js';
import { matchesFilter } from '../../src/scim/filter-predicate.js';
import { filterCases, fixturesOf, schemaOf } from './filter-cases.js';

t.test('matchesFilter selects what the shared case table expects', async (t) => {
  const valid = filterCases.filter((c) => c.expect !== 'invalidFilter');
  t.ok(valid.length >= 80, `${valid.length} selecting cases`);
  for (const c of valid) {
    const filter = parseFilter(c.filter, schemaOf(c.resource));
    const selected = fixturesOf(c.resource)
      .filter((resource) => matchesFilter(filter, resource))
      .map((resource) => resource['id']);
    t.same(selected, c.expect, `${c.label}: ${c.filter.slice(0, 120)}`);
  }
});

t.test('a value filter from a PATCH path runs against the elements of one resource', async (t) => {
  const alice = fixturesOf('User')[0] as Record<string, unknown>;
  const cases: { filter: string; expected: boolean }[] = [
    { filter: 'emails[type eq "home" and value ew ".example"]', expected: true },
    { filter: 'emails[type eq "home" and primary eq true]', expected: false },
    { filter: 'name[givenName eq "Alice" and not (middleName pr)]', expected: true },
    { filter: 'name[familyName sw "B"]', expected: false },
  ];
  for (const c of cases) {
    t.equal(matchesFilter(parseFilter(c.filter, schemaOf('User')), alice), c.expected, c.filter);
  }
});

t.test('values of the wrong JSON type never match and never throw', async (t) => {
  const odd = {
    id: 'x',
    userName: 42,
    active: 'True',
    emails: ['not-an-object', { value: 7 }],
    meta: { created: 'not a date' },
    name: 'flat',
  };
  const filters = [
    'userName eq "42"',
    'userName co "4"',
    'active eq true',
    'emails.value eq "not-an-object"',
    'emails co "7"',
    'meta.created gt "2000-01-01T00:00:00Z"',
    'name.givenName pr',
  ];
  for (const text of filters) {
    t.equal(matchesFilter(parseFilter(text, schemaOf('User')), odd), false, text);
  }
});
