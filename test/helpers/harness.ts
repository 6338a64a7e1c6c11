import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { startAsanaSimulator, type AsanaSimulator, type SimulatorOptions } from '../../src/asana-simulator/index.js';
import { createBridge, type Bridge, type BridgeTimings } from '../../src/bridge.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export const TEST_TOKEN = 'test-scim-token-0123456789abcdef';

/** Paths given from the server root; any other path is relative to the SCIM base. */
const ROOTED = /^\/(scim|api|healthz|readyz|metrics|admin)\b/;

export interface Harness {
  readonly bridge: Bridge;
  readonly simulator: AsanaSimulator;
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  /** SCIM base, http://127.0.0.1:PORT/scim/v2 */
  readonly base: string;
  readonly databasePath: string;
  /** Every log line the bridge wrote. */
  readonly logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<ScimResponse>;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send no Authorization header. */
  readonly anonymous?: boolean;
  /** Raw body text instead of JSON. */
  readonly raw?: string;
}

export interface ScimResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  readonly text: string;
}

/**
 * A listening bridge on 127.0.0.1 over a real SQLite file in a temp dir, driving a real Asana simulator over a
 * socket. Everything is closed and removed on teardown.
 */
export async function startHarness(
  t: Test,
  options: {
    env?: Record<string, string>;
    simulator?: SimulatorOptions;
    /** Reuse a running simulator (e.g. across a bridge restart); the caller closes it. */
    sharedSimulator?: AsanaSimulator;
    /** Reuse a database file (e.g. across a bridge restart); the caller removes it. */
    databasePath?: string;
    timings?: BridgeTimings;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-test-'));
  const databasePath = options.databasePath ?? join(dir, 'bridge.db');
  const simulator = options.sharedSimulator ?? (await startAsanaSimulator(options.simulator));
  const config = loadConfig({
    SCIM_TOKEN: TEST_TOKEN,
    ASANA_BASE_URL: simulator.url,
    ASANA_TOKEN: simulator.token,
    ASANA_WORKSPACE_GID: simulator.workspaceGid,
    DATABASE_URL: `file:${databasePath}`,
    LOG_LEVEL: 'info',
    // Above the 800 ms default, so tests that expect Asana to agree before the answer hold on a loaded machine;
    // test/http/write-deadline.test.ts checks the default itself.
    ASANA_SYNC_DEADLINE_MS: '5000',
    // One readiness check at start; tests that count Asana calls or inject faults see no periodic ones.
    READINESS_INTERVAL_SECONDS: '3600',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const bridge = await createBridge(config, createLogger(config.LOG_LEVEL, sink), {
    asanaRetryBudgetMs: 300,
    // Asana's request timeout stays 30 s (tests inject latency of seconds); a dropped write's retry need not wait it.
    asanaLandingWindowMs: 200,
    workBackoffBaseMs: 50,
    workPollIntervalMs: 50,
    ...options.timings,
  });
  // The start-up readiness check (GET /users/me) is not part of what a test asks of Asana.
  if (!options.sharedSimulator) simulator.clearRequests();
  const address = await bridge.app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await bridge.close();
    if (!options.sharedSimulator) await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `${address}/scim/v2`;
  return {
    bridge,
    simulator,
    origin: address,
    base,
    databasePath,
    logs,
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (!requestOptions.anonymous) headers['authorization'] ??= `Bearer ${TEST_TOKEN}`;
      let body: string | undefined = requestOptions.raw;
      if (requestOptions.body !== undefined) {
        body = JSON.stringify(requestOptions.body);
        headers['content-type'] ??= 'application/scim+json';
      }
      const url = path.startsWith('http') ? path : ROOTED.test(path) ? `${address}${path}` : `${base}${path}`;
      const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}

/** A minimal valid SCIM user body. */
export function userBody(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

/**
 * A team's members that the IdP manages: without the token's owner, whom Asana makes a member of every team the
 * token creates (an admin's personal access token, the simulator's default; test/provisioning/token-owner.test.ts
 * checks the owner stays there).
 */
export function managedMembers(h: Pick<Harness, 'simulator'>, team: { readonly memberGids: readonly string[] } | undefined): string[] {
  return (team?.memberGids ?? []).filter((gid) => gid !== h.simulator.tokenOwnerGid);
}

/** POSTs a user and answers its id and Asana gid (the write must succeed). */
export async function createUser(h: Harness, userName: string): Promise<{ id: string; gid: string }> {
  const response = await h.request('POST', '/Users', { body: userBody(userName) });
  if (response.status !== 201) throw new Error(`create ${userName}: ${response.status}`);
  return { id: response.body.id, gid: response.body['urn:scim-bridge:schemas:extension:asana:2.0:Sync'].asanaGid };
}

/** Runs `fn` over `items`, `width` at a time (an IdP's provisioning burst). */
export async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
      }
    }),
  );
  return results;
}
