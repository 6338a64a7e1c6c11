import t from 'tap';
import { ScimError } from '../../src/scim/errors.js';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../../src/scim/list.js';
import { LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA } from '../../src/scim/schemas.js';

const opts = { defaultCount: 100, maxCount: 200 };
const defaults: ListQuery = { startIndex: 1, count: 100, sortOrder: 'ascending' };

/** Runs fn and returns the scimType of the ScimError it throws (undefined when it does not throw one). */
function scimTypeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return `${err.status} ${err.scimType ?? ''}`.trim();
    throw err;
  }
  return undefined;
}

t.test('parseListQuery: values, defaults and clamping (RFC 7644 §3.4.2)', async (t) => {
  const cases: { label: string; query: Record<string, unknown>; expected: ListQuery }[] = [
    { label: 'no parameters', query: {}, expected: defaults },
    {
      label: 'Okta existence check',
      query: { filter: 'userName eq "test.user@okta.local"', startIndex: '1', count: '100' },
      expected: { ...defaults, filter: 'userName eq "test.user@okta.local"' },
    },
    { label: 'a later page', query: { startIndex: '101', count: '100' }, expected: { ...defaults, startIndex: 101 } },
    { label: 'startIndex 0 is 1', query: { startIndex: '0' }, expected: defaults },
    { label: 'negative startIndex is 1', query: { startIndex: '-5' }, expected: defaults },
    { label: 'count 0 asks for totalResults only', query: { count: '0' }, expected: { ...defaults, count: 0 } },
    { label: 'negative count is 0', query: { count: '-1' }, expected: { ...defaults, count: 0 } },
    { label: 'count above maxResults is maxResults', query: { count: '5000' }, expected: { ...defaults, count: 200 } },
    { label: 'count with a plus sign', query: { count: '+5' }, expected: { ...defaults, count: 5 } },
    {
      label: 'numbers already coerced by a route schema',
      query: { startIndex: 3, count: 7 },
      expected: { ...defaults, startIndex: 3, count: 7 },
    },
    {
      label: 'a startIndex past any safe integer is clamped',
      query: { startIndex: '99999999999999999999999' },
      expected: { ...defaults, startIndex: Number.MAX_SAFE_INTEGER },
    },
    {
      label: 'names are case-insensitive',
      query: { Filter: 'displayName eq "x"', STARTINDEX: '2', Count: '5', SortBy: 'userName', sortorder: 'DESCENDING' },
      expected: { filter: 'displayName eq "x"', startIndex: 2, count: 5, sortBy: 'userName', sortOrder: 'descending' },
    },
    { label: 'sortOrder ascending', query: { sortOrder: 'Ascending' }, expected: defaults },
    {
      label: "unknown parameters are ignored (Entra's aadOptscim062020)",
      query: { aadOptscim062020: '', foo: 'bar' },
      expected: defaults,
    },
    {
      label: 'attribute lists are comma-separated, spaces trimmed',
      query: { attributes: 'userName, emails', excludedAttributes: 'members' },
      expected: { ...defaults, attributes: ['userName', 'emails'], excludedAttributes: ['members'] },
    },
    {
      label: 'empty values count as absent',
      query: { filter: '', startIndex: '', count: ' ', attributes: ',', sortOrder: '' },
      expected: defaults,
    },
  ];
  for (const { label, query, expected } of cases) t.same(parseListQuery(query, opts), expected, label);
});

t.test('parseListQuery: rejected queries', async (t) => {
  const cases: { label: string; query: Record<string, unknown> }[] = [
    { label: 'startIndex not a number', query: { startIndex: 'one' } },
    { label: 'startIndex a decimal', query: { startIndex: '1.5' } },
    { label: 'count not a number', query: { count: '10x' } },
    { label: 'count a decimal number', query: { count: 2.5 } },
    { label: 'sortOrder unknown', query: { sortOrder: 'up' } },
    { label: 'a parameter repeated', query: { count: ['1', '2'] } },
    { label: 'a parameter in two spellings', query: { count: '1', COUNT: '2' } },
  ];
  for (const { label, query } of cases) {
    t.equal(
      scimTypeOf(() => parseListQuery(query, opts)),
      '400 invalidValue',
      label,
    );
  }
});

t.test('parseSearchRequest: POST /.search bodies (RFC 7644 §3.4.3)', async (t) => {
  const cases: { label: string; body: Record<string, unknown>; expected: ListQuery }[] = [
    { label: 'only schemas', body: { schemas: [SEARCH_REQUEST_SCHEMA] }, expected: defaults },
    {
      label: 'every field',
      body: {
        schemas: [SEARCH_REQUEST_SCHEMA],
        attributes: ['displayName', 'userName'],
        excludedAttributes: ['groups'],
        filter: 'displayName sw "smith"',
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 1,
        count: 10,
      },
      expected: {
        filter: 'displayName sw "smith"',
        startIndex: 1,
        count: 10,
        sortBy: 'userName',
        sortOrder: 'descending',
        attributes: ['displayName', 'userName'],
        excludedAttributes: ['groups'],
      },
    },
    {
      label: 'the schema URN and field names are case-insensitive',
      body: { Schemas: [SEARCH_REQUEST_SCHEMA.toUpperCase()], StartIndex: 0, COUNT: 1000 },
      expected: { ...defaults, count: 200 },
    },
    {
      label: 'null fields count as absent',
      body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: null, count: null, attributes: null },
      expected: defaults,
    },
    {
      label: 'negative count is 0',
      body: { schemas: [SEARCH_REQUEST_SCHEMA], count: -3 },
      expected: { ...defaults, count: 0 },
    },
  ];
  for (const { label, body, expected } of cases) t.same(parseSearchRequest(body, opts), expected, label);
});

t.test('parseSearchRequest: rejected bodies', async (t) => {
  const search = { schemas: [SEARCH_REQUEST_SCHEMA] };
  const cases: { label: string; body: unknown; expected: string }[] = [
    { label: 'not an object', body: [search], expected: '400 invalidSyntax' },
    { label: 'null', body: null, expected: '400 invalidSyntax' },
    { label: 'no schemas', body: { filter: 'userName eq "a"' }, expected: '400 invalidSyntax' },
    { label: 'another message schema', body: { schemas: [LIST_RESPONSE_SCHEMA] }, expected: '400 invalidSyntax' },
    { label: 'schemas not an array', body: { schemas: SEARCH_REQUEST_SCHEMA }, expected: '400 invalidSyntax' },
    { label: 'startIndex as a string', body: { ...search, startIndex: '1' }, expected: '400 invalidValue' },
    { label: 'count a decimal', body: { ...search, count: 1.5 }, expected: '400 invalidValue' },
    { label: 'attributes as a string', body: { ...search, attributes: 'userName' }, expected: '400 invalidValue' },
    {
      label: 'excludedAttributes with a number',
      body: { ...search, excludedAttributes: [1] },
      expected: '400 invalidValue',
    },
    { label: 'filter not a string', body: { ...search, filter: { op: 'eq' } }, expected: '400 invalidValue' },
    { label: 'sortOrder unknown', body: { ...search, sortOrder: 'sideways' }, expected: '400 invalidValue' },
  ];
  for (const { label, body, expected } of cases) {
    t.equal(
      scimTypeOf(() => parseSearchRequest(body, opts)),
      expected,
      label,
    );
  }
});

t.test('listResponse (RFC 7644 §3.4.2)', async (t) => {
  const cases: { label: string; resources: object[]; total: number; startIndex: number }[] = [
    { label: 'empty result', resources: [], total: 0, startIndex: 1 },
    { label: 'one page of two', resources: [{ id: 'a' }, { id: 'b' }], total: 5, startIndex: 1 },
    { label: 'a later page', resources: [{ id: 'c' }], total: 5, startIndex: 5 },
  ];
  for (const { label, resources, total, startIndex } of cases) {
    t.same(
      listResponse(resources, total, startIndex),
      {
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: total,
        itemsPerPage: resources.length,
        startIndex,
        Resources: resources,
      },
      label,
    );
  }
});
