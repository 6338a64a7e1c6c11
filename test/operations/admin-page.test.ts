import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { runReconcilePass } from '../../src/provisioning/reconcile-pass.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Written by this test; docs/admin-page.png in the README is a copy of it. */
const SCREENSHOT = join('.tap', 'screenshots', 'admin-page.png');

/**
 * Debian's chromium, headless, as this machine runs it (playwright-core never downloads a browser): no sandbox
 * (root in a container), no GPU, and nothing that calls out to Google's services on a closed network.
 * Playwright gives every launch a fresh, empty profile directory.
 */
const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const rows = (page: Page, table: string) =>
  page.locator(`#${table} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );

/** Types a search and waits until the page has rendered its answer (the script stamps body[data-loaded]). */
async function searchFor(page: Page, text: string): Promise<void> {
  const before = await page.getAttribute('body', 'data-loaded');
  await page.fill('#q', text);
  await page.click('#search button[type=submit]');
  // A selector, not a predicate: the page's CSP forbids the eval a string predicate needs.
  const changed = before === null ? 'body[data-loaded]' : `body[data-loaded]:not([data-loaded=${JSON.stringify(before)}])`;
  await page.waitForSelector(changed, { state: 'attached' });
}

t.test('without ADMIN_TOKEN there is no admin page', async (t) => {
  const h = await startHarness(t);
  t.equal((await h.request('GET', '/admin', { anonymous: true })).status, 404);
  t.equal((await h.request('GET', '/admin/api/overview')).status, 404);
});

t.test('the admin page in headless Chromium: state, failures with reasons, audit trail, drift, search', async (t) => {
  const h = await startHarness(t, { env: { ADMIN_TOKEN, ASANA_SYNC_DEADLINE_MS: '100' } });
  t.equal((await h.request('GET', '/admin/api/overview', { anonymous: true })).status, 401);
  t.equal((await h.request('GET', '/admin/api/overview', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status, 401, 'not with a SCIM token');

  const jane = (await h.request('POST', '/Users', { body: userBody('jane@example.com') })).body;
  const raj = (await h.request('POST', '/Users', { body: userBody('raj@example.com') })).body;
  await h.request('POST', '/Groups', { body: { displayName: 'Engineering', members: [{ value: raj.id }] } });
  const ops = (await h.request('POST', '/Groups', { body: { displayName: '<img src=x onerror=alert(1)> Ops' } })).body;
  await h.request('PATCH', `/Groups/${ops.id}`, {
    body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: jane.id }] }] },
  });
  // Someone removes Raj by hand in Asana; the nightly pass finds it.
  await fetch(`${h.simulator.url}/workspaces/${h.simulator.workspaceGid}/removeUser`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { user: 'raj@example.com' } }),
  });
  await runReconcilePass({ reconciler: h.bridge.reconciler, trail: h.bridge.auditTrail, lease: h.bridge.reconcileLease }, 'reconciler', 'report');
  // Asana refuses one user after the IdP's deadline (failed), and is down for another (pending). Nothing else
  // may be in flight when the refusal is armed.
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.setFaults({ latencyMs: 300, failNext: { count: 1, status: 403 } });
  await h.request('POST', '/Users', { body: userBody('refused@example.com') });
  t.ok(await h.bridge.runner.drain(10_000));
  h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
  await h.request('POST', '/Users', { body: userBody('waiting@example.com') });

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // The browser reports the wrong token's 401 itself; anything else is a problem.
    if (message.type() === 'error' && !message.text().includes('status of 401')) problems.push(message.text());
  });
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });

  await page.goto(`${h.origin}/admin`);
  await page.locator('#login').waitFor();
  t.ok(await page.locator('#main').isHidden(), 'nothing is shown before a token');
  await page.fill('#token', 'wrong-token-0123456789');
  await page.click('#login button[type=submit]');
  await page.locator('#login-error', { hasText: 'not accepted' }).waitFor();

  await page.fill('#token', ADMIN_TOKEN);
  await page.click('#login button[type=submit]');
  await page.locator('#main').waitFor();
  t.ok(await page.locator('#login').isHidden(), 'the token form goes once the token is accepted');
  t.equal(await page.textContent('#readiness'), 'Ready');
  t.match(await page.textContent('#checked'), /Asana token: accepted/);
  t.match(await page.textContent('#queue'), /Ready\s*1|Backing off\s*1/, 'the waiting invitation is queued');

  const attention = await rows(page, 'attention');
  t.match(attention, [
    ['User', 'waiting@example.com', 'pending', String, /503/, String],
    ['User', 'refused@example.com', 'failed', '1', /403/, String],
  ], 'failed and pending resources with their reasons, newest first');
  // Raj is gone from the workspace, and with it (Asana drops a removed user's memberships) from Engineering.
  t.same(await rows(page, 'drift'), [
    ['userMissingInAsana', 'raj@example.com'],
    ['teamMemberMissing', 'raj@example.com in Engineering'],
  ]);
  t.match(await page.textContent('#reconcile'), /Outcome\s*drift: 2/);

  const audit = await rows(page, 'audit');
  t.ok(audit.length >= 7, 'the recent trail');
  t.match(audit.find((r) => r[3] === 'User refused@example.com' && r[1] !== 'bridge'), [String, /^token:[0-9a-f]{12}$/, 'create', String, '', 'pending (201)']);
  t.match(audit.find((r) => r[3] === 'User refused@example.com' && r[1] === 'bridge'), [
    String,
    'bridge',
    'continue',
    String,
    /^addUserForWorkspace 403 \(\d+ ms\)$/,
    'failed: addUserToWorkspace',
    /403/,
  ], 'the refusal that came after the IdP was answered');
  t.ok(audit.some((r) => r[3] === 'Group <img src=x onerror=alert(1)> Ops'), 'markup in a name is shown as text');

  // Search by email: Jane's history, including the group change that added her.
  await searchFor(page, 'jane@example.com');
  t.equal(await page.textContent('#audit-title'), 'Audit trail for “jane@example.com”');
  // The IdP's own writes (work that outlives the 100 ms deadline on a busy machine adds `continue` entries).
  const byIdp = async () => (await rows(page, 'audit')).filter((r) => r[1]?.startsWith('token:'));
  t.same((await byIdp()).map((r) => [r[2], r[3]]).reverse(), [
    ['create', 'User jane@example.com'],
    ['patch', 'Group <img src=x onerror=alert(1)> Ops'],
  ]);
  t.same(await rows(page, 'attention'), [['Nothing failed or pending.']]);

  // Search by group.
  await searchFor(page, 'engineering');
  t.match((await byIdp()).map((r) => [r[2], r[3], r[5]]), [['create', 'Group Engineering', /\(201\)$/]]);
  t.ok((await rows(page, 'audit')).every((r) => r[3] === 'Group Engineering'), 'only that group');

  await page.click('#clear');
  await page.locator('#audit-title', { hasText: 'Recent audit trail' }).waitFor();
  mkdirSync(join('.tap', 'screenshots'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  t.same([...readFileSync(SCREENSHOT).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG', `screenshot at ${SCREENSHOT}`);
  t.same(problems, [], 'no script error, no console error, no dialog');
  h.simulator.clearFaults();
});
