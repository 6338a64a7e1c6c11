import t from 'tap';
import { startHarness, userBody, type Harness } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const deactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function create(h: Harness, userName: string, extra: Record<string, unknown> = {}): Promise<{ id: string; gid: string }> {
  const response = await h.request('POST', '/Users', { body: userBody(userName, extra) });
  if (response.status !== 201) throw new Error(`create ${userName}: ${response.status} ${response.text}`);
  return { id: response.body.id, gid: response.body[SYNC].asanaGid };
}

t.test('a deactivated user\'s open tasks go to their manager before removeUser; the Sync extension and the log say so', async (t) => {
  const h = await startHarness(t, { env: { TASK_HANDOVER_TO: 'manager,archive@example.com' } });
  h.simulator.addUser({ name: 'Archive', email: 'archive@example.com' });
  const boss = await create(h, 'boss@example.com');
  const jane = await create(h, 'jane@example.com', { [ENTERPRISE]: { manager: { value: boss.id } } });
  const open = h.simulator.addTasks({ assignee: jane.gid, count: 130, name: 'Open' });
  const done = h.simulator.addTasks({ assignee: jane.gid, count: 4, completed: true, name: 'Done' });
  h.simulator.clearRequests();

  const answer = await h.request('PATCH', `/Users/${jane.id}`, { body: deactivate });
  t.equal(answer.status, 200, 'the IdP is answered as usual');
  const after = await until(
    async () => (await h.request('GET', `/Users/${jane.id}`)).body,
    (body) => body[SYNC].state === 'synced',
  );
  t.match(after[SYNC].taskHandover, { state: 'done', to: 'manager', toAsanaGid: boss.gid, handedOver: 130, notHandedOver: 0 });

  const tasks = new Map(h.simulator.tasks().map((x) => [x.gid, x]));
  t.ok(open.every((x) => tasks.get(x.gid)?.assignee === boss.gid), 'every open task is the manager\'s now');
  t.ok(done.every((x) => tasks.get(x.gid)?.assignee === jane.gid), 'completed tasks stay where they were');
  t.equal(h.simulator.users().find((u) => u.gid === jane.gid)?.active, false, 'and then Jane was removed');

  const calls = h.simulator.requests().filter((r) => r.status === 200 || r.status === 201);
  const lastPut = calls.map((r) => r.method === 'PUT' && r.path.startsWith('/api/1.0/tasks/')).lastIndexOf(true);
  const removal = calls.findIndex((r) => r.path.endsWith('/removeUser'));
  t.ok(lastPut >= 0 && removal > lastPut, 'removeUser came after the last reassignment');
  t.equal(calls.filter((r) => r.method === 'GET' && r.path === '/api/1.0/tasks').length, 2, 'two pages of tasks read');

  const line = h.logs.find((l) => l.includes('task handover: 130 tasks to manager'));
  t.ok(line, 'the log says how many went to whom');
  t.notMatch(line ?? '', /@example\.com/, 'without an address in it');
});

t.test('a deleted user without a manager: the next target (an address) gets the tasks', async (t) => {
  const h = await startHarness(t, { env: { TASK_HANDOVER_TO: 'manager,archive@example.com' } });
  const archive = h.simulator.addUser({ name: 'Archive', email: 'archive@example.com' });
  const sam = await create(h, 'sam@example.com');
  h.simulator.addTasks({ assignee: sam.gid, count: 7 });
  t.equal((await h.request('DELETE', `/Users/${sam.id}`)).status, 204);
  t.ok(await h.bridge.runner.drain(), 'the queue drains');
  t.same(
    h.simulator.tasks().map((x) => x.assignee),
    Array(7).fill(archive.gid),
    'all seven with the archive account',
  );
  t.equal(h.simulator.users().find((u) => u.gid === sam.gid)?.active, false);
  const line = h.logs.find((l) => l.includes('task handover: 7 tasks to TASK_HANDOVER_TO entry 2'));
  t.ok(line, 'the log names the entry by its position');
  t.notMatch(line ?? '', /@example\.com/, 'not by its address');
});

t.test('no target is an active member: the removal goes ahead and says nothing was handed over', async (t) => {
  const h = await startHarness(t, { env: { TASK_HANDOVER_TO: 'nobody@example.com' } });
  const kim = await create(h, 'kim@example.com');
  h.simulator.addTasks({ assignee: kim.gid, count: 3 });
  await h.request('PATCH', `/Users/${kim.id}`, { body: deactivate });
  t.ok(await h.bridge.runner.drain());
  const body = (await h.request('GET', `/Users/${kim.id}`)).body;
  t.equal(body[SYNC].state, 'synced');
  t.match(body[SYNC].taskHandover, { state: 'done', handedOver: 0, outcome: /no TASK_HANDOVER_TO target/ });
  t.equal(h.simulator.users().find((u) => u.gid === kim.gid)?.active, false, 'access is revoked all the same');
});

t.test('a handover that keeps failing never holds the removal back past TASK_HANDOVER_MAX_MINUTES', async (t) => {
  // 0 minutes: the first failure gives the handover up (the same path as a long outage past 15 minutes).
  const h = await startHarness(t, { env: { TASK_HANDOVER_TO: 'archive@example.com', TASK_HANDOVER_MAX_MINUTES: '0' } });
  h.simulator.addUser({ name: 'Archive', email: 'archive@example.com' });
  const lee = await create(h, 'lee@example.com');
  h.simulator.addTasks({ assignee: lee.gid, count: 5 });
  h.simulator.setFaults({ errorRate: 1 });
  t.equal((await h.request('PATCH', `/Users/${lee.id}`, { body: deactivate })).status, 200);
  const given = await until(
    async () => (await h.request('GET', `/Users/${lee.id}`)).body[SYNC],
    (sync) => sync.taskHandover?.state === 'done',
  );
  t.match(given.taskHandover, { handedOver: 0, outcome: /given up after 0 minutes/ }, 'what was not handed over is reported');
  h.simulator.clearFaults();
  t.ok(await h.bridge.runner.drain());
  t.equal(h.simulator.users().find((u) => u.gid === lee.gid)?.active, false, 'the removal ran');
  t.equal(h.simulator.tasks().filter((x) => x.assignee === lee.gid).length, 5, 'the tasks stayed with the person');
});
