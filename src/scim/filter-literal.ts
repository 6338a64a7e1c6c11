import { targetDefinition, type AttributeRef } from './attribute-path.js';
import { ScimError } from './errors.js';
import type { CompareOperator, CompValue } from './filter-ast.js';
import { normalizeDateTime } from './filter-date-time.js';

/**
 * The literal must fit the attribute (RFC 7644 §3.4.2.2): strings and references take every operator, dateTime
 * and numbers order but do not match substrings, booleans only eq/ne ("Boolean ... attributes SHALL cause a
 * failed response ... invalidFilter" for gt/ge/lt/le). `null` means "unassigned" (RFC 7643 §2.5), so only
 * eq/ne take it. Returns the literal in the form consumers compare: dateTime as canonical UTC text.
 */
export function checkFilterLiteral(ref: AttributeRef, op: CompareOperator, literal: CompValue): CompValue {
  const definition = targetDefinition(ref);
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  const fail = (why: string): ScimError =>
    ScimError.invalidFilter(`'${op}' with ${JSON.stringify(literal)} does not apply to '${definition.name}': ${why}.`);
  if (literal === null) {
    if (op !== 'eq' && op !== 'ne') throw fail('null only compares with eq or ne');
    return null;
  }
  switch (definition.type) {
    case 'string':
    case 'reference':
      if (typeof literal !== 'string') throw fail('it holds strings');
      return literal;
    case 'boolean':
      if (typeof literal !== 'boolean') throw fail('it holds booleans');
      if (ordering || substring) throw fail('booleans compare only with eq or ne');
      return literal;
    case 'integer':
    case 'decimal':
      if (typeof literal !== 'number') throw fail('it holds numbers');
      if (definition.type === 'integer' && !Number.isInteger(literal)) throw fail('it holds integers');
      if (substring) throw fail('numbers do not match substrings');
      return literal;
    case 'dateTime': {
      const normalized = typeof literal === 'string' ? normalizeDateTime(literal) : undefined;
      if (normalized === undefined) throw fail('it holds xsd:dateTime values');
      if (substring) throw fail('dateTime values do not match substrings');
      return normalized;
    }
    case 'complex':
      throw fail('it is complex; name one of its sub-attributes');
  }
}
