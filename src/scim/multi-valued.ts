import { findAttribute, type AttributeDefinition } from './attribute.js';
import { isJsonObject, jsonEqual } from './json-value.js';

/**
 * Identity of the values of a multi-valued attribute (RFC 7643 §2.4). When the attribute has a `value`
 * sub-attribute, that is the significant one: two elements with the same `value` (compared case-insensitively
 * unless caseExact, RFC 7643 §2.2) are the same element, whatever their other sub-attributes say. Otherwise
 * (addresses) elements are the same when they are equal as JSON.
 */
export function isSameElement(def: AttributeDefinition, a: unknown, b: unknown): boolean {
  const valueDef = findAttribute(def.subAttributes, 'value');
  if (valueDef && isJsonObject(a) && isJsonObject(b) && a['value'] !== undefined && b['value'] !== undefined) {
    const [x, y] = [a['value'], b['value']];
    if (typeof x === 'string' && typeof y === 'string' && !valueDef.caseExact) return x.toLowerCase() === y.toLowerCase();
    return jsonEqual(x, y);
  }
  return jsonEqual(a, b);
}

/**
 * Adds values to a list the way RFC 7644 §3.5.2.1 adds to a multi-valued attribute: a value already present is not
 * repeated (its sub-attributes are merged into the existing element instead), a new one is appended.
 * Mutates and returns `list`; returns the elements that received a value, for primary handling.
 */
export function addElements(def: AttributeDefinition, list: unknown[], added: readonly unknown[]): unknown[] {
  const touched: unknown[] = [];
  for (const value of added) {
    const existing = list.find((element) => isSameElement(def, element, value));
    if (existing === undefined) {
      list.push(value);
      touched.push(value);
    } else {
      if (isJsonObject(existing) && isJsonObject(value)) Object.assign(existing, value);
      touched.push(existing);
    }
  }
  return touched;
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
