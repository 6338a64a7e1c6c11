import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { StoreConflict } from '../../src/store/mapping-store.js';
import { openStore, type BridgeStore } from '../../src/store/open-store.js';
import { startPostgres, type PostgresServer } from './postgres.js';

/** A store engine the contract suite runs against: each `open` gives a fresh, empty, migrated store. */
export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** The DATABASE_URL of a fresh, empty database. */
  freshUrl(): Promise<string>;
  /** A migrated store on `url` (default: a fresh database); open one URL twice for two replicas. */
  open(url?: string): Promise<BridgeStore>;
}

/**
 * Runs `suite` once per engine, as a subtest named for it: a SQLite file, and a real PostgreSQL (Debian's package,
 * started for this test file by test/helpers/postgres.ts). Every store opened is closed at the end.
 */
export async function forEachEngine(t: Test, suite: (t: Test, engine: Engine) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  let postgres: PostgresServer | undefined;
  const freshUrls: Record<Engine['name'], () => Promise<string>> = {
    sqlite: async () => `file:${join(dir, `store-${++files}.db`)}`,
    postgres: async () => {
      postgres ??= await startPostgres(t);
      return postgres.createDatabase();
    },
  };
  for (const name of ['sqlite', 'postgres'] as const) {
    await t.test(name, async (t) => {
      const opened: BridgeStore[] = [];
      t.teardown(async () => {
        for (const store of opened) await store.close();
      });
      const freshUrl = freshUrls[name];
      await suite(t, {
        name,
        freshUrl,
        open: async (url) => {
          const store = await openStore(url ?? (await freshUrl()));
          opened.push(store);
          return store;
        },
      });
    });
  }
}

/** The StoreConflict reason a store call failed with, or undefined when it succeeded (other errors propagate). */
export async function conflict(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof StoreConflict) return error.reason;
    throw error;
  }
}
