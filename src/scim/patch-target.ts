import { formatAttributeRef, type AttributeRef } from './attribute-path.js';
import { findAttribute, type AttributeDefinition } from './attribute.js';
import { complexShape, normalizeAttributeValue } from './attribute-value.js';
import { ScimError } from './errors.js';
import type { Filter } from './filter-ast.js';
import { matchesFilter } from './filter-predicate.js';
import { isJsonObject, jsonEqual, type JsonObject } from './json-value.js';
import { addElements, keepSinglePrimary, withoutElements } from './multi-valued.js';
import type { PatchPath } from './path.js';

export type PatchOp = 'add' | 'replace' | 'remove';

/**
 * Applies one operation at one path to the working copy of a resource, in place (applyPatch owns the copy and
 * validates the result): RFC 7644 §3.5.2.1 add, §3.5.2.2 remove, §3.5.2.3 replace.
 */
export function applyAtPath(doc: JsonObject, op: PatchOp, path: PatchPath, value: unknown): void {
  const { attr, subAttribute } = path;
  const def = attr.attribute;
  const label = formatAttributeRef(subAttribute ? { ...attr, subAttribute } : attr);
  if (def.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') {
    throw ScimError.mutability(`${label} is readOnly (RFC 7643 §2.2).`);
  }
  // RFC 7643 §2.2 required: removing it would leave an invalid resource; refused as a mutability conflict.
  if (op === 'remove' && def.required && !subAttribute) {
    throw ScimError.mutability(`${label} is required and cannot be removed (RFC 7644 §3.5.2.2).`);
  }
  const holder = holderOf(doc, attr, op !== 'remove');
  if (!holder) return;
  if (def.multiValued) applyMultiValued(holder, op, path, value, label);
  else if (subAttribute) applySubAttribute(holder, def, subAttribute, op, value, label);
  else applySingleValued(holder, def, op, value, label);
}

/** The object holding the attribute: the resource, or its extension's object (created for add and replace). */
function holderOf(doc: JsonObject, attr: AttributeRef, create: boolean): JsonObject | undefined {
  if (!attr.extension) return doc;
  const existing = doc[attr.schema];
  if (isJsonObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  doc[attr.schema] = created;
  return created;
}

function applySingleValued(holder: JsonObject, def: AttributeDefinition, op: PatchOp, value: unknown, label: string) {
  if (op === 'remove') {
    delete holder[def.name];
  } else if (def.type !== 'complex') {
    setOrDelete(holder, def.name, normalizeAttributeValue(def, value, label));
  } else {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: a complex value sets the sub-attributes it names and leaves the others alone.
    const shape = complexShape(def, value, label);
    const target = isJsonObject(holder[def.name]) ? (holder[def.name] as JsonObject) : {};
    if (shape) mergeSubAttributes(def, target, shape, label);
    setOrDelete(holder, def.name, shape && Object.keys(target).length > 0 ? target : undefined);
  }
}

/** `name.givenName`: a sub-attribute of a single-valued complex attribute. */
function applySubAttribute(
  holder: JsonObject,
  def: AttributeDefinition,
  sub: AttributeDefinition,
  op: PatchOp,
  value: unknown,
  label: string,
) {
  const existing = holder[def.name];
  const target = isJsonObject(existing) ? existing : {};
  if (op === 'remove') delete target[sub.name];
  else assignSubAttribute(target, sub, normalizeAttributeValue(sub, value, label), label);
  setOrDelete(holder, def.name, Object.keys(target).length > 0 ? target : undefined);
}

function applyMultiValued(holder: JsonObject, op: PatchOp, path: PatchPath, value: unknown, label: string) {
  const def = path.attr.attribute;
  const existing = holder[def.name];
  const list: unknown[] = Array.isArray(existing) ? existing : [];
  if (!path.filter && !path.subAttribute) {
    applyWholeList(holder, def, list, op, value, label);
    return;
  }
  const { filter, subAttribute } = path;
  const selected = list.filter(
    (element): element is JsonObject =>
      isJsonObject(element) && (!filter || elementMatches(path.attr, filter, element)),
  );
  if (op === 'remove') {
    // RFC 7644 §3.5.2.2: matching values are removed. Nothing matching is a no-op, so a retried removal succeeds.
    if (subAttribute) for (const element of selected) assignSubAttribute(element, subAttribute, undefined, label);
    else {
      const gone = new Set<unknown>(selected);
      setOrDelete(holder, def.name, nonEmpty(list.filter((element) => !gone.has(element))));
    }
    return;
  }
  const created = selected.length === 0;
  if (created) {
    const seed = filter ? seedFromFilter(def, filter, label) : {};
    if (!seed) throw ScimError.noTarget(`${label}: no value matches the filter (RFC 7644 §3.5.2.3).`);
    list.push(seed);
    selected.push(seed);
    holder[def.name] = list;
  }
  if (subAttribute) {
    const normalized = normalizeAttributeValue(subAttribute, value, label);
    for (const element of selected) assignSubAttribute(element, subAttribute, normalized, label);
  } else {
    const shape = complexShape(def, value, label) ?? {};
    for (const element of selected) {
      // RFC 7644 §3.5.2.3: replace swaps the matching values; add merges into them.
      if (op === 'replace' && !created) clearWritable(def, element);
      mergeSubAttributes(def, element, shape, label);
    }
  }
  keepSinglePrimary(list, selected);
}

/** `members`, `emails`: the attribute without a filter. */
function applyWholeList(
  holder: JsonObject,
  def: AttributeDefinition,
  list: unknown[],
  op: PatchOp,
  value: unknown,
  label: string,
) {
  const values = (normalizeAttributeValue(def, value, label) as unknown[] | undefined) ?? [];
  switch (op) {
    case 'replace':
      // RFC 7644 §3.5.2.3: "the attribute and all values are replaced" (Okta's full member push, `[]` included:
      // test/idp/okta/group-push.json).
      setOrDelete(holder, def.name, nonEmpty(values));
      return;
    case 'add':
      keepSinglePrimary(list, addElements(def, list, values));
      setOrDelete(holder, def.name, nonEmpty(list));
      return;
    case 'remove':
      if (value === undefined || value === null) {
        delete holder[def.name];
        return;
      }
      // Entra's default remove-member is `path: "members"` with a value list: only the listed values go
      // (test/idp/entra/groups.json).
      setOrDelete(holder, def.name, nonEmpty(withoutElements(def, list, values)));
      return;
    default: {
      const unknownOp: never = op;
      throw new Error(`unhandled op ${String(unknownOp)}`);
    }
  }
}

/** matchesFilter reads refs from a resource root, so the element is asked as the only value of its attribute. */
function elementMatches(attr: AttributeRef, filter: Filter, element: JsonObject): boolean {
  const holder: JsonObject = { [attr.attribute.name]: [element] };
  const root: JsonObject = attr.extension ? { [attr.schema]: holder } : holder;
  return matchesFilter({ kind: 'valuePath', attr, filter }, root);
}

/**
 * Entra adds to `emails[type eq "work"].value` (and `addresses[type eq "work"].locality`, …) before the element
 * exists and expects it created (test/idp/entra/add-work-email-when-absent.json); later ops with the same filter then
 * find and complete it (test/idp/entra/address-merge.json).
 * Only a filter made of `eq` comparisons that fixes `type` describes one element unambiguously; anything else
 * keeps RFC 7644 §3.5.2.3's noTarget.
 */
function seedFromFilter(def: AttributeDefinition, filter: Filter, label: string): JsonObject | undefined {
  const equalities: JsonObject = {};
  if (!collectEqualities(filter, equalities) || equalities['type'] === undefined) return undefined;
  const seed: JsonObject = {};
  mergeSubAttributes(def, seed, equalities, label);
  return seed;
}

function collectEqualities(filter: Filter, into: JsonObject): boolean {
  switch (filter.kind) {
    case 'and':
      return collectEqualities(filter.left, into) && collectEqualities(filter.right, into);
    case 'compare':
      if (filter.op !== 'eq' || !filter.attr.subAttribute) return false;
      into[filter.attr.subAttribute.name] = filter.value;
      return true;
    case 'present':
    case 'or':
    case 'not':
    case 'valuePath':
      return false;
    default: {
      const unknownFilter: never = filter;
      throw new Error(`unhandled filter ${JSON.stringify(unknownFilter)}`);
    }
  }
}

/**
 * Sets the sub-attributes named in `shape`, matched case-insensitively. ReadOnly ones inside a value are ignored
 * rather than refused: Okta's member adds carry `display` (test/idp/okta/group-push.json).
 */
function mergeSubAttributes(def: AttributeDefinition, target: JsonObject, shape: JsonObject, label: string): void {
  for (const [name, raw] of Object.entries(shape)) {
    const sub = findAttribute(def.subAttributes, name);
    if (!sub || sub.mutability === 'readOnly') continue;
    const subLabel = `${label}.${sub.name}`;
    assignSubAttribute(target, sub, normalizeAttributeValue(sub, raw, subLabel), subLabel);
  }
}

/** Before a replace of a whole element: drop what the client may write; immutable values stay and must match. */
function clearWritable(def: AttributeDefinition, element: JsonObject): void {
  for (const sub of def.subAttributes ?? []) {
    if (sub.mutability === 'readWrite' || sub.mutability === 'writeOnly') delete element[sub.name];
  }
}

/** RFC 7643 §2.2: an immutable sub-attribute may be set once; changing or removing it is a mutability error. */
function assignSubAttribute(target: JsonObject, sub: AttributeDefinition, value: unknown, label: string): void {
  const current = target[sub.name];
  if (sub.mutability === 'immutable' && current !== undefined && !jsonEqual(current, value)) {
    throw ScimError.mutability(`${label} is immutable (RFC 7643 §2.2).`);
  }
  setOrDelete(target, sub.name, value);
}

function setOrDelete(target: JsonObject, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function nonEmpty(list: unknown[]): unknown[] | undefined {
  return list.length > 0 ? list : undefined;
}
