import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors.js';
import { asanaEmailOf, assertAllowedDomain, personEmailOf } from './asana-email.js';
import { applyPatch } from '../scim/patch.js';
import { assertImmutableUnchanged, normalizeResourceInput, type ScimResource } from '../scim/resource-input.js';
import { userResource } from '../scim/schemas.js';
import type { DeprovisioningStore } from '../store/deprovisioning-store.js';
import type { AsanaWork, MappingStore, UserRecord } from '../store/mapping-store.js';
import { personKey } from '../store/work-keys.js';
import { toListOptions, type ResourceQuery } from './list-options.js';
import { managerOf, toScimUser } from './user-resource.js';
import type { WorkRunner } from './work-runner.js';
import { WriteSequence } from './write-sequence.js';

/** Both are unique: a SCIM user is one Asana person. Never the address itself (errors carry no personal data). */
const UNIQUE = 'userName or the Asana email (see the sync extension)';

/** How Asana knows the person: their gid once linked, else the address they were invited by. */
function asanaRef(user: UserRecord): string {
  return user.asanaGid ?? personEmailOf(user);
}

export interface UserServiceDeps {
  readonly store: MappingStore & Pick<DeprovisioningStore, 'latestHandovers'>;
  readonly runner: WorkRunner;
  /** How long a write waits for Asana before answering with its work still queued. */
  readonly syncDeadlineMs: number;
  /** ASANA_ALLOWED_EMAIL_DOMAINS; empty = any. */
  readonly allowedEmailDomains?: readonly string[];
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** A SCIM user with the version its ETag is made from. */
export interface UserView {
  readonly resource: Record<string, unknown>;
  readonly version: number;
}

/** The work that takes a user out of the workspace (by gid once Asana told it, else by the address Asana holds). */
function removal(user: UserRecord): Extract<AsanaWork, { kind: 'removeUserFromWorkspace' }> {
  const manager = managerOf(user);
  return {
    kind: 'removeUserFromWorkspace',
    userId: user.id,
    email: personEmailOf(user),
    user: asanaRef(user),
    ...(manager !== undefined && { manager }),
  };
}

/**
 * SCIM intent for Users turned into store writes and Asana work (RFC 7644 §3.3–3.6). Reads come from the store
 * only; each write commits the resource and its Asana work together, then waits for Asana up to the deadline.
 */
export class UserService {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly writes: WriteSequence<UserRecord>;

  constructor(private readonly deps: UserServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.writes = new WriteSequence({
      label: 'User',
      uniqueAttribute: UNIQUE,
      load: (id) => this.require(id),
      runner: deps.runner,
      syncDeadlineMs: deps.syncDeadlineMs,
    });
  }

  async get(id: string, baseUrl: string): Promise<UserView> {
    return this.view(await this.require(id), baseUrl);
  }

  async list(query: ResourceQuery, baseUrl: string): Promise<{ total: number; users: UserView[] }> {
    const { store } = this.deps;
    const page = await store.listUsers(toListOptions(query, userResource));
    const ids = page.items.map((u) => u.id);
    const groups = await store.groupsOfUsers(ids);
    const handovers = await store.latestHandovers(ids);
    return {
      total: page.total,
      users: page.items.map((u) => ({
        resource: toScimUser(u, groups.get(u.id) ?? [], baseUrl, handovers.get(u.id)),
        version: u.version,
      })),
    };
  }

  async create(body: unknown, baseUrl: string): Promise<UserView> {
    const input = normalizeResourceInput(body, userResource);
    const userName = input['userName'] as string;
    const asanaEmail = asanaEmailOf(input);
    assertAllowedDomain(asanaEmail, this.deps.allowedEmailDomains ?? []);
    const active = input['active'] !== false;
    const at = this.nowIso();
    const user: UserRecord = {
      id: this.newId(),
      userName,
      asanaEmail,
      emailInAsana: active ? asanaEmail : null,
      externalId: typeof input['externalId'] === 'string' ? input['externalId'] : null,
      active,
      asanaGid: null,
      created: at,
      lastModified: at,
      version: 1,
      sync: { state: active ? 'pending' : 'synced', attempts: 0, lastError: null },
      data: { ...input, active },
    };
    // An inactive user is only recorded: there is nobody to invite until the IdP activates them.
    const work: AsanaWork[] = active ? [{ kind: 'addUserToWorkspace', userId: user.id, email: asanaEmail }] : [];
    await this.writes.create(user.id, {
      store: () => this.deps.store.insertUser(user, work),
      undo: (workIds) => this.deps.store.revertUser(user.id, { writtenVersion: user.version, workIds, at: this.nowIso() }),
    });
    return this.get(user.id, baseUrl);
  }

  /** PUT, RFC 7644 §3.5.1: the body replaces what the bridge holds; readOnly attributes are kept. */
  async replace(id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<UserView> {
    return this.write(id, ifMatch, baseUrl, () => normalizeResourceInput(body, userResource));
  }

  /** PATCH, RFC 7644 §3.5.2. */
  async patch(id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<UserView> {
    return this.write(id, ifMatch, baseUrl, (current) => {
      const patched = applyPatch({ ...current.data, id: current.id }, body, userResource);
      // Without `active` the bridge could not say whether the person belongs in Asana: refused, not ignored.
      if (typeof patched['active'] !== 'boolean') {
        throw ScimError.mutability('active cannot be removed; replace it with false to deprovision the user.');
      }
      return patched;
    });
  }

  /** DELETE, RFC 7644 §3.6: removed from the workspace in Asana, then forgotten (404 afterwards). */
  async delete(id: string, ifMatch: string | undefined): Promise<void> {
    return this.writes.update(id, ifMatch, async (current) => {
      const groupIds = [...((await this.deps.store.groupsOfUsers([id])).get(id) ?? [])].map((g) => g.id);
      const work: AsanaWork[] = current.active ? [{ ...removal(current), groupIds }] : [];
      return {
        store: () => this.deps.store.deleteUser(id, current.version, work, this.nowIso()),
        undo: (workIds) =>
          this.deps.store.revertUser(id, { restore: { user: current, groupIds }, workIds, at: this.nowIso() }),
      };
    }, async () => undefined);
  }

  private async write(
    id: string,
    ifMatch: string | undefined,
    baseUrl: string,
    compute: (current: UserRecord) => ScimResource,
  ): Promise<UserView> {
    return this.writes.update(id, ifMatch, async (current) => {
      const { id: _id, ...input } = compute(current);
      assertImmutableUnchanged(current.data, input, userResource);
      // A rename (of userName or of the address that is the Asana email) is taken as is: the user stays linked to
      // the same Asana person, whose address Asana's REST API cannot change; the sync extension tracks the
      // difference until a reconciliation sees Asana agree (docs/idps.md, Renames).
      const asanaEmail = asanaEmailOf(input);
      // Only a new address is checked: a person already provisioned can still be deactivated or renamed.
      if (asanaEmail.toLowerCase() !== current.asanaEmail.toLowerCase()) {
        assertAllowedDomain(asanaEmail, this.deps.allowedEmailDomains ?? []);
      }
      const active = typeof input['active'] === 'boolean' ? input['active'] : current.active;
      const work = await this.workFor(current, active, asanaEmail);
      const next: UserRecord = {
        ...current,
        userName: input['userName'] as string,
        asanaEmail,
        // Inviting a person never invited before (created inactive) gives Asana the current address.
        emailInAsana: current.emailInAsana ?? (active ? asanaEmail : null),
        externalId: typeof input['externalId'] === 'string' ? input['externalId'] : null,
        active,
        lastModified: this.nowIso(),
        version: current.version + 1,
        data: { ...input, active },
      };
      return {
        store: () => this.deps.store.updateUser(next, current.version, work),
        undo: (workIds) => this.deps.store.revertUser(id, {
          restore: { user: current, groupIds: [] },
          writtenVersion: next.version,
          workIds,
          at: this.nowIso(),
        }),
      };
    }, () => this.get(id, baseUrl));
  }

  /**
   * The Asana work a write implies. active:false removes the user from the workspace (Asana drops their team
   * memberships with it); active:true invites them again and re-adds them to every team the IdP still lists them
   * in. A write that leaves `active` as it is retries what is missing: the invitation of an active user who is
   * not in Asana (no gid and none queued) or whose last step failed, the removal of an inactive one that failed.
   */
  private async workFor(current: UserRecord, active: boolean, asanaEmail: string): Promise<AsanaWork[]> {
    const failed = current.sync.state === 'failed';
    if (!active) return active !== current.active || failed ? [removal(current)] : [];
    // The address Asana holds brings back the same person after a rename; a new one would invite someone new.
    const email = current.emailInAsana ?? asanaEmail;
    const notInAsana = !current.asanaGid && (await this.deps.store.oldestWorkId(personKey(email))) === undefined;
    if (active === current.active && !failed && !notInAsana) return [];
    const groups = (await this.deps.store.groupsOfUsers([current.id])).get(current.id) ?? [];
    return [
      { kind: 'addUserToWorkspace', userId: current.id, email },
      ...groups.map((g): AsanaWork => ({ kind: 'addUserToTeam', groupId: g.id, userId: current.id, email })),
    ];
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.deps.store.getUser(id);
    if (!user) throw ScimError.notFound(`User ${id} not found`);
    return user;
  }

  private async view(user: UserRecord, baseUrl: string): Promise<UserView> {
    const groups = (await this.deps.store.groupsOfUsers([user.id])).get(user.id) ?? [];
    const handover = (await this.deps.store.latestHandovers([user.id])).get(user.id);
    return { resource: toScimUser(user, groups, baseUrl, handover), version: user.version };
  }
}
