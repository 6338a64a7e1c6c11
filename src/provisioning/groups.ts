import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors.js';
import { applyPatch } from '../scim/patch.js';
import { normalizeResourceInput, type ScimResource } from '../scim/resource-input.js';
import { groupResource } from '../scim/schemas.js';
import type { AsanaWork, GroupRecord, MappingStore, UserRecord } from '../store/mapping-store.js';
import { teamKey } from '../store/work-keys.js';
import { toScimGroup } from './group-resource.js';
import { toListOptions, type ResourceQuery } from './list-options.js';
import { membershipWork } from './membership-diff.js';
import type { WorkRunner } from './work-runner.js';
import { WriteSequence } from './write-sequence.js';

export interface GroupServiceDeps {
  readonly store: MappingStore;
  readonly runner: WorkRunner;
  readonly syncDeadlineMs: number;
  /** Prefix given to the Asana team of a deleted group, since Asana cannot delete teams. */
  readonly deprovisionedPrefix: string;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface GroupView {
  readonly resource: Record<string, unknown>;
  readonly version: number;
}

/** The member ids of a SCIM Group body, deduplicated, in the order given. */
function memberIdsOf(input: ScimResource): string[] {
  const members = Array.isArray(input['members']) ? (input['members'] as Array<{ value?: unknown }>) : [];
  return [...new Set(members.map((m) => m.value).filter((v): v is string => typeof v === 'string'))];
}

/** The stored JSON of a group: what the IdP sent, without members (kept as rows) and id. */
function groupData(input: ScimResource): Record<string, unknown> {
  const { members: _members, id: _id, ...data } = input;
  return data;
}

/**
 * SCIM Groups as Asana teams (RFC 7644 §3.3–3.6). Every change is a membership diff, so each member added or
 * removed costs exactly one Asana call and a no-op costs none; work is queued durably like users' work.
 */
export class GroupService {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly writes: WriteSequence<GroupRecord>;

  constructor(private readonly deps: GroupServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.writes = new WriteSequence({
      label: 'Group',
      uniqueAttribute: 'displayName',
      load: (id) => this.require(id),
      runner: deps.runner,
      syncDeadlineMs: deps.syncDeadlineMs,
    });
  }

  async get(id: string, baseUrl: string, withMembers = true): Promise<GroupView> {
    return this.view(await this.require(id), baseUrl, withMembers);
  }

  async list(query: ResourceQuery, baseUrl: string, withMembers: boolean): Promise<{ total: number; groups: GroupView[] }> {
    const page = await this.deps.store.listGroups(toListOptions(query, groupResource), withMembers);
    const users = withMembers ? await this.deps.store.usersByIds(page.items.flatMap((g) => g.memberIds)) : undefined;
    return {
      total: page.total,
      groups: page.items.map((g) => ({ resource: toScimGroup(g, users, baseUrl), version: g.version })),
    };
  }

  async create(body: unknown, baseUrl: string): Promise<GroupView> {
    const input = normalizeResourceInput(body, groupResource);
    const memberIds = memberIdsOf(input);
    const users = await this.requireUsers(memberIds);
    const at = this.now().toISOString();
    const group: GroupRecord = {
      id: this.newId(),
      displayName: input['displayName'] as string,
      externalId: typeof input['externalId'] === 'string' ? input['externalId'] : null,
      asanaGid: null,
      created: at,
      lastModified: at,
      version: 1,
      sync: { state: 'pending', attempts: 0, lastError: null },
      data: groupData(input),
      memberIds,
    };
    const work: AsanaWork[] = [
      { kind: 'createTeam', groupId: group.id, name: group.displayName },
      ...membershipWork(group.id, [], memberIds, users),
    ];
    await this.writes.create(group.id, {
      store: () => this.deps.store.insertGroup(group, work),
      undo: (workIds) => this.deps.store.revertGroup(group.id, { writtenVersion: group.version, workIds }),
    });
    return this.get(group.id, baseUrl);
  }

  /** PUT, RFC 7644 §3.5.1: displayName and members are replaced. */
  async replace(id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<GroupView> {
    return this.write(id, ifMatch, baseUrl, () => normalizeResourceInput(body, groupResource));
  }

  /** PATCH, RFC 7644 §3.5.2, in every form Okta and Entra send (see src/scim/patch.ts). */
  async patch(id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<GroupView> {
    return this.write(id, ifMatch, baseUrl, (current) =>
      applyPatch(
        { ...current.data, id: current.id, members: current.memberIds.map((value) => ({ value })) },
        body,
        groupResource,
      ),
    );
  }

  /**
   * DELETE. Asana cannot delete a team (and Asana's own SCIM refuses DELETE /Groups), so the bridge does the next
   * best thing: removes every member from the team, renames it with the deprovisioned prefix, and forgets the group.
   */
  async delete(id: string, ifMatch: string | undefined): Promise<void> {
    return this.writes.update(id, ifMatch, async (current) => {
      const users = await this.deps.store.usersByIds(current.memberIds);
      const work: AsanaWork[] = [
        ...membershipWork(id, current.memberIds, [], users),
        { kind: 'renameTeam', groupId: id, name: `${this.deps.deprovisionedPrefix}${current.displayName}` },
      ];
      return {
        store: () => this.deps.store.deleteGroup(id, current.version, work),
        // The tombstone keeps the version the group had.
        undo: (workIds) =>
          this.deps.store.revertGroup(id, { restore: current, writtenVersion: current.version, workIds }),
      };
    }, async () => undefined);
  }

  private async write(
    id: string,
    ifMatch: string | undefined,
    baseUrl: string,
    compute: (current: GroupRecord) => ScimResource,
  ): Promise<GroupView> {
    return this.writes.update(id, ifMatch, async (current) => {
      const input = compute(current);
      const displayName = input['displayName'];
      if (typeof displayName !== 'string' || displayName.trim() === '') {
        throw ScimError.invalidValue('displayName is required');
      }
      const memberIds = memberIdsOf(input);
      const before = new Set(current.memberIds);
      const added = memberIds.filter((m) => !before.has(m));
      const after = new Set(memberIds);
      const removed = current.memberIds.filter((m) => !after.has(m));
      const users = new Map([...(await this.requireUsers(added)), ...(await this.deps.store.usersByIds(removed))]);
      const diff = membershipWork(id, current.memberIds, memberIds, users);
      const retry = await this.retryWork(current, memberIds, displayName);
      const creating = retry.some((w) => w.kind === 'createTeam');
      // A rename that does not change the name costs nothing in Asana; a team created now gets the new name.
      const work: AsanaWork[] = [
        ...(displayName !== current.displayName && !creating ? [{ kind: 'renameTeam', groupId: id, name: displayName } as const] : []),
        ...(retry.length > 0 ? [...retry, ...diff.filter((w) => w.kind === 'removeUserFromTeam')] : diff),
      ];
      const next: GroupRecord = {
        ...current,
        displayName,
        externalId: typeof input['externalId'] === 'string' ? input['externalId'] : null,
        lastModified: this.now().toISOString(),
        version: current.version + 1,
        data: groupData(input),
        memberIds,
      };
      return {
        store: () => this.deps.store.updateGroup(next, current.version, work),
        undo: (workIds) => this.deps.store.revertGroup(id, { restore: current, writtenVersion: next.version, workIds }),
      };
    }, () => this.get(id, baseUrl));
  }

  /**
   * What the next write of a `failed` group (or of one whose team was never created) queues again: the team's
   * creation when no team is linked or queued, and every active member's add (Asana's team addUser is idempotent:
   * a member already in the team costs one call and changes nothing). Empty for a group in good standing.
   */
  private async retryWork(current: GroupRecord, memberIds: readonly string[], name: string): Promise<AsanaWork[]> {
    const noTeam = current.asanaGid === null && (await this.deps.store.oldestWorkId(teamKey(current.id))) === undefined;
    if (current.sync.state !== 'failed' && !noTeam) return [];
    const users = await this.deps.store.usersByIds(memberIds);
    return [
      ...(noTeam ? [{ kind: 'createTeam', groupId: current.id, name } as const] : []),
      ...membershipWork(current.id, [], memberIds, users),
    ];
  }

  /** Members must be users the bridge knows: an unknown id is 400 invalidValue and nothing changes. */
  private async requireUsers(ids: readonly string[]): Promise<ReadonlyMap<string, UserRecord>> {
    const users = await this.deps.store.usersByIds(ids);
    const unknown = ids.filter((id) => !users.has(id));
    if (unknown.length > 0) throw ScimError.invalidValue(`Unknown member ids: ${unknown.slice(0, 10).join(', ')}`);
    return users;
  }

  private async require(id: string): Promise<GroupRecord> {
    const group = await this.deps.store.getGroup(id);
    if (!group) throw ScimError.notFound(`Group ${id} not found`);
    return group;
  }

  private async view(group: GroupRecord, baseUrl: string, withMembers: boolean): Promise<GroupView> {
    const users = withMembers ? await this.deps.store.usersByIds(group.memberIds) : undefined;
    return { resource: toScimGroup(group, users, baseUrl), version: group.version };
  }
}
