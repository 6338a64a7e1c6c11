import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { Harness, ScimResponse } from '../helpers/harness.js';

/**
 * A golden fixture: requests an IdP documents sending, in order, with what the bridge must answer. Strings may
 * hold `{{name}}` placeholders, filled from earlier captures (and `{{i}}` inside a repeated step).
 */
export interface GoldenFixture {
  /** Where the IdP documents these requests (vendor doc section, or idp-behaviour.md entry). */
  readonly source: string;
  readonly description: string;
  /** How the fixture departs from the source, and why (e.g. an email-form userName). */
  readonly adapted?: string;
  readonly steps: readonly Step[];
}

export interface Step {
  readonly name: string;
  /** Sends the request this many times, with `{{i}}` = 1 … repeat; only the last answer is checked. */
  readonly repeat?: number;
  readonly request: {
    readonly method: string;
    /** Relative to the SCIM base (/scim/v2), or rooted (/api/1.0/scim/…); sent as written, query included. */
    readonly path: string;
    readonly headers?: Record<string, string>;
    readonly body?: unknown;
  };
  readonly expect: Expectation;
  /** Variable name → JSON Pointer into the response body, e.g. {"userId": "/id"}. */
  readonly capture?: Record<string, string>;
}

export interface Expectation {
  readonly status: number;
  readonly scimType?: string;
  /** A partial body: every key given must match; arrays must have the same length, elements match in any order. */
  readonly body?: unknown;
  /** JSON Pointer (RFC 6901) → the value found there, e.g. {"/Resources/99/userName": "…"}. */
  readonly at?: Record<string, unknown>;
  /** JSON Pointers to what must be absent from the response body. */
  readonly absent?: readonly string[];
  /** Asana, as the simulator holds it after the step. */
  readonly asana?: {
    readonly users?: ReadonlyArray<{ readonly email: string; readonly active: boolean }>;
    /** Team name → member emails (any order). */
    readonly teams?: Record<string, readonly string[]>;
    /** How many non-GET Asana calls the step cost. */
    readonly writes?: number;
  };
}

/** Every fixture file of a folder, by file name. */
export function loadFixtures(dir: string): Array<[string, GoldenFixture]> {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as GoldenFixture]);
}

type Vars = Map<string, string>;

/** Fills `{{name}}` placeholders in strings, anywhere in a JSON value. */
function fill(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
      const found = vars.get(name);
      if (found === undefined) throw new Error(`placeholder ${whole} has no value yet`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

/** A JSON Pointer (RFC 6901) into a JSON value: `/Resources/0/id`, `/name.givenName` (a literal dotted key). */
function at(value: unknown, pointer: string): unknown {
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON Pointer`);
  let current = value;
  for (const token of pointer.slice(1).split('/')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

/** The places where `actual` departs from the partial `expected`, as readable lines. */
function mismatches(actual: unknown, expected: unknown, where = 'body'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${where}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) {
      return [`${where}: expected ${expected.length} elements, got ${actual.length}: ${JSON.stringify(actual)}`];
    }
    // Multi-valued attributes are unordered (RFC 7643 §2.4): each expected element matches a different actual one.
    const unused = [...actual];
    return expected.flatMap((e, i) => {
      const found = unused.findIndex((a) => mismatches(a, e).length === 0);
      if (found === -1) return [`${where}: nothing matches [${i}] ${JSON.stringify(e)} in ${JSON.stringify(actual)}`];
      unused.splice(found, 1);
      return [];
    });
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      return [`${where}: expected an object, got ${JSON.stringify(actual)}`];
    }
    const object = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([k, e]) => mismatches(object[k], e, `${where}.${k}`));
  }
  return actual === expected ? [] : [`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function checkAsana(t: Test, h: Harness, expected: NonNullable<Expectation['asana']>, writesBefore: number): void {
  const users = h.simulator.users();
  const email = (gid: string) => users.find((u) => u.gid === gid)?.email.toLowerCase() ?? gid;
  for (const want of expected.users ?? []) {
    const found = users.find((u) => u.email.toLowerCase() === want.email.toLowerCase());
    t.equal(found?.active, want.active, `Asana user ${want.email} active: ${want.active}`);
  }
  for (const [name, members] of Object.entries(expected.teams ?? {})) {
    const team = h.simulator.teams().find((candidate) => candidate.name === name);
    t.ok(team, `Asana has a team named ${name}`);
    // The token's owner (an admin's personal access token) is in every team the bridge creates, whatever the IdP.
    const managed = (team?.memberGids ?? []).filter((gid) => gid !== h.simulator.tokenOwnerGid);
    t.same(
      managed.map(email).sort(),
      members.map((m) => m.toLowerCase()).sort(),
      `members of Asana team ${name}`,
    );
  }
  if (expected.writes !== undefined) {
    const writes = h.simulator.requests().filter((r) => r.method !== 'GET').length - writesBefore;
    t.equal(writes, expected.writes, 'Asana writes of this step');
  }
}

function checkResponse(t: Test, response: ScimResponse, expected: Expectation): void {
  t.equal(response.status, expected.status, 'status');
  if (response.text !== '') {
    t.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/, 'content type');
  }
  if (expected.scimType !== undefined) t.equal(response.body?.scimType, expected.scimType, 'scimType');
  if (expected.status >= 400) {
    t.same(response.body?.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error'], 'a SCIM error body');
    t.equal(response.body?.status, String(expected.status), 'error status is a string');
  }
  if (expected.body !== undefined) t.same(mismatches(response.body, expected.body), [], 'body');
  for (const [pointer, value] of Object.entries(expected.at ?? {})) t.same(at(response.body, pointer), value, pointer);
  for (const pointer of expected.absent ?? []) t.equal(at(response.body, pointer), undefined, `${pointer} is absent`);
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Replays a fixture's steps in order against a listening bridge, capturing as it goes. */
export async function replayFixture(t: Test, h: Harness, fixture: GoldenFixture): Promise<void> {
  const vars: Vars = new Map();
  for (const step of fixture.steps) {
    await t.test(step.name, async (t) => {
      const writesBefore = h.simulator.requests().filter((r) => r.method !== 'GET').length;
      let response: ScimResponse | undefined;
      for (let i = 1; i <= (step.repeat ?? 1); i++) {
        vars.set('i', String(i));
        const request = fill(step.request, vars) as Step['request'];
        response = await h.request(request.method, request.path, {
          ...(request.body !== undefined ? { body: request.body } : {}),
          // Lower case, so a fixture's Content-Type replaces the harness default instead of joining it.
          ...(request.headers ? { headers: lowerCaseKeys(request.headers) } : {}),
        });
      }
      if (!response) throw new Error(`${step.name}: repeat must be at least 1`);
      const expected = fill(step.expect, vars) as Expectation;
      checkResponse(t, response, expected);
      if (expected.asana) checkAsana(t, h, expected.asana, writesBefore);
      for (const [name, path] of Object.entries(step.capture ?? {})) {
        const value = at(response.body, path);
        if (typeof value !== 'string') throw new Error(`${step.name}: nothing to capture at ${path}`);
        vars.set(name, value);
      }
    });
  }
}
