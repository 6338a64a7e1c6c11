import { findAttribute, type AttributeDefinition } from './attribute.js';
import type { ResourceSchema } from './schemas.js';

/**
 * A resolved attribute reference (RFC 7644 §3.10 "attrPath"): which schema holds it, the attribute and,
 * optionally, one of its sub-attributes. Names are matched case-insensitively (RFC 7643 §2.1) and resolved to
 * their canonical spelling, so everything downstream compares canonical names only.
 */
export interface AttributeRef {
  /** The URN of the schema that defines the attribute (the core schema for common attributes). */
  readonly schema: string;
  /** True when the attribute lives under its extension's URN key in the resource JSON. */
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

/** The canonical dotted form, e.g. `name.givenName` or `urn:…:enterprise:2.0:User:manager.value`. */
export function formatAttributeRef(ref: AttributeRef): string {
  const base = ref.extension ? `${ref.schema}:${ref.attribute.name}` : ref.attribute.name;
  return ref.subAttribute ? `${base}.${ref.subAttribute.name}` : base;
}

/** The definition a value at this reference must satisfy: the sub-attribute if given, else the attribute. */
export function targetDefinition(ref: AttributeRef): AttributeDefinition {
  return ref.subAttribute ?? ref.attribute;
}

/**
 * Splits a leading schema URN off a path. RFC 7644 §3.10: `urn:…:User:name.givenName`; the URN is matched
 * case-insensitively against the resource's own schemas.
 */
export function splitSchemaUrn(
  resource: ResourceSchema,
  path: string,
): { schema: string; extension: boolean; rest: string } | undefined {
  const lower = path.toLowerCase();
  const candidates = [resource.core.id, ...resource.extensions.map((e) => e.id)];
  for (const urn of candidates) {
    const prefix = urn.toLowerCase();
    if (lower === prefix) return { schema: urn, extension: urn !== resource.core.id, rest: '' };
    if (lower.startsWith(`${prefix}:`)) {
      return { schema: urn, extension: urn !== resource.core.id, rest: path.slice(prefix.length + 1) };
    }
  }
  return undefined;
}

/**
 * Resolves `attr`, `attr.sub`, or a URN-qualified form of either against a resource's schemas.
 * Returns undefined for anything the bridge does not know; callers decide whether that is an error
 * (filters: invalidFilter) or tolerated (writes ignore unsupported attributes).
 */
export function resolveAttributePath(resource: ResourceSchema, path: string): AttributeRef | undefined {
  let schema = resource.core.id;
  let extension = false;
  let rest = path;
  if (path.toLowerCase().startsWith('urn:')) {
    const split = splitSchemaUrn(resource, path);
    if (!split || split.rest === '') return undefined;
    ({ schema, extension, rest } = split);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) return undefined;
  const [attrName, subName] = parts as [string, string | undefined];
  const pool = extension
    ? (resource.extensions.find((e) => e.id === schema)?.attributes ?? [])
    : [...resource.core.attributes, ...resource.common];
  const attribute = findAttribute(pool, attrName);
  if (!attribute) return undefined;
  if (subName === undefined) return { schema, extension, attribute };
  const subAttribute = findAttribute(attribute.subAttributes, subName);
  if (!subAttribute) return undefined;
  return { schema, extension, attribute, subAttribute };
}

/** Resolves a sub-attribute name relative to a complex attribute (inside a value filter `emails[type eq …]`). */
export function resolveSubAttribute(parent: AttributeRef, name: string): AttributeRef | undefined {
  if (parent.subAttribute) return undefined;
  const subAttribute = findAttribute(parent.attribute.subAttributes, name);
  return subAttribute ? { ...parent, subAttribute } : undefined;
}
