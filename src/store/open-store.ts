import type { AuditLogStore, OperationsStore } from './audit-log.js';
import type { CoordinationStore } from './coordination.js';
import type { DeprovisioningStore } from './deprovisioning-store.js';
import type { MappingStore } from './mapping-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';

/** Everything the bridge and the CLI ask of their store, whichever engine holds it. */
export type BridgeStore = MappingStore & CoordinationStore & AuditLogStore & OperationsStore & DeprovisioningStore;

/**
 * The store DATABASE_URL names: `postgres://…` (or `postgresql://…`) is PostgreSQL, for several replicas on one
 * database; `file:<path>` is a SQLite file, the embedded default. Either is migrated before it is returned.
 */
export async function openStore(databaseUrl: string): Promise<BridgeStore> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return PostgresStore.open(databaseUrl);
  if (databaseUrl.startsWith('file:')) return SqliteStore.open(databaseUrl.slice('file:'.length));
  throw new Error('DATABASE_URL must be file:<path> (SQLite) or postgres://… (PostgreSQL)');
}
