import t from 'tap';
import { resolveAttributePath, type AttributeRef } from '../../src/scim/attribute-path.js';
import { ScimError } from '../../src/scim/errors.js';
import { parseFilter, parseValueFilter } from '../../src/scim/filter.js';
import type { Filter } from '../../src/scim/filter-ast.js';
import { SYNC_SCHEMA, groupResource, userResource } from '../../src/scim/schemas.js';
import { filterCases, schemaOf } from './filter-cases.js';

/** The ScimError's `status scimType`, or 'parsed' when the filter parses; anything else thrown fails the test. */
function outcome(parse: () => Filter): string {
  try {
    parse();
    return 'parsed';
  } catch (err) {
    if (err instanceof ScimError) return `${err.status} ${err.scimType ?? ''}`;
    throw err;
  }
}

function ref(path: string): AttributeRef {
  const resolved = resolveAttributePath(userResource, path);
  if (!resolved) throw new Error(`test bug: ${path} does not resolve`);
  return resolved;
}

t.test('every case of the shared table parses, or fails with 400 invalidFilter', async (t) => {
  t.ok(filterCases.filter((c) => c.expect === 'invalidFilter').length >= 40, 'enough rejected cases');
  for (const c of filterCases) {
    const expected = c.expect === 'invalidFilter' ? '400 invalidFilter' : 'parsed';
    const name = `${c.label}: ${c.filter.slice(0, 100)}`;
    t.equal(outcome(() => parseFilter(c.filter, schemaOf(c.resource))), expected, name);
  }
});

t.test('the tree: precedence not > and > or, canonical names, resolved refs', async (t) => {
  const a = { kind: 'compare', attr: ref('userName'), op: 'eq', value: 'a' } as const;
  const b = { kind: 'present', attr: ref('title') } as const;
  const c = { kind: 'compare', attr: ref('active'), op: 'eq', value: false } as const;
  const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
  const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
  const attempts = ref(`${SYNC_SCHEMA}:attempts`);
  const cases: { filter: string; tree: Filter }[] = [
    { filter: 'userName eq "a" or title pr and active eq false', tree: or(a, and(b, c)) },
    { filter: 'userName eq "a" and title pr or active eq false', tree: or(and(a, b), c) },
    { filter: 'not (userName eq "a") and title pr', tree: and({ kind: 'not', filter: a }, b) },
    { filter: 'userName eq "a" or title pr or active eq false', tree: or(or(a, b), c) },
    { filter: 'USERNAME Eq "a"', tree: a },
    { filter: 'urn:ietf:params:scim:schemas:core:2.0:user:username eq "a"', tree: a },
    { filter: 'title eq NULL', tree: { kind: 'compare', attr: ref('title'), op: 'eq', value: null } },
    { filter: 'emails eq "x"', tree: { kind: 'compare', attr: ref('emails.value'), op: 'eq', value: 'x' } },
    { filter: 'emails pr', tree: { kind: 'present', attr: ref('emails.value') } },
    { filter: 'name pr', tree: { kind: 'present', attr: ref('name') } },
    {
      filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m"',
      tree: {
        kind: 'compare',
        attr: ref('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value'),
        op: 'eq',
        value: 'm',
      },
    },
    { filter: `${SYNC_SCHEMA}:attempts gt 1E2`, tree: { kind: 'compare', attr: attempts, op: 'gt', value: 100 } },
    { filter: `${SYNC_SCHEMA}:attempts ge -0`, tree: { kind: 'compare', attr: attempts, op: 'ge', value: -0 } },
    {
      filter: 'title eq "\\u00e9\\n\\"\\\\\\/"',
      tree: { kind: 'compare', attr: ref('title'), op: 'eq', value: 'é\n"\\/' },
    },
  ];
  for (const c of cases) t.same(parseFilter(c.filter, userResource), c.tree, c.filter);
});

t.test("Entra's emails[type eq \"work\"].value eq is the value path with both conditions", async (t) => {
  const entra = parseFilter('emails[type eq "work"].value eq "a@b.c"', userResource);
  t.same(entra, parseFilter('emails[type eq "work" and value eq "a@b.c"]', userResource));
  t.same(entra, {
    kind: 'valuePath',
    attr: ref('emails'),
    filter: {
      kind: 'and',
      left: { kind: 'compare', attr: ref('emails.type'), op: 'eq', value: 'work' },
      right: { kind: 'compare', attr: ref('emails.value'), op: 'eq', value: 'a@b.c' },
    },
  });
});

t.test('dateTime literals become canonical UTC with milliseconds; anything else is invalidFilter', async (t) => {
  const cases: { literal: string; expected: string | 'invalidFilter' }[] = [
    { literal: '2026-01-01T00:00:00Z', expected: '2026-01-01T00:00:00.000Z' },
    { literal: '2026-01-01T00:00:00', expected: '2026-01-01T00:00:00.000Z' },
    { literal: '2026-01-01t00:00:00z', expected: '2026-01-01T00:00:00.000Z' },
    { literal: '2015-10-10T14:38:21.8617979-07:00', expected: '2015-10-10T21:38:21.861Z' },
    { literal: '2026-01-01T00:30:00+01:00', expected: '2025-12-31T23:30:00.000Z' },
    { literal: '2024-02-29T12:00:00.5+14:00', expected: '2024-02-28T22:00:00.500Z' },
    { literal: '9999-12-31T23:59:59.999Z', expected: '9999-12-31T23:59:59.999Z' },
    { literal: '0050-06-01T00:00:00Z', expected: '0050-06-01T00:00:00.000Z' },
    { literal: '2023-02-29T00:00:00Z', expected: 'invalidFilter' },
    { literal: '2026-04-31T00:00:00Z', expected: 'invalidFilter' },
    { literal: '2026-13-01T00:00:00Z', expected: 'invalidFilter' },
    { literal: '2026-01-01T24:00:00Z', expected: 'invalidFilter' },
    { literal: '2026-01-01T00:60:00Z', expected: 'invalidFilter' },
    { literal: '2026-01-01T00:00:60Z', expected: 'invalidFilter' },
    { literal: '2026-01-01T00:00:00+2:00', expected: 'invalidFilter' },
    { literal: '2026-01-01T00:00:00+24:00', expected: 'invalidFilter' },
    { literal: '0000-01-01T00:30:00+01:00', expected: 'invalidFilter' },
    { literal: '2026-01-01 00:00:00Z', expected: 'invalidFilter' },
    { literal: 'Thu, 01 Jan 2026 00:00:00 GMT', expected: 'invalidFilter' },
    { literal: '', expected: 'invalidFilter' },
  ];
  for (const c of cases) {
    const text = `meta.lastModified ge ${JSON.stringify(c.literal)}`;
    if (c.expected === 'invalidFilter') {
      t.equal(outcome(() => parseFilter(text, userResource)), '400 invalidFilter', c.literal);
    } else {
      t.same(parseFilter(text, userResource), {
        kind: 'compare',
        attr: ref('meta.lastModified'),
        op: 'ge',
        value: c.expected,
      }, c.literal);
    }
  }
});

t.test('parseValueFilter reads the inside of a PATCH path filter against its parent', async (t) => {
  const emails = ref('emails');
  t.same(parseValueFilter('type eq "work" and not (value co "@x")', emails, userResource), {
    kind: 'and',
    left: { kind: 'compare', attr: ref('emails.type'), op: 'eq', value: 'work' },
    right: { kind: 'not', filter: { kind: 'compare', attr: ref('emails.value'), op: 'co', value: '@x' } },
  });
  const members = resolveAttributePath(groupResource, 'members');
  if (!members) throw new Error('test bug: members does not resolve');
  t.same(parseValueFilter('Value eq "2819c223"', members, groupResource), {
    kind: 'compare',
    attr: { ...members, subAttribute: members.attribute.subAttributes?.[0] },
    op: 'eq',
    value: '2819c223',
  });
  const invalid: { text: string; parent: AttributeRef }[] = [
    { text: '', parent: emails },
    { text: 'nope eq "x"', parent: emails },
    { text: 'emails.type eq "work"', parent: emails },
    { text: 'type[value eq "x"]', parent: emails },
    { text: 'type eq "work"].value', parent: emails },
    { text: 'primary gt true', parent: emails },
    { text: 'value eq "x"', parent: ref('emails.value') },
    { text: 'value eq "x"', parent: ref('title') },
  ];
  for (const c of invalid) {
    t.equal(outcome(() => parseValueFilter(c.text, c.parent, userResource)), '400 invalidFilter', c.text);
  }
});

t.test('the parser throws nothing but ScimError, whatever the input', async (t) => {
  // Every prefix and suffix of every case: truncated quotes, brackets and URNs.
  let tried = 0;
  for (const c of filterCases) {
    for (let i = 0; i <= Math.min(c.filter.length, 200); i += 1) {
      for (const text of [c.filter.slice(0, i), c.filter.slice(i)]) {
        const result = outcome(() => parseFilter(text, schemaOf(c.resource)));
        if (result !== 'parsed' && result !== '400 invalidFilter') t.fail(`${text} gave ${result}`);
        tried += 1;
      }
    }
  }
  // Random token soup from a fixed seed, so a failure reproduces.
  const pieces = [
    '(', ')', '[', ']', ' ', 'not', 'and', 'or', 'userName', 'emails', '.value', 'eq', 'pr', 'gt', 'co', '"x"', '"',
    '\\', 'true', '1.5', '-', 'null', 'meta.created', '"2025-01-01T00:00:00Z"', '\u0000', '\u{1F600}', 'urn:',
    'urn:ietf:params:scim:schemas:core:2.0:User:', '$ref', "'", '=', '.', ':',
  ];
  let seed = 20260101;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 5000; i += 1) {
    const text = Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join('');
    const result = outcome(() => parseFilter(text, userResource));
    if (result !== 'parsed' && result !== '400 invalidFilter') t.fail(`${JSON.stringify(text)} gave ${result}`);
    tried += 1;
  }
  t.ok(tried > 5000, `${tried} inputs, each parsed or rejected with invalidFilter`);
});

t.test('hostile inputs at the size limit are rejected without deep recursion or backtracking', async (t) => {
  const inputs = [
    '('.repeat(4096),
    'not ('.repeat(819),
    '"'.repeat(4096),
    `"${'\\'.repeat(4094)}"`,
    'a'.repeat(4096),
    'emails['.repeat(585),
    `${'userName pr and '.repeat(255)}`,
    `userName eq ${'9'.repeat(4084)}`,
    `${SYNC_SCHEMA}:attempts eq ${'9'.repeat(400)}`,
  ];
  for (const text of inputs) {
    t.ok(text.length <= 4096, `${text.length} characters`);
    t.equal(outcome(() => parseFilter(text, userResource)), '400 invalidFilter', text.slice(0, 30));
  }
});
