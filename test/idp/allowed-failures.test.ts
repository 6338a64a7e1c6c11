import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { judge, loadAllowedFailures, type AllowedFailure } from '../../scripts/idp-collections/allowed-failures.js';
import type { AssertionResult } from '../../scripts/idp-collections/run-collection.js';

const here = dirname(fileURLToPath(import.meta.url));
const listPath = join(here, 'allowed-failures.json');

const listed = (collection: string, request: string): AllowedFailure => ({
  collection,
  request,
  assertion: 'status',
  reason: 'a reason',
});

/** Results written as "request assertion pass|fail". */
const results = (lines: readonly string[]): AssertionResult[] =>
  lines.map((line) => {
    const [request = '', assertion = '', outcome] = line.split(' ');
    return { request, assertion, passed: outcome === 'pass' };
  });

t.test('judge sorts results against the list', async (t) => {
  const list = [listed('microsoft', 'listed'), listed('microsoft', 'fixed'), listed('okta', 'other')];
  const cases: Array<[string, string[], string]> = [
    ['a listed failure is allowed; a listed pass is stale', ['listed status fail', 'fixed status pass'], '1 1 0 fixed'],
    ['an unlisted failure is unexpected', ['listed status fail', 'fixed status fail', 'new status fail'], '0 2 1 '],
    ['one entry covers a request that fails twice', ['listed status fail', 'listed status fail', 'fixed status fail'], '0 3 0 '],
    ['another assertion of a listed request is not covered', ['listed body fail', 'fixed status fail'], '0 1 1 listed'],
    ['an entry whose request did not run is stale', ['fixed status fail'], '0 1 0 listed'],
  ];
  for (const [name, lines, want] of cases) {
    const verdict = judge('microsoft', results(lines), list);
    const stale = verdict.stale.map((e) => e.request).join(',');
    // passed, allowed, unexpected, stale requests (another collection's entries are never stale here)
    t.equal(`${verdict.passed.length} ${verdict.allowed.length} ${verdict.unexpected.length} ${stale}`, want, name);
  }
});

t.test('the list is well formed, has no duplicates, and docs/compatibility.md lists every entry', async (t) => {
  const list = loadAllowedFailures(listPath);
  t.ok(list.length > 0);
  const keys = list.map((e) => `${e.collection} ${e.request} ${e.assertion}`);
  t.equal(new Set(keys).size, keys.length, 'no entry twice');
  const doc = readFileSync(join(here, '..', '..', 'docs', 'compatibility.md'), 'utf8');
  for (const e of list) {
    t.ok(doc.includes(`| ${e.request} | ${e.assertion} |`), `docs/compatibility.md lists ${e.request} › ${e.assertion}`);
  }
});

t.test('a malformed list is refused', async (t) => {
  const bodies = {
    'no-list.json': '{}',
    'not-a-list.json': '{"allowedFailures": {}}',
    'no-reason.json': '{"allowedFailures": [{"collection": "okta", "request": "r", "assertion": "a"}]}',
    'empty-reason.json': '{"allowedFailures": [{"collection": "okta", "request": "r", "assertion": "a", "reason": ""}]}',
  };
  const dir = t.testdir(bodies);
  for (const name of Object.keys(bodies)) {
    t.throws(() => loadAllowedFailures(join(dir, name)), /allowedFailures/, name);
  }
});
