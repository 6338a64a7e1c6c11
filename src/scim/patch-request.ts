import { ScimError } from './errors.js';
import { findKeyIgnoringCase, getIgnoringCase, isJsonObject, type JsonObject } from './json-value.js';
import { parsePatchPath, type PatchPath } from './path.js';
import { PATCH_OP_SCHEMA, type ResourceSchema } from './schemas.js';

/**
 * One operation of a PatchOp request (RFC 7644 §3.5.2). An add or replace without a path carries an object whose
 * keys name the attributes to set (§3.5.2.1, §3.5.2.3); a remove always has a path (§3.5.2.2).
 */
export type PatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: PatchPath; readonly value: unknown }
  | { readonly op: 'add' | 'replace'; readonly path: undefined; readonly value: JsonObject }
  | { readonly op: 'remove'; readonly path: PatchPath; readonly value: unknown };

/**
 * Validates the request envelope and parses each operation. Operations on attributes the bridge does not keep are
 * left out (see parsePatchPath). An unknown `op` is invalidSyntax: the request does not have PatchOp's structure.
 */
export function parsePatchRequest(body: unknown, resource: ResourceSchema): PatchOperation[] {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('A PATCH body must be a JSON object (RFC 7644 §3.5.2).');
  const schemas = getIgnoringCase(body, 'schemas');
  const patchOp = PATCH_OP_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === patchOp)) {
    throw ScimError.invalidSyntax(`"schemas" must contain ${PATCH_OP_SCHEMA} (RFC 7644 §3.5.2).`);
  }
  const operations = getIgnoringCase(body, 'Operations');
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('"Operations" must be an array (RFC 7644 §3.5.2).');
  if (operations.length === 0) throw ScimError.invalidValue('"Operations" must not be empty (RFC 7644 §3.5.2).');
  return operations.flatMap((operation, i) => parseOperation(operation, i, resource) ?? []);
}

function parseOperation(raw: unknown, index: number, resource: ResourceSchema): PatchOperation | undefined {
  const where = `Operations[${index}]`;
  if (!isJsonObject(raw)) throw ScimError.invalidSyntax(`${where} must be an object (RFC 7644 §3.5.2).`);
  const name = getIgnoringCase(raw, 'op');
  // Entra sends "Add", "Replace", "Remove" (test/idp/entra/update-user-patch.json); RFC 7644 §3.5.2 ops ignore case.
  const op = typeof name === 'string' ? name.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw ScimError.invalidSyntax(`${where}.op must be "add", "remove" or "replace" (RFC 7644 §3.5.2).`);
  }
  const rawPath = getIgnoringCase(raw, 'path');
  const hasValue = findKeyIgnoringCase(raw, 'value') !== undefined;
  const value = getIgnoringCase(raw, 'value');
  if (rawPath === undefined || rawPath === null) {
    if (op === 'remove') throw ScimError.noTarget(`${where}: remove requires a path (RFC 7644 §3.5.2.2).`);
    if (!isJsonObject(value)) {
      throw ScimError.invalidValue(`${where}: without a path, value must be an object (RFC 7644 §3.5.2.1).`);
    }
    return { op, path: undefined, value };
  }
  if (typeof rawPath !== 'string') throw ScimError.invalidPath(`${where}.path must be a string (RFC 7644 §3.5.2).`);
  const path = parsePatchPath(rawPath, resource);
  if (!path) return undefined;
  if (op === 'remove') return { op, path, value };
  if (!hasValue) throw ScimError.invalidValue(`${where}: ${op} requires a value (RFC 7644 §3.5.2.1).`);
  return { op, path, value };
}
