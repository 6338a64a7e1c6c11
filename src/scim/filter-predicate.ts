import type { AttributeDefinition } from './attribute.js';
import { targetDefinition, type AttributeRef } from './attribute-path.js';
import type { CompareOperator, CompValue, Filter } from './filter-ast.js';
import { normalizeDateTime } from './filter-date-time.js';
import { expandComplexPresence } from './filter-presence.js';

/**
 * Evaluates a parsed filter against one resource in its SCIM JSON form (canonical attribute names, extension
 * attributes under their schema URN, `id`/`externalId`/`meta` at the top). The same rules as the SQL compiler
 * (src/store/filter-sql.ts), checked case by case in test/scim/filter-cases.ts:
 *
 * - An attribute has zero or more values: none when absent or null, the elements of a multi-valued attribute.
 *   A comparison matches when ANY value satisfies it (RFC 7644 §3.4.2.2), so every comparison on a missing
 *   attribute, `ne` included, is false; `not ( … )` is plain negation and does match it.
 * - `pr` needs a non-empty value: not null, not "" (RFC 7643 §2.5 treats both as unassigned).
 * - `eq null` is "not present", `ne null` is "present" (RFC 7643 §2.5 again).
 * - caseExact false folds ASCII letters only, and strings order by code point: exactly SQLite's NOCASE
 *   collation, LIKE and BINARY order, so an index can answer what this function answers.
 * - `attr[ … ]` on a multi-valued attribute needs one element to satisfy the whole inner filter; on a singular
 *   complex attribute the inner filter reads that attribute's sub-attributes (an absent one reads as `{}`).
 */
export function matchesFilter(filter: Filter, resource: Record<string, unknown>): boolean {
  return evaluate(filter, resource, (ref) => valuesIn(resource, ref));
}

/** Where the values of a reference come from: the resource, or a single element inside `attr[ … ]`. */
type ValuesOf = (ref: AttributeRef) => readonly unknown[];

function evaluate(filter: Filter, resource: Record<string, unknown>, valuesOf: ValuesOf): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluate(filter.left, resource, valuesOf) && evaluate(filter.right, resource, valuesOf);
    case 'or':
      return evaluate(filter.left, resource, valuesOf) || evaluate(filter.right, resource, valuesOf);
    case 'not':
      return !evaluate(filter.filter, resource, valuesOf);
    case 'present':
      return isPresent(filter.attr, resource, valuesOf);
    case 'compare': {
      const { attr, op, value } = filter;
      if (value === null) {
        return op === 'eq' ? !isPresent(attr, resource, valuesOf) : op === 'ne' && isPresent(attr, resource, valuesOf);
      }
      const definition = targetDefinition(attr);
      return valuesOf(attr).some((actual) => compareValue(definition, op, actual, value));
    }
    case 'valuePath':
      return elementsOf(resource, filter.attr).some((element) =>
        evaluate(filter.filter, resource, (ref) => nonNull([ref.subAttribute && element[ref.subAttribute.name]])),
      );
    default: {
      const unreachable: never = filter;
      return unreachable;
    }
  }
}

function isPresent(ref: AttributeRef, resource: Record<string, unknown>, valuesOf: ValuesOf): boolean {
  if (ref.attribute.type === 'complex' && !ref.subAttribute) {
    const expanded = expandComplexPresence(ref);
    return expanded !== undefined && evaluate(expanded, resource, valuesOf);
  }
  return valuesOf(ref).some((value) => value !== '');
}

function compareValue(
  definition: AttributeDefinition,
  op: CompareOperator,
  actual: unknown,
  expected: Exclude<CompValue, null>,
): boolean {
  switch (definition.type) {
    case 'string':
    case 'reference': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const fold = definition.caseExact ? (text: string): string => text : foldAsciiCase;
      return compareText(op, fold(actual), fold(expected));
    }
    case 'dateTime': {
      // The parser already normalized the literal; stored values are brought to the same canonical UTC form.
      const instant = typeof actual === 'string' ? normalizeDateTime(actual) : undefined;
      return instant !== undefined && typeof expected === 'string' && ordered(op, compareCodePoints(instant, expected));
    }
    case 'boolean':
      if (typeof actual !== 'boolean' || typeof expected !== 'boolean') return false;
      return (op === 'eq' || op === 'ne') && ordered(op, actual === expected ? 0 : 1);
    case 'integer':
    case 'decimal':
      return typeof actual === 'number' && typeof expected === 'number' && ordered(op, actual - expected);
    case 'complex':
      return false;
  }
}

function compareText(op: CompareOperator, actual: string, expected: string): boolean {
  switch (op) {
    case 'co':
      return actual.includes(expected);
    case 'sw':
      return actual.startsWith(expected);
    case 'ew':
      return actual.endsWith(expected);
    default:
      return ordered(op, compareCodePoints(actual, expected));
  }
}

/** eq/ne and the orderings from a three-way comparison; substring operators never apply here. */
function ordered(op: CompareOperator, comparison: number): boolean {
  switch (op) {
    case 'eq':
      return comparison === 0;
    case 'ne':
      return comparison !== 0;
    case 'gt':
      return comparison > 0;
    case 'ge':
      return comparison >= 0;
    case 'lt':
      return comparison < 0;
    case 'le':
      return comparison <= 0;
    default:
      return false;
  }
}

/** SQLite's NOCASE: only the 26 ASCII letters fold, so `É` and `é` stay different here as there. */
function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * Code point order, which is SQLite's BINARY order on UTF-8. JavaScript's `<` compares UTF-16 code units, which
 * puts astral characters (surrogates D800-DFFF) before U+E000-U+FFFF; ranking surrogates last fixes that.
 */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function codeUnitRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

function valuesIn(resource: Record<string, unknown>, ref: AttributeRef): unknown[] {
  const holder = ref.extension ? resource[ref.schema] : resource;
  if (!isObject(holder)) return [];
  const raw = holder[ref.attribute.name];
  const items = ref.attribute.multiValued ? (Array.isArray(raw) ? raw : []) : [raw];
  const sub = ref.subAttribute;
  return nonNull(sub ? items.map((item) => (isObject(item) ? item[sub.name] : undefined)) : items);
}

/** The elements a value filter runs over: the objects of a multi-valued attribute, or the singular one. */
function elementsOf(resource: Record<string, unknown>, ref: AttributeRef): Record<string, unknown>[] {
  const holder = ref.extension ? resource[ref.schema] : resource;
  const raw = isObject(holder) ? holder[ref.attribute.name] : undefined;
  if (ref.attribute.multiValued) return Array.isArray(raw) ? raw.filter(isObject) : [];
  return [isObject(raw) ? raw : {}];
}

function nonNull(values: readonly unknown[]): unknown[] {
  return values.filter((value) => value !== null && value !== undefined);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
