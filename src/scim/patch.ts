import { ScimError } from './errors.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { parsePatchRequest, type PatchOperation } from './patch-request.js';
import { applyAtPath } from './patch-target.js';
import { parsePatchPath, type PatchPath } from './path.js';
import { assertImmutableUnchanged, keepServerOwned, normalizeResource, type ScimResource } from './resource-input.js';
import type { ResourceSchema } from './schemas.js';

/**
 * Applies a PatchOp request (RFC 7644 §3.5.2) to a resource and returns the new resource; `current` is never
 * mutated. Operations apply in order to one working copy, and the result goes through the same normalization as a
 * POST or PUT body (types, required attributes, one primary), so a PATCH cannot store what a PUT could not.
 * All or nothing (RFC 7644 §3.5.2: "If any operation fails, … the original resource is unchanged"): the first
 * failure throws its ScimError and nothing is applied.
 */
export function applyPatch(current: ScimResource, body: unknown, resource: ResourceSchema): ScimResource {
  const operations = parsePatchRequest(body, resource);
  const doc: JsonObject = structuredClone(current);
  for (const operation of operations) applyOperation(doc, operation, current, resource);
  const result = keepServerOwned(normalizeResource(doc, resource), current, resource);
  assertImmutableUnchanged(current, result, resource);
  return result;
}

function applyOperation(doc: JsonObject, operation: PatchOperation, current: ScimResource, resource: ResourceSchema) {
  switch (operation.op) {
    case 'add':
    case 'replace': {
      const targets = operation.path
        ? [[operation.path, operation.value] as const]
        : expandValue(operation.value, current, resource);
      for (const [path, value] of targets) applyAtPath(doc, operation.op, path, value);
      return;
    }
    case 'remove':
      applyAtPath(doc, 'remove', operation.path, operation.value);
      return;
    default: {
      const unknownOperation: never = operation;
      throw new Error(`unhandled operation ${JSON.stringify(unknownOperation)}`);
    }
  }
}

/**
 * An add or replace without a path names its targets by the keys of its value (RFC 7644 §3.5.2.1). Besides plain
 * attribute names, a key may be an extension URN holding an object of that extension's attributes, or a path:
 * Entra with aadOptscim062020 sends `"name.givenName"` and `"urn:…:enterprise:2.0:User:employeeNumber"` as keys
 * (test/idp/entra/aadopt-replace-multiple.json). Each key then applies as if it were a path operation.
 */
function expandValue(value: JsonObject, current: ScimResource, resource: ResourceSchema): [PatchPath, unknown][] {
  const targets: [PatchPath, unknown][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const lower = key.toLowerCase();
    // `schemas` and `meta` are message framing and server-owned metadata, not attributes to set.
    if (lower === 'schemas' || lower === 'meta') continue;
    const extension = resource.extensions.find((candidate) => candidate.id.toLowerCase() === lower);
    if (extension) {
      if (!isJsonObject(inner)) throw ScimError.invalidValue(`${extension.id} must be an object (RFC 7643 §3.3).`);
      for (const [name, attributeValue] of Object.entries(inner)) {
        const path = parsePatchPath(`${extension.id}:${name}`, resource);
        if (path) targets.push([path, attributeValue]);
      }
      continue;
    }
    const path = parsePatchPath(key, resource);
    if (!path) continue;
    // Okta's group PATCH carries the group's own id on every membership change: test/idp/okta/group-push.json.
    if (isOwnId(path) && inner === current['id']) continue;
    targets.push([path, inner]);
  }
  return targets;
}

function isOwnId(path: PatchPath): boolean {
  return !path.attr.extension && path.attr.attribute.name === 'id' && !path.subAttribute && !path.filter;
}
