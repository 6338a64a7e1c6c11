import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { startHarness, userBody } from '../helpers/harness.js';

t.test('scim-bridge reconcile --json prints progress and its figures, and records the pass', async (t) => {
  const h = await startHarness(t);
  for (const name of ['a', 'b', 'c']) await h.request('POST', '/Users', { body: userBody(`${name}@example.com`) });
  await fetch(`${h.simulator.url}/workspaces/${h.simulator.workspaceGid}/removeUser`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.simulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { user: 'b@example.com' } }),
  });
  const { code, stdout, stderr } = await runCli(h, ['reconcile', '--json']);
  t.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as { action: string; usersCompared: number; drift: Array<{ kind: string }>; asanaCalls: number; queued: number };
  t.equal(report.action, 'report');
  t.equal(report.usersCompared, 3);
  t.same(report.drift.map((d) => d.kind), ['userMissingInAsana']);
  t.equal(report.queued, 0);
  t.ok(report.asanaCalls >= 2, 'users page and the token owner');
  t.match(stderr, /compared 3\/3 users/, 'progress lines when stderr is not a terminal');
  const [entry] = await h.bridge.store.queryAudit({ operation: 'reconcile', limit: 1 });
  t.match(entry, { actor: 'cli', outcome: 'drift: 1' }, 'the pass is in the audit log');
  t.notMatch(stderr + stdout, h.simulator.token);
});

t.test('one reconcile pass at a time: the command stands aside while another process holds the pass', async (t) => {
  const h = await startHarness(t);
  const other = { name: 'reconcile', holder: 'replica-b', until: Date.now() + 60_000 } as const;
  t.ok(await h.bridge.store.takeLease(other, Date.now()), 'another replica is running a pass');
  const busy = await runCli(h, ['reconcile', '--json']);
  t.equal(busy.code, 75, 'EX_TEMPFAIL: try again later');
  t.match(busy.stderr, /another reconcile pass is running/);
  t.equal(busy.stdout, '', 'no report');
  t.same(await h.bridge.store.queryAudit({ operation: 'reconcile', limit: 1 }), [], 'no pass recorded');
  await h.bridge.store.releaseLease('reconcile', 'replica-b');
  const free = await runCli(h, ['reconcile', '--json']);
  t.equal(free.code, 0, free.stderr);
  t.ok(await h.bridge.store.takeLease({ ...other, until: Date.now() + 60_000 }, Date.now()), 'the command released the lease');
});
