/**
 * Issue 4's push benchmark: one PATCH /Groups/{id} adding N members, through an Asana simulator that enforces
 * Asana's per-token limit, timed until the simulator's team has all N members and the group reads `synced`.
 *
 *   npm run bench:push -- [--members 500] [--rate 1500] [--users-via-scim]
 *
 * What makes it clean: the simulator starts fresh with the N people already members of the workspace, and the
 * bridge's store is seeded with N users linked to them, as after earlier provisioning. So no Asana call precedes
 * the push except the group's own creation (2 calls), and both rate-limit windows (the simulator's and the
 * bridge's) are otherwise empty. --users-via-scim instead creates the N users with POST /Users just before (N
 * addUser calls in both windows), to show the push behind a window that is already partly used.
 * The simulator runs in this process (pinned with it to CPU 1 by the npm script); the bridge runs as its own
 * process pinned to CPU 0, talking to the simulator over TCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startAsanaSimulator, type LoggedRequest } from '../src/asana-simulator/index.js';
import { cpuBetween, cpuSnapshot } from './cpu-usage.js';
import { describeMachine } from './describe-machine.js';
import { seedUsers } from './seed-users.js';
import { BENCH_TOKEN, scim } from './scim-client.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const POLL_MS = 100;

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '500' },
    rate: { type: 'string', default: '1500' },
    'users-via-scim': { type: 'boolean', default: false },
  },
});
const members = Number(args.members);
const rate = Number(args.rate);

interface GroupBody {
  id: string;
  [SYNC]: { state: string; asanaGid?: string };
}


/** Creates the users through the bridge, ten at a time, as an IdP's import would. */
async function createUsersViaScim(server: ServerProcess, emails: readonly string[]): Promise<string[]> {
  const ids: string[] = new Array<string>(emails.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < emails.length; i = next++) {
      const email = emails[i] ?? '';
      const created = await scim(server, 'POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        emails: [{ value: email, type: 'work', primary: true }],
        active: true,
      });
      if (created.status !== 201) throw new Error(`POST /Users ${email}: ${created.status}`);
      ids[i] = String(created.body?.['id']);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return ids;
}

/** Polls the group until its Asana team exists; resolves with the team's gid. */
async function waitForTeam(server: ServerProcess, groupId: string): Promise<string> {
  const started = performance.now();
  for (;;) {
    const read = await scim(server, 'GET', `/Groups/${groupId}?excludedAttributes=members`);
    const gid = (read.body as unknown as GroupBody | undefined)?.[SYNC].asanaGid;
    if (gid !== undefined) {
      process.stdout.write(`the group's team was created ${((performance.now() - started) / 1000).toFixed(1)} s after POST /Groups answered\n`);
      return gid;
    }
    if (performance.now() - started > 15 * 60_000) throw new Error('the team was not created in 15 minutes');
    await sleep(POLL_MS);
  }
}

/** The most requests whose arrivals fall within any one window of `windowMs` (what Asana's limit bounds). */
function peakInWindow(log: readonly LoggedRequest[], windowMs: number): number {
  const starts = log.map((r) => r.startedAt).sort((a, b) => a - b);
  let peak = 0;
  for (let head = 0, tail = 0; head < starts.length; head++) {
    while ((starts[head] ?? 0) - (starts[tail] ?? 0) >= windowMs) tail++;
    peak = Math.max(peak, head - tail + 1);
  }
  return peak;
}

const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-push-bench-'));
const simulator = await startAsanaSimulator({ rateLimitPerMinute: rate, seedUsers: members });
let server: ServerProcess | undefined;
try {
  process.stdout.write(`${describeMachine()}\n`);
  // In PAT mode (the simulator's default) the token's owner is one of the workspace's users and a member of every
  // team the bridge creates: the push is of the other, seeded users.
  const people = simulator.users().filter((u) => u.gid !== simulator.tokenOwnerGid);
  const databasePath = join(dir, 'bridge.db');
  let userIds = args['users-via-scim']
    ? []
    : await seedUsers(databasePath, people.map((u) => ({ email: u.email, asanaGid: u.gid })));
  server = await startServerProcess({
    script: 'bench/serve.ts',
    core: 0,
    env: {
      SCIM_TOKEN: BENCH_TOKEN,
      DATABASE_URL: `file:${databasePath}`,
      LOG_LEVEL: 'info',
      ASANA_BASE_URL: simulator.url,
      ASANA_TOKEN: simulator.token,
      ASANA_WORKSPACE_GID: simulator.workspaceGid,
      ASANA_RATE_LIMIT_PER_MINUTE: String(rate),
    },
  });
  process.stdout.write(`server: ${server.command}\n`);
  if (args['users-via-scim']) {
    const started = performance.now();
    userIds = await createUsersViaScim(server, people.map((u) => u.email));
    process.stdout.write(`created ${members} users via POST /Users in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }

  const created = await scim(server, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: `Bench push ${members}`,
  });
  const group = created.body as unknown as GroupBody | undefined;
  if (created.status !== 201 || !group) throw new Error(`POST /Groups: ${created.status}`);
  // Behind a full window the team's creation is still queued when POST /Groups answers (pending): wait for it.
  const teamGid = group[SYNC].asanaGid ?? (await waitForTeam(server, group.id));
  // The log is kept whole: the group's creation shares the rate-limit window with the push.
  const callsBefore = simulator.requests().length;

  const cpuBefore = cpuSnapshot(server.pid);
  const patchStartedEpoch = Date.now();
  const patchStarted = performance.now();
  const patched = await scim(server, 'PATCH', `/Groups/${group.id}?excludedAttributes=members`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }],
  });
  const patchMs = performance.now() - patchStarted;
  if (patched.status !== 200) throw new Error(`PATCH /Groups: ${patched.status}`);
  const patchState = (patched.body as unknown as GroupBody)[SYNC].state;

  let doneMs: number | undefined;
  while (doneMs === undefined) {
    // The token's owner is a member too (see `people`): the push is done when every other member is in.
    const team = simulator.teams().find((t) => t.gid === teamGid);
    const pushed = team?.memberGids.filter((gid) => gid !== simulator.tokenOwnerGid).length;
    if (pushed === members) {
      const read = await scim(server, 'GET', `/Groups/${group.id}?excludedAttributes=members`);
      if ((read.body as unknown as GroupBody | undefined)?.[SYNC].state === 'synced') doneMs = performance.now() - patchStarted;
    }
    if (performance.now() - patchStarted > 15 * 60_000) throw new Error('push did not finish in 15 minutes');
    if (doneMs === undefined) await sleep(POLL_MS);
  }

  const bridgeCpu = cpuBetween(cpuBefore, cpuSnapshot(server.pid), 0);
  const everything = simulator.requests();
  const log = everything.slice(callsBefore);
  const lastCallEndMs = Math.max(...log.map((r) => r.endedAt)) - patchStartedEpoch;
  const byEndpoint = new Map<string, number>();
  for (const r of log) {
    const key = `${r.method} ${r.path.replace(/\d{6,}/g, '{gid}')} ${r.status}`;
    byEndpoint.set(key, (byEndpoint.get(key) ?? 0) + 1);
  }
  const tooMany = log.filter((r) => r.status === 429).length;
  const boundMs = (members / (rate / 60)) * 1000;
  process.stdout.write(
    [
      `before the push: ${callsBefore} Asana calls (${args['users-via-scim'] ? `${members} user invitations + ` : ''}group creation)`,
      `PATCH answered in ${patchMs.toFixed(0)} ms with sync state ${patchState}`,
      `Asana calls by endpoint: ${[...byEndpoint].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
      `peak calls in any 60 s window, counting those before the push: ${peakInWindow(everything, 60_000)} (limit ${rate})`,
      `bridge CPU during the push: ${bridgeCpu.processSeconds.toFixed(2)} s (${(bridgeCpu.process * 100).toFixed(0)}% of its core)`,
      '',
      '| members | limit/min | users created | PATCH answered | last Asana call done | synced (poll) | Asana calls | 429s | bound N÷(limit/60) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${members} | ${rate} | ${args['users-via-scim'] ? 'POST /Users just before' : 'seeded, linked'} | ` +
        `${(patchMs / 1000).toFixed(2)} s (${patchState}) | ${(lastCallEndMs / 1000).toFixed(2)} s | ` +
        `${(doneMs / 1000).toFixed(2)} s | ${log.length} | ${tooMany} | ${(boundMs / 1000).toFixed(0)} s |`,
      '',
    ].join('\n'),
  );
} finally {
  await server?.stop();
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
}
