import type { SimTeam, SimUser } from '../../src/asana-simulator/index.js';
import { SYNC_SCHEMA } from '../../src/scim/schemas.js';
import type { BridgeUnderTest } from './bridge-under-test.js';
import { groupView, syncOf, userView } from './etag-ledger.js';
import type { ArmedRefusal } from './fault-schedule.js';
import { expectedGroup, expectedUser, type ModelGroup, type ModelUser, type ReferenceModel } from './reference-model.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- SCIM JSON under test */

export interface Divergence {
  /** What kind of promise broke; the shrinker keeps a sequence only while it breaks the same one. */
  readonly category: string;
  readonly detail: string;
}

export interface ConvergenceInput {
  readonly world: BridgeUnderTest;
  readonly model: ReferenceModel;
  readonly refusals: readonly ArmedRefusal[];
  readonly drained: boolean;
  /** Work still queued when draining gave up. */
  readonly queued: readonly string[];
}

/**
 * After Asana healed and the queue drained: the bridge holds what the IdP asked for; nothing is pending; Asana holds
 * it too for every resource not marked `failed`; a resource is `failed` only if Asana refused something while it
 * lived (the model cannot say which call a global fault hit, so any refusal in its lifetime counts), and the
 * `Sync:state eq "failed"` filter lists exactly those; no team exists twice.
 *
 * A failed user's own presence in Asana is not known, so neither are their team memberships: those are left out of
 * the comparison of teams (the failure is reported on the user, where the admin looks for it).
 */
export async function checkConverged(input: ConvergenceInput): Promise<{ divergences: Divergence[]; failed: number }> {
  const { world, model, drained, queued } = input;
  const divergences: Divergence[] = [];
  const diverge = (category: string, detail: string) => divergences.push({ category, detail });
  if (!drained) {
    diverge('queue does not drain', `after Asana healed, still queued: ${queued.join('; ')}`);
    return { divergences, failed: 0 };
  }
  const end = Date.now();
  const refusedAt = refusalTimes(world, input.refusals);
  const refusedBetween = (from: number, to: number) => refusedAt.some((at) => at >= from && at <= to);

  const users = await listAll(world, 'Users');
  const groups = await listAll(world, 'Groups');
  const failedUsers = await listAll(world, 'Users', 'failed');
  const failedGroups = await listAll(world, 'Groups', 'failed');
  const simUsers = new Map(world.simulator.users().map((u) => [u.email.toLowerCase(), u]));
  // The token's owner (a PAT's owner is a member of every team it creates) is no SCIM member unless the IdP put
  // them there, which the model never does: docs/reliability.md, the token's owner.
  const regularGids = new Set(
    [...simUsers.values()].filter((u) => u.gid !== world.simulator.tokenOwnerGid).map((u) => u.gid),
  );
  const teams = new Map(world.simulator.teams().map((t) => [t.gid, t]));
  const failedIds = new Set<string>();

  const judgeSync = (kind: string, id: string, body: any, bornAt: number): 'failed' | 'settled' | 'pending' => {
    const state = syncOf(body).state;
    if (state === 'pending') {
      diverge('pending after drain', `${kind} ${id} says pending with nothing queued`);
      return 'pending';
    }
    if (state !== 'failed') return 'settled';
    failedIds.add(id);
    if (!refusedBetween(bornAt, end)) {
      diverge('failed without a refusal', `${kind} ${id} says failed (${syncOf(body).lastError ?? 'no error'}) though Asana refused nothing while it lived`);
    }
    return 'failed';
  };

  compareIds(diverge, 'User', users, [...model.users.values()].map((u) => u.id));
  compareIds(diverge, 'Group', groups, [...model.groups.values()].map((g) => g.id));

  const failedUser = new Set<string>();
  for (const user of model.users.values()) {
    const body = users.get(user.id);
    if (!body) continue;
    if (userView(body) !== expectedUser(user)) diverge('store differs from the IdP', `User ${user.id} holds ${userView(body)}, expected ${expectedUser(user)}`);
    const verdict = judgeSync('User', user.id, body, user.bornAt);
    if (verdict === 'failed') failedUser.add(user.id);
    if (verdict === 'settled') checkUserInAsana(diverge, user, body, simUsers.get(user.email));
  }
  for (const email of model.goneEmails()) {
    const goneAt = Math.max(...model.gone.filter((g) => g.email === email).map((g) => g.goneAt));
    if (simUsers.get(email)?.active && !refusedBetween(goneAt, end)) {
      diverge('Asana differs', `${email} was deleted by the IdP but is active in Asana`);
    }
  }

  const linked = new Map<string, string>();
  for (const group of model.groups.values()) {
    const body = groups.get(group.id);
    if (!body) continue;
    if (groupView(body) !== expectedGroup(group)) diverge('store differs from the IdP', `Group ${group.id} holds ${groupView(body)}, expected ${expectedGroup(group)}`);
    const verdict = judgeSync('Group', group.id, body, 0);
    const gid = syncOf(body).asanaGid;
    if (gid) {
      if (linked.has(gid)) diverge('team created twice', `groups ${linked.get(gid)} and ${group.id} share team ${gid}`);
      linked.set(gid, group.id);
    }
    if (verdict !== 'settled') continue;
    const team = gid ? teams.get(gid) : undefined;
    if (!team) {
      diverge('Asana differs', `Group ${group.id} says ${syncOf(body).state} but has no Asana team (${gid ?? 'no gid'})`);
      continue;
    }
    checkTeam(diverge, group, team, { model, simUsers, regularGids, failedUser });
  }
  for (const gone of model.gone) {
    const team = gone.kind === 'Group' && gone.asanaGid ? teams.get(gone.asanaGid) : undefined;
    const left = team?.memberGids.filter((g) => regularGids.has(g)) ?? [];
    if (left.length > 0 && !refusedBetween(gone.goneAt, end)) {
      diverge('Asana differs', `the team of deleted Group ${gone.id} still has ${left.length} members`);
    }
  }

  if (teams.size > model.groupsEverCreated) {
    // More teams than groups: a team made twice, or one left behind by a create the IdP was told failed.
    diverge('team created twice', `${teams.size} teams in Asana for ${model.groupsEverCreated} groups ever created`);
  }
  const names = [...teams.values()].map((t) => t.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) diverge('team created twice', `more than one team named ${twice.join(', ')}`);

  const listed = new Set([...failedUsers.keys(), ...failedGroups.keys()]);
  for (const id of failedIds) if (!listed.has(id)) diverge('failed not listed', `${id} says failed but Sync:state eq "failed" leaves it out`);
  for (const id of listed) if (!failedIds.has(id)) diverge('failed not listed', `Sync:state eq "failed" lists ${id}, which does not say failed`);
  return { divergences, failed: failedIds.size };
}

type Diverge = (category: string, detail: string) => void;

function checkUserInAsana(diverge: Diverge, user: ModelUser, body: any, simUser: SimUser | undefined): void {
  const activeInAsana = simUser?.active ?? false;
  const state = syncOf(body).state;
  if (activeInAsana !== user.active) {
    diverge('Asana differs', `User ${user.id} (${user.email}) is active=${user.active} for the IdP, ${activeInAsana} in Asana; Sync says ${state}`);
  } else if (user.active && syncOf(body).asanaGid !== simUser?.gid) {
    diverge('Asana differs', `User ${user.id} links Asana gid ${syncOf(body).asanaGid}, Asana has ${simUser?.gid}`);
  }
}

function checkTeam(
  diverge: Diverge,
  group: ModelGroup,
  team: SimTeam,
  known: { model: ReferenceModel; simUsers: ReadonlyMap<string, SimUser>; regularGids: ReadonlySet<string>; failedUser: ReadonlySet<string> },
): void {
  const { model, simUsers, regularGids, failedUser } = known;
  if (team.name !== group.displayName) diverge('Asana differs', `Group ${group.id} is named ${group.displayName}, its team ${team.name}`);
  const unknown = new Set<string>();
  const expected = new Set<string>();
  for (const id of group.members) {
    const user = model.userById(id);
    const gid = user ? simUsers.get(user.email)?.gid : undefined;
    if (user && failedUser.has(id)) {
      if (gid) unknown.add(gid);
    } else if (user?.active) {
      expected.add(gid ?? `(${user.email} not in Asana)`);
    }
  }
  const actual = new Set(team.memberGids.filter((g) => regularGids.has(g) && !unknown.has(g)));
  for (const gid of unknown) expected.delete(gid);
  const missing = [...expected].filter((g) => !actual.has(g));
  const extra = [...actual].filter((g) => !expected.has(g));
  if (missing.length + extra.length > 0) {
    diverge('Asana differs', `Group ${group.id} (${group.displayName}) says synced; its team lacks [${missing.join(', ')}] and has extra [${extra.join(', ')}]`);
  }
}

function compareIds(diverge: Diverge, kind: string, stored: ReadonlyMap<string, unknown>, modelIds: readonly string[]): void {
  const want = new Set(modelIds);
  for (const id of stored.keys()) if (!want.has(id)) diverge('store differs from the IdP', `${kind} ${id} exists but the IdP never created it or deleted it`);
  for (const id of want) if (!stored.has(id)) diverge('store differs from the IdP', `${kind} ${id} is missing from the store`);
}

/** Every resource of a type, or those in one sync state, by id. */
async function listAll(world: BridgeUnderTest, type: 'Users' | 'Groups', state?: string): Promise<Map<string, any>> {
  const filter = state ? `&filter=${encodeURIComponent(`${SYNC_SCHEMA}:state eq "${state}"`)}` : '';
  const answer = await world.request('GET', `/${type}?count=1000${filter}`);
  return new Map((answer.body?.Resources ?? []).map((r: any) => [r.id, r]));
}

/**
 * When each armed refusal was answered: the first refused request of its status while it was armed (one that
 * arrived before the heal, whenever its answer went out: no margin that a loaded machine could overrun).
 */
function refusalTimes(world: BridgeUnderTest, refusals: readonly ArmedRefusal[]): number[] {
  const log = world.simulator.requests();
  return refusals.flatMap((refusal) => {
    const hits = log
      .filter((r) => r.status === refusal.status && r.endedAt >= refusal.armedAt && r.startedAt <= refusal.until)
      .map((r) => r.endedAt);
    return hits.length > 0 ? [Math.min(...hits)] : [];
  });
}
