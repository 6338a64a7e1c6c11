import Database from 'better-sqlite3';
import type { FuzzTargets } from './request-generator.js';

/** Every row of the mapping store, as text, keyed by the SCIM resource it belongs to. */
export interface StoreSnapshot {
  readonly users: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, string>;
  /** Group id → its member ids. */
  readonly members: ReadonlyMap<string, readonly string[]>;
  /** `User:<id>` or `Group:<id>` → its queued Asana work. */
  readonly work: ReadonlyMap<string, string>;
}

/** Resources whose rows may legitimately differ between two snapshots. */
export interface Dirty {
  readonly users: Set<string>;
  readonly groups: Set<string>;
}

/**
 * Reads the bridge's SQLite file over a connection of its own (WAL lets it read while the bridge writes), so
 * the check sees what is on disk rather than what the bridge's API chooses to show.
 */
export class StoreReader {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
  }

  snapshot(): StoreSnapshot {
    const read = this.db.transaction(() => ({
      users: this.rows('SELECT * FROM users ORDER BY id'),
      emails: this.rows('SELECT * FROM user_emails ORDER BY user_id, value, type, "primary"'),
      groups: this.rows('SELECT * FROM groups ORDER BY id'),
      members: this.rows('SELECT group_id, user_id FROM group_members ORDER BY group_id, user_id'),
      work: this.rows('SELECT * FROM asana_work ORDER BY id'),
    }));
    const { users, emails, groups, members, work } = read();
    const byKey = (rows: Record<string, unknown>[], key: (row: Record<string, unknown>) => string) => {
      const out = new Map<string, string>();
      for (const row of rows) out.set(key(row), `${out.get(key(row)) ?? ''}${JSON.stringify(row)}`);
      return out;
    };
    const userRows = byKey([...users, ...emails], (row) => String(row['id'] ?? row['user_id']));
    const memberLists = new Map<string, string[]>();
    for (const row of members) {
      const list = memberLists.get(String(row['group_id'])) ?? [];
      list.push(String(row['user_id']));
      memberLists.set(String(row['group_id']), list);
    }
    return {
      users: userRows,
      groups: byKey(groups, (row) => String(row['id'])),
      members: memberLists,
      work: byKey(work, (row) => String(row['resource_key'])),
    };
  }

  /** The live users and groups, for the generator to aim at. */
  targets(): Pick<FuzzTargets, 'users' | 'groups'> {
    const users = this.rows('SELECT id, user_name, version FROM users ORDER BY id');
    const groups = this.rows('SELECT id, display_name, version FROM groups WHERE deleted = 0 ORDER BY id');
    return {
      users: users.map((row) => ({ id: String(row['id']), userName: String(row['user_name']), version: Number(row['version']) })),
      groups: groups.map((row) => ({ id: String(row['id']), displayName: String(row['display_name']), version: Number(row['version']) })),
    };
  }

  close(): void {
    this.db.close();
  }

  private rows(sql: string): Record<string, unknown>[] {
    return this.db.prepare(sql).all() as Record<string, unknown>[];
  }
}

/**
 * Widens the resources accepted writes touched by what they may touch in passing: a user's groups (membership
 * rows), a group's members, and anything with Asana work still queued (the background runner may settle it).
 */
export function widenDirty(dirty: Dirty, ...snapshots: StoreSnapshot[]): Dirty {
  const users = new Set(dirty.users);
  const groups = new Set(dirty.groups);
  for (const snapshot of snapshots) {
    for (const [groupId, memberIds] of snapshot.members) {
      if (groups.has(groupId)) for (const id of memberIds) users.add(id);
      if (memberIds.some((id) => dirty.users.has(id))) groups.add(groupId);
    }
    for (const key of snapshot.work.keys()) {
      const [kind, id = ''] = key.split(/:(.*)/s);
      (kind === 'User' ? users : groups).add(id);
    }
  }
  return { users, groups };
}

/** What changed outside the dirty resources; empty when nothing did. */
export function diffSnapshots(before: StoreSnapshot, after: StoreSnapshot, dirty: Dirty): string[] {
  const problems: string[] = [];
  const compare = <T>(label: string, a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, skip: (key: string) => boolean) => {
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      if (skip(key)) continue;
      const x = JSON.stringify(a.get(key));
      const y = JSON.stringify(b.get(key));
      if (x !== y) problems.push(`${label} ${key}: ${x?.slice(0, 300)} → ${y?.slice(0, 300)}`);
    }
  };
  compare('user', before.users, after.users, (id) => dirty.users.has(id));
  compare('group', before.groups, after.groups, (id) => dirty.groups.has(id));
  compare('members of group', before.members, after.members, (id) => dirty.groups.has(id));
  compare('work of', before.work, after.work, (key) => {
    const [kind, id = ''] = key.split(/:(.*)/s);
    return (kind === 'User' ? dirty.users : dirty.groups).has(id);
  });
  return problems;
}
