import { SYNC_SCHEMA } from '../../src/scim/schemas.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- SCIM JSON under test */

/**
 * The part of a SCIM resource its ETag speaks for (RFC 7644 §3.14): what the IdP wrote. Left out are meta, the
 * read-only Sync extension (Asana's progress moves it without a new version) and a user's `groups` (derived from
 * the groups' members, which version the groups).
 */
export function stateOf(resourceType: 'User' | 'Group', body: any): string {
  if (resourceType === 'Group') {
    const members = Array.isArray(body.members) ? body.members.map((m: any) => String(m.value)).sort() : [];
    return canonical({ displayName: body.displayName, externalId: body.externalId ?? null, members });
  }
  const { meta: _meta, groups: _groups, [SYNC_SCHEMA]: _sync, ...rest } = body;
  return canonical(rest);
}

/** The user's attributes the model follows. */
export function userView(body: any): string {
  return JSON.stringify({ userName: body.userName, active: body.active, title: body.title ?? null });
}

/** The group's attributes the model follows. */
export function groupView(body: any): string {
  const members = Array.isArray(body.members) ? body.members.map((m: any) => String(m.value)).sort() : [];
  return JSON.stringify({ displayName: body.displayName, members });
}

export function syncOf(body: any): { state?: string; asanaGid?: string; lastError?: string } {
  return body?.[SYNC_SCHEMA] ?? {};
}

/** Every (resource, ETag) seen in a run and the state it named: the same ETag must never name two states. */
export class EtagLedger {
  private readonly seen = new Map<string, string>();

  /** Returns a description of the reuse, if this answer reuses an ETag for another state. */
  record(resourceType: 'User' | 'Group', etag: string | null, body: any): string | undefined {
    if (!etag || typeof body?.id !== 'string') return undefined;
    const key = `${resourceType} ${body.id} ${etag}`;
    const state = stateOf(resourceType, body);
    const before = this.seen.get(key);
    if (before === undefined) {
      this.seen.set(key, state);
      return undefined;
    }
    return before === state ? undefined : `${key} named ${before} and later ${state}`;
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
