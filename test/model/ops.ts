/**
 * The operations of the model-based test: what an IdP does (SCIM writes), what happens to Asana (faults), and what
 * happens to the bridge (reconcile, restart). Users and groups are named by slot, not by SCIM id, so that a sequence
 * still means something after the shrinker removed some of its operations: an operation whose slot is empty (or,
 * for a create, taken) is skipped.
 */
export type Op =
  | { readonly op: 'createUser'; readonly slot: number; readonly active: boolean }
  /** PATCH of an attribute Asana does not hold (title). */
  | { readonly op: 'patchTitle'; readonly slot: number; readonly title: string }
  /** PUT of the whole user; `active` undefined keeps the current value. */
  | { readonly op: 'putUser'; readonly slot: number; readonly title: string; readonly active?: boolean }
  /** PATCH active: deactivate or reactivate. */
  | { readonly op: 'setActive'; readonly slot: number; readonly active: boolean }
  | { readonly op: 'deleteUser'; readonly slot: number }
  | { readonly op: 'createGroup'; readonly slot: number; readonly name: string; readonly members: readonly number[] }
  | { readonly op: 'renameGroup'; readonly slot: number; readonly name: string }
  | { readonly op: 'patchMembers'; readonly slot: number; readonly add: readonly number[]; readonly remove: readonly number[] }
  /** PUT of the whole group; no `name` keeps the current displayName. */
  | { readonly op: 'putGroup'; readonly slot: number; readonly name?: string; readonly members: readonly number[] }
  | { readonly op: 'deleteGroup'; readonly slot: number }
  /** A reconciliation pass with `restore`, started in the background: the next operations race it. */
  | { readonly op: 'reconcile' }
  /** The bridge closes (draining what is in flight) and a new one opens on the same database. */
  | { readonly op: 'restart' }
  | { readonly op: 'fault'; readonly fault: Fault }
  /** Asana answers normally again. */
  | { readonly op: 'heal' };

export type Fault =
  /** The next `count` Asana calls answer `status` (500 or 503). */
  | { readonly kind: '5xx'; readonly status: 500 | 503; readonly count: number }
  /** A share of Asana calls answer 500 or 503 until healed. */
  | { readonly kind: 'errorRate'; readonly rate: number }
  | { readonly kind: '429'; readonly count: number; readonly retryAfterSeconds: 0 | 1 }
  /** The next Asana call is refused for good. */
  | { readonly kind: 'refuse'; readonly status: 400 | 402 | 403 }
  /** Every Asana answer is this late: past the write's deadline, or past the client's timeout too. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** The next `count` Asana calls lose their connection without an answer. */
  | { readonly kind: 'drop'; readonly count: number };

export function userEmail(slot: number): string {
  return `u${slot}@example.com`;
}

/** One line per operation, for failure reports. */
export function describeOps(ops: readonly Op[]): string {
  return ops.map((op, i) => `  ${String(i).padStart(3)} ${JSON.stringify(op)}`).join('\n');
}
