import { findAttribute, type AttributeDefinition } from './attribute.js';
import { ScimError } from './errors.js';
import { normalizeDateTime } from './filter-date-time.js';
import { assertValueCount } from './input-limits.js';
import { getIgnoringCase, isJsonObject, type JsonObject } from './json-value.js';
import { addElements, countPrimary } from './multi-valued.js';

/**
 * Checks one attribute's value against its definition and returns it in canonical form: the data types of
 * RFC 7643 §2.3, the multi-valued rules of §2.4, canonical sub-attribute names (§2.1), unknown and readOnly
 * sub-attributes dropped (RFC 7644 §3.5.1: readOnly values sent by a client are ignored).
 *
 * Returns undefined when the value is unassigned. RFC 7643 §2.5 counts null and [] as "no value"; "" counts too,
 * because Entra clears attributes by sending "" (its gallery validation's null-update test;
 * test/idp/entra/manager.json).
 * `label` names the attribute in error details.
 */
export function normalizeAttributeValue(def: AttributeDefinition, value: unknown, label: string): unknown {
  return def.multiValued ? normalizeMultiValued(def, value, label) : normalizeSingleValue(def, value, label);
}

function normalizeMultiValued(def: AttributeDefinition, value: unknown, label: string): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  // A lone value where an array belongs is wrapped: a member as `"value": "id"` (test/idp/entra/groups.json).
  const items = Array.isArray(value) ? value : [value];
  if (def.maxValues !== undefined) assertValueCount(label, items.length, def.maxValues);
  const list: unknown[] = [];
  const normalized = items.map((item, i) => normalizeSingleValue(def, item, `${label}[${i}]`));
  addElements(
    def,
    list,
    normalized.filter((item) => item !== undefined),
  );
  if (countPrimary(list) > 1) {
    throw ScimError.invalidValue(`${label}: at most one value may be primary (RFC 7643 §2.4).`);
  }
  return list.length > 0 ? list : undefined;
}

/** One value of the attribute: the attribute's own value when single-valued, one element when multi-valued. */
export function normalizeSingleValue(def: AttributeDefinition, value: unknown, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'string':
    case 'reference':
      if (typeof value !== 'string') throw mismatch(def, label);
      return value === '' ? undefined : value;
    case 'boolean':
      return normalizeBoolean(def, value, label);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(def, label);
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch(def, label);
      return value;
    case 'dateTime':
      // RFC 7643 §2.3.5 xsd:dateTime; kept as sent (Entra: "store values as sent"), only checked.
      if (typeof value !== 'string' || normalizeDateTime(value) === undefined) throw mismatch(def, label);
      return value;
    case 'complex':
      return normalizeComplex(def, value, label);
    default: {
      const unknownType: never = def.type;
      throw new Error(`unhandled attribute type ${String(unknownType)}`);
    }
  }
}

function normalizeBoolean(def: AttributeDefinition, value: unknown, label: string): boolean {
  if (typeof value === 'boolean') return value;
  // Entra sends booleans as strings ("False", "True") without aadOptscim062020: test/idp/entra/disable-user.json.
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw mismatch(def, label);
}

/**
 * The object form of a complex value, before its sub-attributes are checked. For an attribute with a `value`
 * sub-attribute, two IdP shapes are accepted besides the object: a bare string (Entra's manager PATCH sends
 * `"value": "<id>"`) and, when the attribute is single-valued, an array of at most one object (Entra's legacy
 * manager `[{"$ref": …, "value": …}]`); both in test/idp/entra/manager.json. Returns undefined for an unassigned
 * value (null, []).
 */
export function complexShape(def: AttributeDefinition, value: unknown, label: string): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (isJsonObject(value)) return value;
  const hasValue = findAttribute(def.subAttributes, 'value') !== undefined;
  if (hasValue && typeof value === 'string') return { value };
  if (hasValue && !def.multiValued && Array.isArray(value) && value.length <= 1) {
    return complexShape(def, value[0], label);
  }
  throw mismatch(def, label);
}

function normalizeComplex(def: AttributeDefinition, value: unknown, label: string): JsonObject | undefined {
  const shape = complexShape(def, value, label);
  if (!shape) return undefined;
  const out: JsonObject = {};
  for (const sub of def.subAttributes ?? []) {
    if (sub.mutability === 'readOnly') continue;
    const normalized = normalizeAttributeValue(sub, getIgnoringCase(shape, sub.name), `${label}.${sub.name}`);
    if (normalized !== undefined) out[sub.name] = normalized;
  }
  return isSignificant(def, out) ? out : undefined;
}

/**
 * RFC 7643 §2.4: `value` is an element's significant value. An object of an attribute that has one but lacks it
 * (a manager cleared with `{"value": ""}`, an email left with only its type) carries nothing and is unassigned.
 */
export function isSignificant(def: AttributeDefinition, object: JsonObject): boolean {
  if (Object.keys(object).length === 0) return false;
  return findAttribute(def.subAttributes, 'value') === undefined || object['value'] !== undefined;
}

function mismatch(def: AttributeDefinition, label: string): ScimError {
  const kind = def.type === 'complex' ? 'an object' : `a ${def.type}`;
  return ScimError.invalidValue(`${label} must be ${kind} (RFC 7643 §2.3).`);
}
