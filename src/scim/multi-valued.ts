import { findAttribute, type AttributeDefinition } from './attribute.js';
import { canonicalJson, isJsonObject } from './json-value.js';

/** The string form of an element's `value`, when it has one. */
function identityKey(def: AttributeDefinition, element: unknown): string | undefined {
  const valueDef = findAttribute(def.subAttributes, 'value');
  const value = valueDef && isJsonObject(element) ? element['value'] : undefined;
  if (typeof value !== 'string') return undefined;
  return valueDef?.caseExact ? value : value.toLowerCase();
}

/**
 * Identity of the values of a multi-valued attribute (RFC 7643 §2.4), as a Map key. When the attribute has a
 * `value` sub-attribute, that is the significant one: two elements with the same `value` (compared
 * case-insensitively unless caseExact, RFC 7643 §2.2) are the same element, whatever their other sub-attributes
 * say. Otherwise (addresses) elements are the same when they are equal as JSON, key order aside. Keys let lists
 * be compared with lists in linear time.
 */
function elementKey(def: AttributeDefinition, element: unknown): string {
  const key = identityKey(def, element);
  return key === undefined ? `json ${canonicalJson(element)}` : `value ${key}`;
}

/**
 * Adds values to a list the way RFC 7644 §3.5.2.1 adds to a multi-valued attribute: a value already present is not
 * repeated (its sub-attributes are merged into the existing element instead), a new one is appended.
 * Mutates and returns `list`'s touched elements, for primary handling.
 */
export function addElements(def: AttributeDefinition, list: unknown[], added: readonly unknown[]): unknown[] {
  const index = new Map<string, unknown>();
  for (const element of list) {
    const key = elementKey(def, element);
    if (!index.has(key)) index.set(key, element);
  }
  const touched: unknown[] = [];
  for (const value of added) {
    const key = elementKey(def, value);
    const existing = index.get(key);
    if (existing === undefined) {
      list.push(value);
      index.set(key, value);
      touched.push(value);
    } else {
      if (isJsonObject(existing) && isJsonObject(value)) Object.assign(existing, value);
      touched.push(existing);
    }
  }
  return touched;
}

/** The elements of `list` that are none of `removed` (same identity as elementKey). */
export function withoutElements(
  def: AttributeDefinition,
  list: readonly unknown[],
  removed: readonly unknown[],
): unknown[] {
  const keys = new Set(removed.map((value) => elementKey(def, value)));
  return list.filter((element) => !keys.has(elementKey(def, element)));
}

export function countPrimary(list: readonly unknown[]): number {
  return list.filter((element) => isJsonObject(element) && element['primary'] === true).length;
}

/**
 * RFC 7643 §2.4: "primary" may be true on one value at most. When an operation made exactly one element primary,
 * the others give it up; when it made several primary, the list is left as is and validation rejects it.
 */
export function keepSinglePrimary(list: readonly unknown[], touched: readonly unknown[]): void {
  const winners = touched.filter((element) => isJsonObject(element) && element['primary'] === true);
  const [winner] = winners;
  if (winners.length !== 1) return;
  for (const element of list) {
    if (element !== winner && isJsonObject(element) && element['primary'] === true) delete element['primary'];
  }
}
