import { Random } from '../fuzz/mutate.js';
import type { Fault, Op } from './ops.js';

/** Few slots, so that the same person is deleted and created again and groups share members often. */
export const USER_SLOTS = 6;
export const GROUP_SLOTS = 3;

/** Latencies past the write's deadline only, and past the Asana client's request timeout too (see the test). */
export const LATENCIES_MS = [200, 320] as const;

type Kind = Op['op'];

const WEIGHTS: ReadonlyArray<readonly [Kind, number]> = [
  ['createUser', 14],
  ['patchTitle', 5],
  ['putUser', 6],
  ['setActive', 10],
  ['deleteUser', 7],
  ['createGroup', 6],
  ['renameGroup', 4],
  ['patchMembers', 12],
  ['putGroup', 4],
  ['deleteGroup', 3],
  ['reconcile', 4],
  ['restart', 2],
  ['fault', 13],
  ['heal', 5],
];
const TOTAL = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

/**
 * A seeded random sequence of `count` operations. The generator keeps a rough idea of which slots are taken (as if
 * every write succeeded) so that most operations name a live resource; the rest are skipped when they run.
 */
export function generateOps(seed: number, count: number): Op[] {
  const random = new Random(seed);
  const users = new Set<number>();
  const groups = new Set<number>();
  const ops: Op[] = [];
  const slotOf = (taken: ReadonlySet<number>, slots: number, wantTaken: boolean): number => {
    const candidates = Array.from({ length: slots }, (_, i) => i).filter((i) => taken.has(i) === wantTaken);
    return candidates.length > 0 && random.chance(0.9) ? random.pick(candidates) : random.int(slots);
  };
  const someUsers = (): number[] => {
    const pool = [...users];
    return pool.filter(() => random.chance(0.45));
  };
  while (ops.length < count) {
    const i = ops.length;
    const op = draw(random, i, slotOf, someUsers, users, groups);
    if (op.op === 'createUser') users.add(op.slot);
    if (op.op === 'deleteUser') users.delete(op.slot);
    if (op.op === 'createGroup') groups.add(op.slot);
    if (op.op === 'deleteGroup') groups.delete(op.slot);
    ops.push(op);
  }
  return ops;
}

function draw(
  random: Random,
  index: number,
  slotOf: (taken: ReadonlySet<number>, slots: number, wantTaken: boolean) => number,
  someUsers: () => number[],
  users: ReadonlySet<number>,
  groups: ReadonlySet<number>,
): Op {
  let roll = random.int(TOTAL);
  let kind: Kind = 'heal';
  for (const [k, w] of WEIGHTS) {
    if (roll < w) {
      kind = k;
      break;
    }
    roll -= w;
  }
  // With nobody (or no group) to write to, the IdP creates one instead.
  if (users.size === 0 && ['patchTitle', 'putUser', 'setActive', 'deleteUser'].includes(kind)) kind = 'createUser';
  if (groups.size === 0 && ['renameGroup', 'patchMembers', 'putGroup', 'deleteGroup'].includes(kind)) kind = 'createGroup';
  const user = () => slotOf(users, USER_SLOTS, true);
  const group = () => slotOf(groups, GROUP_SLOTS, true);
  // Names carry the operation's index, so each is unique in the sequence and stays the same when shrinking.
  const name = (slot: number) => `team-${slot}-${index}`;
  switch (kind) {
    case 'createUser':
      return { op: 'createUser', slot: slotOf(users, USER_SLOTS, false), active: random.chance(0.85) };
    case 'patchTitle':
      return { op: 'patchTitle', slot: user(), title: `title-${index}` };
    case 'putUser':
      return {
        op: 'putUser',
        slot: user(),
        title: `put-${index}`,
        ...(random.chance(0.3) ? { active: random.chance(0.5) } : {}),
      };
    case 'setActive':
      return { op: 'setActive', slot: user(), active: random.chance(0.5) };
    case 'deleteUser':
      return { op: 'deleteUser', slot: user() };
    case 'createGroup': {
      const slot = slotOf(groups, GROUP_SLOTS, false);
      return { op: 'createGroup', slot, name: name(slot), members: someUsers() };
    }
    case 'renameGroup': {
      const slot = group();
      return { op: 'renameGroup', slot, name: name(slot) };
    }
    case 'patchMembers': {
      const add = someUsers();
      if (add.length === 0 && users.size > 0) add.push(random.pick([...users]));
      return { op: 'patchMembers', slot: group(), add, remove: someUsers().filter((u) => !add.includes(u)) };
    }
    case 'putGroup': {
      const slot = group();
      return { op: 'putGroup', slot, ...(random.chance(0.5) ? { name: name(slot) } : {}), members: someUsers() };
    }
    case 'deleteGroup':
      return { op: 'deleteGroup', slot: group() };
    case 'reconcile':
      return { op: 'reconcile' };
    case 'restart':
      return { op: 'restart' };
    case 'heal':
      return { op: 'heal' };
    case 'fault':
      return { op: 'fault', fault: drawFault(random) };
  }
}

function drawFault(random: Random): Fault {
  switch (random.int(6)) {
    case 0:
      return { kind: '5xx', status: random.pick([500, 503] as const), count: 1 + random.int(6) };
    case 1:
      return { kind: 'errorRate', rate: random.pick([0.3, 0.6]) };
    case 2:
      return { kind: '429', count: 1 + random.int(4), retryAfterSeconds: random.chance(0.8) ? 0 : 1 };
    case 3:
      return { kind: 'refuse', status: random.pick([400, 402, 403] as const) };
    case 4:
      return { kind: 'latency', ms: random.pick(LATENCIES_MS) };
    default:
      return { kind: 'drop', count: 1 + random.int(4) };
  }
}
