import { createHash } from 'node:crypto';
import t from 'tap';
import type { AuditEntry } from '../../src/store/audit-log.js';
import { runCli } from '../helpers/cli.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const JANE = 'jane@example.com';
const FINGERPRINT = `token:${createHash('sha256').update(TEST_TOKEN).digest('hex').slice(0, 12)}`;

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AuditEntry);

t.test('every provisioning action is in the audit log; `audit` answers "what happened to Jane"', async (t) => {
  const h = await startHarness(t);
  const jane = (await h.request('POST', '/Users', { body: userBody(JANE) })).body;
  const bob = (await h.request('POST', '/Users', { body: userBody('bob@example.com') })).body;
  const eng = (await h.request('POST', '/Groups', { body: { displayName: 'Engineering', members: [{ value: bob.id }] } })).body;
  await h.request('PATCH', `/Groups/${eng.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: jane.id }] }] },
  });
  // Asana refuses a create for good: the IdP gets the error, the log says why.
  h.simulator.setFaults({ failNext: { count: 1, status: 403 } });
  t.equal((await h.request('POST', '/Users', { body: userBody('refused@example.com') })).status, 403);
  // Asana is down: Jane's deactivation is answered with the work queued, and the bridge retries it later. The
  // bridge must already know its token's owner (never removed), or the 503s would meet that look-up instead: the
  // first readiness check learns it, and may still be running on a loaded machine.
  await h.bridge.readiness.check();
  h.simulator.setFaults({ failNext: { count: 3, status: 503 } });
  const deactivated = await h.request('PATCH', `/Users/${jane.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
  });
  t.equal(deactivated.status, 200);
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.clearFaults();
  t.equal((await h.request('DELETE', `/Users/${jane.id}`)).status, 204);
  // A read is not a provisioning action.
  await h.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${JANE}"`)}`);

  const all = await h.bridge.store.queryAudit({ limit: 100 });
  t.notOk(JSON.stringify(all).includes(TEST_TOKEN), 'the token itself is never stored');
  t.same(
    all.filter((e) => e.actor === FINGERPRINT).map((e) => e.operation).reverse(),
    ['create', 'create', 'create', 'patch', 'create', 'patch', 'delete'],
    'each SCIM write by the IdP, and nothing for the reads',
  );

  const result = await runCli(h, ['audit', '--user', 'JANE@example.com', '--json']);
  t.equal(result.code, 0, result.stderr);
  const history = jsonLines(result.stdout);
  t.same(
    history.map((e) => [e.actor === FINGERPRINT ? 'idp' : e.actor, e.operation, e.resourceType, e.outcome, e.httpStatus]),
    [
      ['idp', 'create', 'User', 'synced', 201],
      ['idp', 'patch', 'Group', 'synced', 204],
      ['idp', 'patch', 'User', 'pending', 200],
      ['bridge', 'retry', 'User', 'done: removeUserFromWorkspace', null],
      ['idp', 'delete', 'User', 'deleted', 204],
    ],
    'oldest first, also after the user is gone, with the group change that touched her',
  );
  const [created, joined, patched, retried] = history;
  t.match(created, { subject: JANE, resourceId: jane.id, asanaCalls: [{ operation: 'addUserForWorkspace', status: 200 }] });
  t.ok(created && created.asanaCalls[0]!.ms >= 0);
  t.match(joined, { subject: 'Engineering', asanaCalls: [{ operation: 'addUserForTeam', status: 200 }] });
  t.ok(patched && patched.asanaCalls.length >= 1 && patched.asanaCalls.every((c) => c.status === 503), 'the failed attempts, each with its status');
  t.match(retried, { subject: JANE });
  t.match(retried?.asanaCalls.at(-1), { operation: 'removeUserForWorkspace', status: 200 }, 'the retry that got through');

  const refused = all.find((e) => e.subject === 'refused@example.com');
  t.match(refused, { operation: 'create', outcome: 'rejected', httpStatus: 403, asanaCalls: [{ status: 403 }] });
  t.match(refused?.detail, /Asana/, 'the reason the IdP was given');

  const group = jsonLines((await runCli(h, ['audit', '--group', 'engineering', '--json'])).stdout);
  t.same(group.map((e) => e.operation), ['create', 'patch']);
  t.match(group[0], { asanaCalls: [{ operation: 'typeaheadForWorkspace' }, { operation: 'createTeam' }] });

  t.same(jsonLines((await runCli(h, ['audit', '--since', '2999-01-01', '--json'])).stdout), [], '--since filters');
  t.equal(jsonLines((await runCli(h, ['audit', '--since', '1h', '--json'])).stdout).length, all.length);
  const text = await runCli(h, ['audit', '--user', JANE]);
  t.match(text.stdout, /create User jane@example\.com → synced \(201\)\s+asana: addUserForWorkspace 200/);
  t.equal((await runCli(h, ['audit', '--user', JANE, '--group', 'x'])).code, 64, 'usage error');
  t.equal((await runCli(h, ['audit', '--since', 'last tuesday'])).code, 64);
});

t.test('retention: entries older than AUDIT_RETENTION_DAYS are removed at start', async (t) => {
  const first = await startHarness(t, { env: { AUDIT_RETENTION_DAYS: '30' } });
  const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
  await first.bridge.store.appendAudit({
    at: old,
    actor: 'bridge',
    operation: 'retry',
    resourceType: 'User',
    resourceId: 'u-1',
    subject: 'old@example.com',
    userIds: [],
    asanaCalls: [],
    outcome: 'done: addUserToWorkspace',
    httpStatus: null,
    detail: null,
  });
  await first.request('POST', '/Users', { body: userBody('new@example.com') });
  await first.bridge.close();
  const again = await startHarness(t, { env: { AUDIT_RETENTION_DAYS: '30' }, databasePath: first.databasePath });
  const left = await again.bridge.store.queryAudit({ limit: 10 });
  t.same(left.map((e) => e.subject), ['new@example.com']);
});

t.test('a POST /Bulk is one entry under the IdP token, naming the users its work touched', async (t) => {
  const h = await startHarness(t);
  const bulk = await h.request('POST', '/Bulk', {
    body: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'kim', data: userBody('kim@example.com') },
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'Bulk team', members: [{ value: 'bulkId:kim' }] } },
      ],
    },
  });
  t.equal(bulk.status, 200);
  t.same(bulk.body.Operations.map((o: { status: string }) => o.status), ['201', '201']);
  const entries = (await h.bridge.store.queryAudit({ limit: 10 })).filter((e) => e.operation === 'bulk');
  t.equal(entries.length, 1, 'one entry for the request');
  t.match(entries[0], { actor: FINGERPRINT, outcome: 'done', httpStatus: 200, detail: '2 operations' });
  t.ok((entries[0]?.asanaCalls.length ?? 0) >= 3, 'with the invitation, the team creation and the team add');
  const history = jsonLines((await runCli(h, ['audit', '--user', 'kim@example.com', '--json'])).stdout);
  t.ok(history.some((e) => e.operation === 'bulk'), '`audit --user` finds it');
});
