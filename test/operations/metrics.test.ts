import t from 'tap';
import { runReconcilePass } from '../../src/provisioning/reconcile-pass.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format (version 0.0.4): one sample per line, `#` lines are metadata. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] ?? '', type[2] ?? '');
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[label[1] ?? ''] = label[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return { samples, types };
}

const find = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

t.test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const h = await startHarness(t);
  t.equal((await h.request('GET', '/metrics', { anonymous: true })).status, 404);
  t.equal((await h.request('GET', '/metrics')).status, 404, 'not with a SCIM token either');
});

t.test('/metrics: its own token, then the named metrics, parsed', async (t) => {
  const h = await startHarness(t, { env: { METRICS_TOKEN } });
  const scrape = () => h.request('GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

  t.equal((await h.request('GET', '/metrics', { anonymous: true })).status, 401);
  t.equal((await h.request('GET', '/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status, 401, 'a SCIM token is not a metrics token');
  t.equal((await h.request('GET', '/Users', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 401, 'nor the other way round');

  // Traffic: an IdP's existence check with an address in the filter, creates, a 429 from Asana, queued work.
  await h.request('GET', `/Users?filter=${encodeURIComponent('userName eq "jane@example.com"')}`);
  const jane = await h.request('POST', '/Users', { body: userBody('jane@example.com') });
  t.equal(jane.status, 201);
  h.simulator.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1 } });
  t.equal((await h.request('POST', '/Users', { body: userBody('limited@example.com') })).status, 201);
  // The 429's invitation is retried after its Retry-After, before Asana starts failing below.
  t.ok(await h.bridge.runner.drain(10_000));
  await h.request('GET', `/Users/${jane.body.id}`);
  // Someone removes a user by hand in Asana: the reconcile pass finds that drift.
  await fetch(`${h.simulator.url}/workspaces/${h.simulator.workspaceGid}/removeUser`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { user: 'limited@example.com' } }),
  });
  await runReconcilePass({ reconciler: h.bridge.reconciler, trail: h.bridge.auditTrail, lease: h.bridge.reconcileLease }, 'reconciler', 'report');
  // Asana keeps failing: this user's invitation stays queued while we scrape.
  h.simulator.setFaults({ failNext: { count: 100_000, status: 503 } });
  t.equal((await h.request('POST', '/Users', { body: userBody('queued@example.com') })).status, 201);

  const response = await scrape();
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const { samples, types } = parseExposition(response.text);

  const http = find(samples, 'scim_bridge_http_requests_total');
  t.ok(find(samples, 'scim_bridge_http_requests_total', { method: 'GET', route: '/scim/v2/Users', status: '200' })[0]?.value, 'list by route pattern');
  t.ok(find(samples, 'scim_bridge_http_requests_total', { method: 'GET', route: '/scim/v2/Users/:id', status: '200' })[0]?.value, 'get by route pattern');
  t.equal(find(samples, 'scim_bridge_http_requests_total', { method: 'POST', route: '/scim/v2/Users', status: '201' })[0]?.value, 3);
  t.notOk(http.some((s) => Object.values(s.labels).some((v) => v.includes('@') || v.includes('?') || v.includes(jane.body.id))), 'no address, query or id in a label');
  t.equal(types.get('scim_bridge_http_request_duration_seconds'), 'histogram');
  t.ok(find(samples, 'scim_bridge_http_request_duration_seconds_count', { route: '/scim/v2/Users', method: 'POST' })[0]?.value === 3);

  t.ok((find(samples, 'scim_bridge_asana_requests_total', { operation: 'addUserForWorkspace', status: '200' })[0]?.value ?? 0) >= 2);
  t.ok((find(samples, 'scim_bridge_asana_requests_total', { operation: 'addUserForWorkspace', status: '429' })[0]?.value ?? 0) >= 1);
  t.ok((find(samples, 'scim_bridge_asana_requests_total', { operation: 'addUserForWorkspace', status: '503' })[0]?.value ?? 0) >= 1);
  t.equal(types.get('scim_bridge_asana_request_duration_seconds'), 'histogram');
  t.ok((find(samples, 'scim_bridge_asana_request_duration_seconds_count', { operation: 'getWorkspaceMembershipsForWorkspace' })[0]?.value ?? 0) >= 1);
  t.ok((find(samples, 'scim_bridge_asana_rate_limited_total')[0]?.value ?? 0) >= 1);

  const queued = find(samples, 'scim_bridge_work_items');
  t.same(queued.map((s) => s.labels['state']).sort(), ['backoff', 'ready']);
  t.equal(queued.reduce((sum, s) => sum + s.value, 0), 1, 'the queued invitation');
  t.ok((find(samples, 'scim_bridge_work_oldest_age_seconds')[0]?.value ?? 0) > 0);
  t.equal(find(samples, 'scim_bridge_resources', { type: 'User', sync_state: 'synced' })[0]?.value, 2);
  t.equal(find(samples, 'scim_bridge_resources', { type: 'User', sync_state: 'pending' })[0]?.value, 1);
  t.equal(find(samples, 'scim_bridge_resources', { type: 'Group', sync_state: 'failed' })[0]?.value, 0);
  t.equal(find(samples, 'scim_bridge_drift_last_pass')[0]?.value, 1, 'the user removed by hand');
  t.equal(find(samples, 'scim_bridge_ready')[0]?.value, 1);
  t.match(find(samples, 'scim_bridge_build_info')[0], { labels: { version: '0.1.0', node: process.version }, value: 1 });
  t.ok(find(samples, 'process_cpu_user_seconds_total').length === 1, 'process metrics');
  t.ok(find(samples, 'nodejs_heap_size_used_bytes').length === 1, 'runtime metrics');
  t.notOk(response.text.includes('jane@example.com') || response.text.includes(TEST_TOKEN), 'no address or token anywhere');

  h.simulator.clearFaults();
  t.ok(await h.bridge.runner.drain(10_000), 'the queued work finishes once Asana answers');
  const after = parseExposition((await scrape()).text).samples;
  t.equal(find(after, 'scim_bridge_work_items').reduce((sum, s) => sum + s.value, 0), 0);
  t.equal(find(after, 'scim_bridge_work_oldest_age_seconds')[0]?.value, 0);
  t.equal(find(after, 'scim_bridge_resources', { type: 'User', sync_state: 'synced' })[0]?.value, 3);
});
