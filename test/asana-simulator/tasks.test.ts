import t from 'tap';
import { AsanaError } from '../../src/asana/asana-error.js';
import { paginate } from '../../src/asana/paginate.js';
import { startSimulatorAndClient } from '../asana/fixtures/simulator-client.js';

/** The simulator's tasks (issue 12) through its control API and Asana's REST routes, with the bridge's client. */
t.test('tasks: seeding over the control API, GET /tasks by assignee and workspace with paging, PUT /tasks', async (t) => {
  const { sim, client } = await startSimulatorAndClient(t, { simulator: { seedUsers: 3 } });
  const [ann, bob, cat] = sim.users();
  if (!ann || !bob || !cat) throw new Error('seed');

  const auth = { authorization: `Bearer ${sim.token}` };
  const seeded = await fetch(`${sim.origin}/_simulator/tasks`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ assignee: ann.email, count: 250, name: 'Open' }),
  });
  t.equal(seeded.status, 201);
  t.equal(((await seeded.json()) as { data: unknown[] }).data.length, 250);
  sim.addTasks({ assignee: ann.gid, count: 5, completed: true, name: 'Done' });
  sim.addTasks({ assignee: bob.gid, count: 3 });
  const bad = await fetch(`${sim.origin}/_simulator/tasks`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ assignee: 'nobody@example.com' }),
  });
  t.equal(bad.status, 404, 'an unknown assignee is refused');

  const open = [];
  for await (const task of paginate((offset) =>
    client.getTasks({ assignee: ann.gid, workspace: sim.workspaceGid, completed_since: 'now', limit: 100, ...(offset ? { offset } : {}) }),
  )) open.push(task);
  t.equal(open.length, 250, 'completed_since=now: the open tasks, over three pages');
  t.equal(new Set(open.map((x) => x.gid)).size, 250, 'each once');

  const all = await client.getTasks({ assignee: ann.email, workspace: sim.workspaceGid, limit: 100 });
  t.equal(all.data.length, 100);
  const since = await client.getTasks({ assignee: ann.gid, workspace: sim.workspaceGid, completed_since: '2000-01-01T00:00:00Z' });
  t.equal(since.data.length, 255, 'a date: open tasks and those completed since');

  t.equal(await statusOf(client.getTasks({ assignee: ann.gid, workspace: '999' })), 404, 'another workspace is not known');
  const noWorkspace = await fetch(`${sim.url}/tasks?assignee=${ann.gid}`, { headers: auth });
  t.equal(noWorkspace.status, 400, 'assignee without workspace is a 400, as on Asana');

  const first = open[0]!;
  const moved = await client.updateTask(first.gid, { assignee: cat.email });
  t.equal(moved.assignee?.gid, cat.gid, 'PUT /tasks/{gid} sets the assignee (by email too)');
  t.equal(sim.tasks().find((x) => x.gid === first.gid)?.assignee, cat.gid);
  const left = await client.getTasks({ assignee: ann.gid, workspace: sim.workspaceGid, completed_since: 'now' });
  t.equal(left.data.length, 249, 'a reassigned task leaves the old assignee\'s list');

  await client.removeUserForWorkspace(sim.workspaceGid, bob.gid);
  t.equal(await statusOf(client.updateTask(first.gid, { assignee: bob.gid })), 400, 'a task cannot go to someone outside the workspace');
  t.equal(await statusOf(client.updateTask('42', { assignee: cat.gid })), 404);

  const control = (await (await fetch(`${sim.origin}/_simulator/tasks`, { headers: auth })).json()) as { data: { assignee: string | null }[] };
  t.equal(control.data.length, 258, 'GET /_simulator/tasks lists every task');
});

/** The HTTP status Asana refused a call with. */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return error instanceof AsanaError ? error.status : undefined;
  }
}
