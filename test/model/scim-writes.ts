import { userBody, type ScimResponse } from '../helpers/harness.js';
import { userEmail, type Op } from './ops.js';
import type { ReferenceModel } from './reference-model.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- SCIM JSON under test */

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** One SCIM write as an IdP sends it, and what it means for the reference model. */
export interface WriteSpec {
  readonly resourceType: 'User' | 'Group';
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** The resource written, when it exists already (for the probe and for judging a refusal). */
  readonly id?: string;
  readonly expected: readonly number[];
  /** Changes the model as the bridge accepted the write. */
  readonly accept: (answer: Pick<ScimResponse, 'body'>, at: number) => void;
  /** For a create: how to find the resource if the bridge kept it though it answered an error, and adopt it. */
  readonly created?: { readonly filter: string; readonly adopt: (resource: any, at: number) => void };
}

export type WriteOp = Extract<Op, { op: 'createUser' | 'patchTitle' | 'putUser' | 'setActive' | 'deleteUser' | 'createGroup' | 'renameGroup' | 'patchMembers' | 'putGroup' | 'deleteGroup' }>;

/** The write an operation sends given the model's state, or undefined when it does not apply (skipped). */
export function writeFor(model: ReferenceModel, op: WriteOp): WriteSpec | undefined {
  switch (op.op) {
    case 'createUser': {
      if (model.users.has(op.slot)) return undefined;
      const email = userEmail(op.slot);
      return {
        resourceType: 'User', method: 'POST', path: '/Users', body: userBody(email, { active: op.active }), expected: [201],
        accept: (answer, at) => model.addUser(op.slot, answer.body.id, op.active, null, at),
        created: {
          filter: `userName eq "${email}"`,
          adopt: (resource, at) => model.addUser(op.slot, resource.id, resource.active, resource.title ?? null, at),
        },
      };
    }
    case 'createGroup': {
      if (model.groups.has(op.slot)) return undefined;
      const members = model.idsOf(op.members);
      return {
        resourceType: 'Group', method: 'POST', path: '/Groups', expected: [201],
        body: { schemas: [GROUP_SCHEMA], displayName: op.name, members: members.map((value) => ({ value })) },
        accept: (answer, at) => model.addGroup(op.slot, answer.body.id, op.name, members, at),
        created: {
          filter: `displayName eq "${op.name}"`,
          adopt: (resource, at) =>
            model.addGroup(op.slot, resource.id, resource.displayName, (resource.members ?? []).map((m: any) => m.value), at),
        },
      };
    }
    case 'patchTitle':
    case 'setActive':
    case 'putUser':
    case 'deleteUser':
      return userWrite(model, op);
    default:
      return groupWrite(model, op);
  }
}

function patch(operations: unknown[]): unknown {
  return { schemas: [PATCH_OP], Operations: operations };
}

function userWrite(model: ReferenceModel, op: Extract<WriteOp, { op: 'patchTitle' | 'setActive' | 'putUser' | 'deleteUser' }>): WriteSpec | undefined {
  const user = model.users.get(op.slot);
  if (!user) return undefined;
  const common = { resourceType: 'User' as const, path: `/Users/${user.id}`, id: user.id };
  switch (op.op) {
    case 'patchTitle':
      return {
        ...common, method: 'PATCH', expected: [200], body: patch([{ op: 'replace', value: { title: op.title } }]),
        accept: () => { user.title = op.title; },
      };
    case 'setActive':
      return {
        ...common, method: 'PATCH', expected: [200], body: patch([{ op: 'replace', value: { active: op.active } }]),
        accept: () => { user.active = op.active; },
      };
    case 'putUser': {
      const active = op.active ?? user.active;
      return {
        ...common, method: 'PUT', expected: [200], body: userBody(user.email, { active, title: op.title }),
        accept: () => { user.active = active; user.title = op.title; },
      };
    }
    case 'deleteUser':
      return { ...common, method: 'DELETE', expected: [204], accept: (_answer, at) => model.deleteUser(op.slot, at) };
  }
}

function groupWrite(model: ReferenceModel, op: Extract<WriteOp, { op: 'renameGroup' | 'patchMembers' | 'putGroup' | 'deleteGroup' }>): WriteSpec | undefined {
  const group = model.groups.get(op.slot);
  if (!group) return undefined;
  const common = { resourceType: 'Group' as const, path: `/Groups/${group.id}`, id: group.id };
  switch (op.op) {
    case 'renameGroup':
      return {
        ...common, method: 'PATCH', expected: [200, 204], body: patch([{ op: 'replace', path: 'displayName', value: op.name }]),
        accept: () => { group.displayName = op.name; },
      };
    case 'patchMembers': {
      const add = model.idsOf(op.add);
      const remove = model.idsOf(op.remove);
      if (add.length + remove.length === 0) return undefined;
      const operations = [
        ...(add.length > 0 ? [{ op: 'add', path: 'members', value: add.map((value) => ({ value })) }] : []),
        ...remove.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
      ];
      return {
        ...common, method: 'PATCH', expected: [200, 204], body: patch(operations),
        accept: () => {
          for (const id of add) group.members.add(id);
          for (const id of remove) group.members.delete(id);
        },
      };
    }
    case 'putGroup': {
      const members = model.idsOf(op.members);
      const displayName = op.name ?? group.displayName;
      return {
        ...common, method: 'PUT', expected: [200],
        body: { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) },
        accept: () => { group.displayName = displayName; group.members = new Set(members); },
      };
    }
    case 'deleteGroup':
      return { ...common, method: 'DELETE', expected: [204], accept: (_answer, at) => model.deleteGroup(op.slot, at) };
  }
}
