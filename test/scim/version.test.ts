import t from 'tap';
import { etagOf, ifMatchSatisfied, ifNoneMatchSatisfied } from '../../src/scim/version.js';

t.test('etagOf builds a weak entity-tag (RFC 7644 §3.14)', async (t) => {
  const cases: [number, string][] = [
    [0, 'W/"0"'],
    [1, 'W/"1"'],
    [42, 'W/"42"'],
  ];
  for (const [version, expected] of cases) t.equal(etagOf(version), expected, `version ${version}`);
});

// version 3 is current in every row.
const conditionCases: { header: string | undefined; matches: boolean; label: string }[] = [
  { header: 'W/"3"', matches: true, label: 'the weak tag of the current version' },
  { header: '"3"', matches: true, label: 'a strong tag with the same opaque part (weak comparison)' },
  { header: 'W/"2"', matches: false, label: 'an older version' },
  { header: 'W/"33"', matches: false, label: 'a tag that only starts with the version' },
  { header: '*', matches: true, label: 'the wildcard' },
  { header: ' * ', matches: true, label: 'the wildcard with spaces' },
  { header: 'W/"1", W/"3"', matches: true, label: 'a list containing the current tag' },
  { header: 'W/"1",W/"2"', matches: false, label: 'a list without the current tag' },
  { header: '3', matches: false, label: 'an unquoted value, which is no entity-tag' },
  { header: '', matches: false, label: 'an empty header' },
];

t.test('ifMatchSatisfied: the write proceeds only on a match', async (t) => {
  t.equal(ifMatchSatisfied(undefined, 3), true, 'absent header imposes no condition');
  for (const { header, matches, label } of conditionCases) t.equal(ifMatchSatisfied(header, 3), matches, label);
});

t.test('ifNoneMatchSatisfied: serve unless the client holds the current version', async (t) => {
  t.equal(ifNoneMatchSatisfied(undefined, 3), true, 'absent header imposes no condition');
  for (const { header, matches, label } of conditionCases) t.equal(ifNoneMatchSatisfied(header, 3), !matches, label);
});

t.test('an etag produced by etagOf satisfies its own version only', async (t) => {
  t.equal(ifMatchSatisfied(etagOf(7), 7), true);
  t.equal(ifMatchSatisfied(etagOf(7), 8), false);
  t.equal(ifNoneMatchSatisfied(etagOf(7), 7), false);
  t.equal(ifNoneMatchSatisfied(etagOf(7), 8), true);
});
