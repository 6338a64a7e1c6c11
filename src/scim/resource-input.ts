import type { AttributeDefinition, SchemaDefinition } from './attribute.js';
import { normalizeAttributeValue } from './attribute-value.js';
import { ScimError } from './errors.js';
import { findKeyIgnoringCase, isJsonObject, jsonEqual, type JsonObject } from './json-value.js';
import type { ResourceSchema } from './schemas.js';

/**
 * A resource as plain JSON with canonical attribute names: core attributes at the top level, extension attributes
 * under their schema URN, `schemas` listing the core URN and each extension present.
 */
export type ScimResource = Record<string, unknown>;

/**
 * Normalizes the body of a POST or PUT (RFC 7644 §3.3, §3.5.1). Names are matched case-insensitively and written
 * canonically (RFC 7643 §2.1); unknown attributes are dropped rather than refused, because IdPs send attributes the
 * bridge does not keep (Entra's roles: test/idp/entra/validator-create-user.json; Okta's password:
 * test/idp/okta/create-user.json); readOnly ones (id, meta, groups) are ignored as RFC 7644 §3.5.1 says. The
 * client's `schemas` must name the resource's core schema (see assertCoreSchemaNamed), but is otherwise not
 * trusted: Entra sends extra and misspelled URNs (test/idp/entra/create-user.json), so it is recomputed from what
 * is present.
 */
export function normalizeResourceInput(body: unknown, resource: ResourceSchema): ScimResource {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object (RFC 7644 §3.3).');
  assertCoreSchemaNamed(body, resource);
  return normalizeResource(body, resource);
}

/**
 * Google Workspace's gallery apps have been seen posting SCIM 1.0's core URN (docs/idps.md); it names the same
 * core User and Group attributes, so it stands for the 2.0 core schema.
 */
const SCIM_1_CORE = 'urn:scim:schemas:core:1.0';

/**
 * RFC 7643 §3: `schemas` names the schemas the body follows, the core one included. A body that lists schemas but
 * not the resource's core one is for some other resource (a Group body sent to /Users) and is refused with 400.
 * A body without `schemas` is read as the core schema: nothing is ambiguous then, and refusing it would only turn
 * away sloppy clients (docs/idps.md).
 */
function assertCoreSchemaNamed(body: JsonObject, resource: ResourceSchema): void {
  const key = findKeyIgnoringCase(body, 'schemas');
  if (key === undefined) return;
  const schemas = body[key];
  const names = Array.isArray(schemas) ? schemas.filter((s): s is string => typeof s === 'string') : [];
  const wanted = [resource.core.id.toLowerCase(), SCIM_1_CORE];
  if (!names.some((name) => wanted.includes(name.toLowerCase()))) {
    throw ScimError.invalidSyntax(`schemas must include ${resource.core.id} (RFC 7643 §3).`);
  }
}

/** The writable attributes of `raw`, checked and canonical; shared by input and by the result of a PATCH. */
export function normalizeResource(raw: JsonObject, resource: ResourceSchema): ScimResource {
  const out: ScimResource = normalizeAttributes(raw, [...resource.common, ...resource.core.attributes], '');
  for (const extension of resource.extensions) {
    const key = findKeyIgnoringCase(raw, extension.id);
    const value = key === undefined ? undefined : raw[key];
    if (value === undefined || value === null) continue;
    if (!isJsonObject(value)) throw ScimError.invalidValue(`${extension.id} must be an object (RFC 7643 §3.3).`);
    const attributes = normalizeAttributes(value, extension.attributes, `${extension.id}:`);
    if (Object.keys(attributes).length > 0) out[extension.id] = attributes;
  }
  return { schemas: schemasOf(out, resource), ...out };
}

/**
 * Puts the server-owned (readOnly) attributes of `stored` onto a normalized resource: id, meta, groups and
 * readOnly extensions. RFC 7644 §3.5.1: a PUT cannot change them; a PATCH cannot either (§3.5.2).
 */
export function keepServerOwned(input: ScimResource, stored: ScimResource, resource: ResourceSchema): ScimResource {
  const out: ScimResource = {};
  copyReadOnly(stored, out, [...resource.common, ...resource.core.attributes]);
  for (const [key, value] of Object.entries(input)) if (key !== 'schemas') out[key] = value;
  for (const extension of resource.extensions) {
    const from = stored[extension.id];
    if (!isJsonObject(from)) continue;
    const to: JsonObject = isJsonObject(out[extension.id]) ? { ...(out[extension.id] as JsonObject) } : {};
    copyReadOnly(from, to, extension.attributes);
    if (Object.keys(to).length > 0) out[extension.id] = to;
  }
  return { schemas: schemasOf(out, resource), ...out };
}

/**
 * RFC 7643 §2.2 immutable: an attribute "MAY be defined at resource creation … SHALL NOT be updated". Compares
 * single-valued attributes and the sub-attributes of single-valued complex ones. In a multi-valued attribute an
 * element comes and goes as a whole (a member is added or removed), so PATCH guards an element's immutable
 * sub-attributes where an operation targets them.
 */
export function assertImmutableUnchanged(before: ScimResource, after: ScimResource, resource: ResourceSchema): void {
  assertSchemaUnchanged(before, after, [...resource.common, ...resource.core.attributes], '');
  for (const extension of resource.extensions) {
    const from = before[extension.id];
    const to = after[extension.id];
    if (isJsonObject(from))
      assertSchemaUnchanged(from, isJsonObject(to) ? to : {}, extension.attributes, `${extension.id}:`);
  }
}

function assertSchemaUnchanged(
  before: JsonObject,
  after: JsonObject,
  defs: readonly AttributeDefinition[],
  prefix: string,
) {
  for (const def of defs) {
    if (def.multiValued) continue;
    const from = before[def.name];
    const to = after[def.name];
    if (def.mutability === 'immutable' && from !== undefined && !jsonEqual(from, to)) {
      throw ScimError.mutability(`${prefix}${def.name} is immutable (RFC 7643 §2.2).`);
    }
    if (def.type === 'complex' && isJsonObject(from)) {
      assertSchemaUnchanged(from, isJsonObject(to) ? to : {}, def.subAttributes ?? [], `${prefix}${def.name}.`);
    }
  }
}

function normalizeAttributes(raw: JsonObject, defs: readonly AttributeDefinition[], prefix: string): JsonObject {
  const out: JsonObject = {};
  for (const def of defs) {
    if (def.mutability === 'readOnly') continue;
    const key = findKeyIgnoringCase(raw, def.name);
    if (key === undefined) continue;
    const value = normalizeAttributeValue(def, raw[key], `${prefix}${def.name}`);
    if (value !== undefined) out[def.name] = value;
  }
  assertRequiredPresent(out, defs, prefix);
  return out;
}

/** RFC 7643 §2.2 required (userName, a group's displayName); an empty string does not count (see attribute-value). */
function assertRequiredPresent(out: JsonObject, defs: readonly AttributeDefinition[], prefix: string): void {
  for (const def of defs) {
    if (def.required && def.mutability !== 'readOnly' && out[def.name] === undefined) {
      throw ScimError.invalidValue(`${prefix}${def.name} is required (RFC 7643 §2.2).`);
    }
  }
}

function copyReadOnly(from: JsonObject, to: JsonObject, defs: readonly AttributeDefinition[]): void {
  for (const def of defs) {
    if (def.mutability === 'readOnly' && from[def.name] !== undefined) to[def.name] = structuredClone(from[def.name]);
  }
}

/** RFC 7643 §3: the core schema plus the URN of each extension the resource carries. */
function schemasOf(out: JsonObject, resource: ResourceSchema): string[] {
  const present = (extension: SchemaDefinition) => isJsonObject(out[extension.id]);
  return [resource.core.id, ...resource.extensions.filter(present).map((extension) => extension.id)];
}
