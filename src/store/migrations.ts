/**
 * Versioned schema migrations, applied in order at start inside one transaction each. Append only: a shipped
 * migration is never edited, so every database reaches the same schema by the same steps.
 *
 * Each migration carries its SQL once per engine, side by side, so adding one is one entry here
 * (docs/decisions.md, "PostgreSQL: two stores behind one contract"). The PostgreSQL text keeps the SQLite names
 * and shapes: the same tables and columns, `rowid` as an identity column where the queries order by creation, and
 * case-insensitive uniqueness as unique indexes on nocase(…) (a function folding ASCII as SQLite's NOCASE does).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQLite (src/store/sqlite/database.ts). */
  readonly sql: string;
  /** PostgreSQL (src/store/postgres/database.ts), the same change. */
  readonly postgres: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, groups, memberships and the Asana work queue',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL,
        external_id TEXT,
        active INTEGER NOT NULL,
        asana_gid TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        sync_state TEXT NOT NULL,
        sync_attempts INTEGER NOT NULL DEFAULT 0,
        sync_error TEXT,
        data TEXT NOT NULL
      );
      -- RFC 7643 §4.1: userName is unique and case-insensitive (caseExact false).
      CREATE UNIQUE INDEX users_user_name ON users (user_name COLLATE NOCASE);
      CREATE INDEX users_external_id ON users (external_id);
      CREATE INDEX users_asana_gid ON users (asana_gid);

      CREATE TABLE user_emails (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        type TEXT,
        -- NULL when the element has no primary, so emails[primary eq false] agrees with the predicate.
        "primary" INTEGER
      );
      CREATE INDEX user_emails_value ON user_emails (value COLLATE NOCASE);
      CREATE INDEX user_emails_user ON user_emails (user_id);

      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        external_id TEXT,
        asana_gid TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        sync_state TEXT NOT NULL,
        sync_attempts INTEGER NOT NULL DEFAULT 0,
        sync_error TEXT,
        data TEXT NOT NULL,
        -- A deleted group stays as a tombstone until its Asana clean-up has run (Asana cannot delete teams).
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX groups_display_name ON groups (display_name COLLATE NOCASE) WHERE deleted = 0;
      CREATE INDEX groups_asana_gid ON groups (asana_gid);
      CREATE INDEX groups_external_id ON groups (external_id);

      CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_members_user ON group_members (user_id);

      CREATE TABLE asana_work (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        resource_key TEXT NOT NULL,
        order_key TEXT NOT NULL,
        work TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX asana_work_resource ON asana_work (resource_key);
      CREATE INDEX asana_work_order ON asana_work (order_key, id);
      CREATE INDEX asana_work_due ON asana_work (next_attempt_at);
    `,
    postgres: `
      -- SQLite's NOCASE: ASCII letters fold, no others (RFC 7643 §2.1 caseExact false, as the filter predicate
      -- reads it); lower() would fold every script. Immutable, so indexes can be built on it.
      CREATE FUNCTION nocase(value TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT translate(value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

      CREATE TABLE users (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL,
        external_id TEXT,
        active INTEGER NOT NULL,
        asana_gid TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        sync_state TEXT NOT NULL,
        sync_attempts INTEGER NOT NULL DEFAULT 0,
        sync_error TEXT,
        data TEXT NOT NULL
      );
      CREATE UNIQUE INDEX users_user_name ON users (nocase(user_name));
      CREATE INDEX users_external_id ON users (external_id);
      CREATE INDEX users_asana_gid ON users (asana_gid);

      CREATE TABLE user_emails (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        type TEXT,
        "primary" INTEGER
      );
      CREATE INDEX user_emails_value ON user_emails (nocase(value));
      CREATE INDEX user_emails_user ON user_emails (user_id);

      CREATE TABLE groups (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        external_id TEXT,
        asana_gid TEXT,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        version INTEGER NOT NULL,
        sync_state TEXT NOT NULL,
        sync_attempts INTEGER NOT NULL DEFAULT 0,
        sync_error TEXT,
        data TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX groups_display_name ON groups (nocase(display_name)) WHERE deleted = 0;
      CREATE INDEX groups_asana_gid ON groups (asana_gid);
      CREATE INDEX groups_external_id ON groups (external_id);

      CREATE TABLE group_members (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_members_user ON group_members (user_id);

      CREATE TABLE asana_work (
        id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resource_key TEXT NOT NULL,
        order_key TEXT NOT NULL,
        work TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT
      );
      CREATE INDEX asana_work_resource ON asana_work (resource_key);
      CREATE INDEX asana_work_order ON asana_work (order_key, id);
      CREATE INDEX asana_work_due ON asana_work (next_attempt_at);
    `,
  },
  {
    version: 2,
    name: 'users: the Asana email apart from userName, and the address Asana holds',
    sql: `
      -- userName need not be an address any more: the Asana email is derived from the user (asana-email.ts).
      ALTER TABLE users ADD COLUMN asana_email TEXT NOT NULL DEFAULT '';
      UPDATE users SET asana_email = user_name;
      -- One person in Asana cannot be two SCIM users.
      CREATE UNIQUE INDEX users_asana_email ON users (asana_email COLLATE NOCASE);
      ALTER TABLE users ADD COLUMN email_in_asana TEXT;
      UPDATE users SET email_in_asana = user_name WHERE asana_gid IS NOT NULL OR active = 1;
    `,
    postgres: `
      ALTER TABLE users ADD COLUMN asana_email TEXT NOT NULL DEFAULT '';
      UPDATE users SET asana_email = user_name;
      CREATE UNIQUE INDEX users_asana_email ON users (nocase(asana_email));
      ALTER TABLE users ADD COLUMN email_in_asana TEXT;
      UPDATE users SET email_in_asana = user_name WHERE asana_gid IS NOT NULL OR active = 1;
    `,
  },
  {
    version: 3,
    name: "Asana work ordered by person: every person's work carries the email, order keys by email",
    // Work queued before this version lacks `email` on removals and team work: the address Asana knows the user
    // by, else the `user` the work names (an email or a gid). SQLite's lower() folds ASCII only; emails Asana
    // takes are ASCII.
    sql: `
      UPDATE asana_work SET work = json_set(work, '$.email', coalesce(
          (SELECT coalesce(email_in_asana, asana_email) FROM users WHERE id = json_extract(asana_work.work, '$.userId')),
          json_extract(work, '$.user'),
          json_extract(work, '$.userId')))
        WHERE json_extract(work, '$.kind') IN ('removeUserFromWorkspace', 'addUserToTeam', 'removeUserFromTeam')
          AND json_extract(work, '$.email') IS NULL;
      UPDATE asana_work SET order_key = CASE
          WHEN json_extract(work, '$.kind') IN ('addUserToWorkspace', 'removeUserFromWorkspace')
            THEN 'Person:' || lower(json_extract(work, '$.email'))
          ELSE 'Team:' || json_extract(work, '$.groupId') || ':' || lower(json_extract(work, '$.email'))
        END
        WHERE json_extract(work, '$.kind') NOT IN ('createTeam', 'renameTeam');
    `,
    postgres: `
      UPDATE asana_work SET work = jsonb_set(work::jsonb, '{email}', to_jsonb(coalesce(
          (SELECT coalesce(email_in_asana, asana_email) FROM users WHERE id = asana_work.work::jsonb ->> 'userId'),
          work::jsonb ->> 'user',
          work::jsonb ->> 'userId')))::text
        WHERE work::jsonb ->> 'kind' IN ('removeUserFromWorkspace', 'addUserToTeam', 'removeUserFromTeam')
          AND work::jsonb ->> 'email' IS NULL;
      UPDATE asana_work SET order_key = CASE
          WHEN work::jsonb ->> 'kind' IN ('addUserToWorkspace', 'removeUserFromWorkspace')
            THEN 'Person:' || lower(work::jsonb ->> 'email')
          ELSE 'Team:' || (work::jsonb ->> 'groupId') || ':' || lower(work::jsonb ->> 'email')
        END
        WHERE work::jsonb ->> 'kind' NOT IN ('createTeam', 'renameTeam');
    `,
  },
  {
    version: 4,
    name: 'audit log; when each piece of Asana work was queued',
    sql: `
      -- Append-only (issue 14): entries are only inserted, and deleted whole past AUDIT_RETENTION_DAYS.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        resource_type TEXT,
        resource_id TEXT,
        subject TEXT,
        user_ids TEXT NOT NULL,
        asana_calls TEXT NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        detail TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_subject ON audit_log (subject COLLATE NOCASE);
      CREATE INDEX audit_log_resource ON audit_log (resource_id);
      CREATE INDEX audit_log_operation ON audit_log (operation, at);

      -- The queue's age (scim_bridge_work_oldest_age_seconds) needs the time each item was queued; a trigger
      -- stamps it, so the queue's own statements stay as they are.
      ALTER TABLE asana_work ADD COLUMN enqueued_at INTEGER;
      CREATE TRIGGER asana_work_enqueued AFTER INSERT ON asana_work BEGIN
        UPDATE asana_work SET enqueued_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id;
      END;
    `,
    postgres: `
      CREATE TABLE audit_log (
        id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        resource_type TEXT,
        resource_id TEXT,
        subject TEXT,
        user_ids TEXT NOT NULL,
        asana_calls TEXT NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        detail TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_subject ON audit_log (nocase(subject));
      CREATE INDEX audit_log_resource ON audit_log (resource_id);
      CREATE INDEX audit_log_operation ON audit_log (operation, at);

      -- A column default does what SQLite's trigger does: the time each item was queued, in milliseconds.
      ALTER TABLE asana_work ADD COLUMN enqueued_at BIGINT
        DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
    `,
  },
  {
    version: 5,
    name: "asana_work: a group's refused work stays, parked, until the group's next write re-arms it",
    sql: `
      ALTER TABLE asana_work ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
    `,
    postgres: `
      ALTER TABLE asana_work ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'users: whether Asana holds the person as a guest (workspace_membership.is_guest), null until seen',
    sql: `
      ALTER TABLE users ADD COLUMN asana_guest INTEGER;
    `,
    postgres: `
      ALTER TABLE users ADD COLUMN asana_guest INTEGER;
    `,
  },
  {
    version: 7,
    name: 'deprovisioning: the removal brake\'s admissions, task handovers',
    sql: `
      -- Each workspace removal the deprovisioning brake let run (issue 12), by queued work id; counted ones count
      -- against DEPROVISION_BRAKE_LIMIT in the rolling window, a removal an admin released does not.
      -- asana_work.failed = 2 marks a removal the brake holds (0 queued, 1 parked): held work does not run, order
      -- or keep other work waiting, like parked work.
      CREATE TABLE deprovision_admissions (
        work_id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        counted INTEGER NOT NULL
      );
      CREATE INDEX deprovision_admissions_at ON deprovision_admissions (at);

      -- The handover of a removed person's open tasks, one per removal (work id); the target, once chosen, is
      -- never changed, so a resumed handover gives every task to the same person.
      CREATE TABLE task_handovers (
        work_id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        target_gid TEXT,
        target_label TEXT,
        handed_over INTEGER NOT NULL DEFAULT 0,
        not_handed_over INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        outcome TEXT,
        -- The task whose reassignment was sent and not yet counted: after a crash, read back once.
        in_flight_task TEXT
      );
      CREATE INDEX task_handovers_user ON task_handovers (user_id);
    `,
    postgres: `
      CREATE TABLE deprovision_admissions (
        work_id INTEGER PRIMARY KEY,
        at BIGINT NOT NULL,
        counted INTEGER NOT NULL
      );
      CREATE INDEX deprovision_admissions_at ON deprovision_admissions (at);

      CREATE TABLE task_handovers (
        work_id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        target_gid TEXT,
        target_label TEXT,
        handed_over INTEGER NOT NULL DEFAULT 0,
        not_handed_over INTEGER NOT NULL DEFAULT 0,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        outcome TEXT,
        in_flight_task TEXT
      );
      CREATE INDEX task_handovers_user ON task_handovers (user_id);
    `,
  },
  {
    version: 8,
    name: 'replicas: leased work items, named leases, the shared Asana request budget',
    sql: `
      -- A replica claims a work item by setting both (one UPDATE); another may take it once lease_until has passed
      -- (its holder died). Milliseconds since the epoch, like next_attempt_at.
      ALTER TABLE asana_work ADD COLUMN claimed_by TEXT;
      ALTER TABLE asana_work ADD COLUMN lease_until INTEGER;

      -- One holder at a time of a named duty across replicas (the reconcile pass).
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        lease_until INTEGER NOT NULL
      );

      -- The Asana token's request budget, shared by every process using the token (keyed by a digest of the
      -- token, never the token). A slot counts in the window from sending a request until a window after its
      -- answer (expires_at), and in the concurrency pool while in_flight_until is ahead (NULL once answered). The
      -- holder renews its in-flight slots: a slot whose holder died leaves the pool soon, the window a window later.
      CREATE TABLE asana_budget_slots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        budget_key TEXT NOT NULL,
        holder TEXT NOT NULL,
        kind TEXT NOT NULL,
        in_flight_until INTEGER,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX asana_budget_slots_key ON asana_budget_slots (budget_key, expires_at);
      CREATE INDEX asana_budget_slots_holder ON asana_budget_slots (holder);
      -- A 429's Retry-After pauses every process using the token.
      CREATE TABLE asana_budget_pauses (
        budget_key TEXT PRIMARY KEY,
        paused_until INTEGER NOT NULL
      );
    `,
    postgres: `
      ALTER TABLE asana_work ADD COLUMN claimed_by TEXT;
      ALTER TABLE asana_work ADD COLUMN lease_until BIGINT;

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        lease_until BIGINT NOT NULL
      );

      CREATE TABLE asana_budget_slots (
        id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        budget_key TEXT NOT NULL,
        holder TEXT NOT NULL,
        kind TEXT NOT NULL,
        in_flight_until BIGINT,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX asana_budget_slots_key ON asana_budget_slots (budget_key, expires_at);
      CREATE INDEX asana_budget_slots_holder ON asana_budget_slots (holder);
      CREATE TABLE asana_budget_pauses (
        budget_key TEXT PRIMARY KEY,
        paused_until BIGINT NOT NULL
      );
    `,
  },
];
