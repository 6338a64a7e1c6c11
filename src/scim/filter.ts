import { findAttribute } from './attribute.js';
import { resolveAttributePath, resolveSubAttribute, type AttributeRef } from './attribute-path.js';
import { ScimError } from './errors.js';
import type { CompareOperator, CompValue, Filter } from './filter-ast.js';
import { tokenizeFilter, type Token } from './filter-lexer.js';
import { checkFilterLiteral } from './filter-literal.js';
import type { ResourceSchema } from './schemas.js';

/** Abuse guards: a filter arrives in a query string, so its size and nesting are bounded before any work. */
const MAX_FILTER_LENGTH = 4096;
const MAX_FILTER_DEPTH = 50;

type WordToken = Extract<Token, { kind: 'word' }>;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** RFC 7159 §6 number grammar, anchored; linear (no nested quantifiers). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a `filter` query parameter (RFC 7644 §3.4.2.2) into a tree whose attribute references are resolved
 * against `resource`. Every failure, including an attribute the bridge does not know, is a 400 invalidFilter:
 * answering an empty list instead would make an IdP's existence check create a duplicate.
 */
export function parseFilter(text: string, resource: ResourceSchema): Filter {
  return new FilterParser(text, resource).parseWhole();
}

/**
 * Parses the inside of a value filter, `emails[<text>]`, whose names are sub-attributes of `parent` (RFC 7644
 * §3.5.2 PATCH paths such as `members[value eq "2819c223"]`). RFC 7644 §3.12 names invalidFilter for a bad
 * PATCH path filter too.
 */
export function parseValueFilter(text: string, parent: AttributeRef, resource: ResourceSchema): Filter {
  return new FilterParser(text, resource, parent).parseWhole();
}

/** Recursive descent with one token of lookahead: linear in the input, never backtracks. */
class FilterParser {
  private readonly tokens: readonly Token[];
  private pos = 0;
  private depth = 0;

  constructor(
    text: string,
    private readonly resource: ResourceSchema,
    /** Set inside `attr[ … ]`: names resolve as sub-attributes of this complex attribute. */
    private scope?: AttributeRef,
  ) {
    if (text.length > MAX_FILTER_LENGTH) {
      throw ScimError.invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
    }
    this.tokens = tokenizeFilter(text);
  }

  parseWhole(): Filter {
    const filter = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.unexpected(rest);
    return filter;
  }

  /** RFC 7644 §3.4.2.2, table 4: "and" binds tighter than "or"; both associate to the left. */
  private parseOr(): Filter {
    let left = this.parseAnd();
    while (this.peekKeyword('or')) {
      this.pos += 1;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Filter {
    let left = this.parseUnary();
    while (this.peekKeyword('and')) {
      this.pos += 1;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  /** `( filter )`, `not ( filter )` (ABNF: `*1"not" "(" valFilter ")"`, so `not(` needs no space), or an attrExp. */
  private parseUnary(): Filter {
    const token = this.peek();
    if (token.kind === '(') return this.parseGroup();
    if (token.kind === 'word' && token.text.toLowerCase() === 'not' && this.peek(1).kind === '(') {
      this.pos += 1;
      return { kind: 'not', filter: this.parseGroup() };
    }
    if (token.kind === 'word') return this.parseAttributeExpression(token);
    throw this.unexpected(token);
  }

  private parseGroup(): Filter {
    this.enter();
    this.expect('(');
    const inner = this.parseOr();
    this.expect(')');
    this.depth -= 1;
    return inner;
  }

  private parseAttributeExpression(name: WordToken): Filter {
    this.pos += 1;
    const ref = this.resolve(name);
    if (this.peek().kind === '[') return this.parseValuePath(ref, name);
    return this.parseOperation(this.scope ? ref : comparedPart(ref));
  }

  /** `emails[type eq "work"]`: the inner filter must hold for one and the same element (RFC 7644 §3.4.2.2). */
  private parseValuePath(ref: AttributeRef, name: Token): Filter {
    if (this.scope || ref.subAttribute || ref.attribute.type !== 'complex') {
      throw ScimError.invalidFilter(`'${formatName(name)}' cannot take a value filter.`);
    }
    this.enter();
    this.expect('[');
    this.scope = ref;
    const inner = this.parseOr();
    this.scope = undefined;
    this.expect(']');
    this.depth -= 1;
    const next = this.peek();
    if (next.kind === 'word' && next.text.startsWith('.')) {
      // Entra ID matches users on `emails[type eq "work"].value eq "a@b.c"` (Microsoft Learn, "Develop and plan
      // provisioning for a SCIM endpoint"), which the ABNF does not allow: read it as
      // `emails[type eq "work" and value eq "a@b.c"]`. Case "Entra work email" in test/scim/filter-cases.ts.
      this.pos += 1;
      const sub = resolveSubAttribute(ref, next.text.slice(1));
      if (!sub) throw ScimError.invalidFilter(`Unknown attribute '${formatName(name)}${next.text}' in the filter.`);
      return { kind: 'valuePath', attr: ref, filter: { kind: 'and', left: inner, right: this.parseOperation(sub) } };
    }
    return { kind: 'valuePath', attr: ref, filter: inner };
  }

  /** `pr`, or compareOp SP compValue; the literal is checked against the attribute's type here, once. */
  private parseOperation(ref: AttributeRef): Filter {
    const token = this.peek();
    const op = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (op === 'pr') {
      this.pos += 1;
      return { kind: 'present', attr: ref };
    }
    if (!COMPARE_OPERATORS.has(op)) throw this.unexpected(token);
    this.pos += 1;
    const literal = this.parseLiteral();
    const compareOp = op as CompareOperator;
    return { kind: 'compare', attr: ref, op: compareOp, value: checkFilterLiteral(ref, compareOp, literal) };
  }

  private parseLiteral(): CompValue {
    const token = this.peek();
    this.pos += 1;
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word') {
      // ABNF quoted literals are case-insensitive (RFC 5234 §2.3), so `True` and `NULL` are literals too.
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (JSON_NUMBER.test(token.text)) {
        if (Number.isFinite(Number(token.text))) return Number(token.text);
        throw ScimError.invalidFilter(`The number at position ${token.at} of the filter is out of range.`);
      }
      // RFC 7644 §3.4.2.2 wants a JSON string here, but real clients send bare words: authentik
      // `userName eq jdoe`, Microsoft's provisioning tutorial `externalId eq jyoung` (docs/idps.md). Refusing
      // them makes Entra create duplicates, so a word that is no other JSON value is read as the string it spells.
      return token.text;
    }
    throw ScimError.invalidFilter(`Expected a JSON string, number, true, false or null at position ${token.at}.`);
  }

  private resolve(name: WordToken): AttributeRef {
    const ref = this.scope
      ? resolveSubAttribute(this.scope, name.text)
      : resolveAttributePath(this.resource, name.text);
    if (!ref) throw ScimError.invalidFilter(`Unknown attribute '${name.text}' in the filter.`);
    return ref;
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw ScimError.invalidFilter(`The filter nests deeper than ${MAX_FILTER_DEPTH} levels.`);
    }
  }

  private expect(kind: Token['kind']): void {
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpected(token);
    this.pos += 1;
  }

  private peek(ahead = 0): Token {
    // The token list always ends with 'end', and the parser never moves past it.
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private peekKeyword(keyword: 'and' | 'or'): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private unexpected(token: Token): ScimError {
    return token.kind === 'end'
      ? ScimError.invalidFilter('The filter ends too early.')
      : ScimError.invalidFilter(`Unexpected '${formatName(token)}' at position ${token.at} of the filter.`);
  }
}

/**
 * RFC 7644 §3.4.2.2: a filter on a multi-valued attribute "matches if any of the values" match, and those
 * values are the elements' `value` (Entra: `members eq "<id>"`, `manager eq "<id>"` in its reference check).
 * So a complex attribute named without a sub-attribute stands for its `value` sub-attribute, for comparisons
 * and `pr` alike: the store indexes elements by value. Complex attributes without `value` (name, addresses)
 * keep their own ref; `pr` on them means "some sub-attribute is present".
 */
function comparedPart(ref: AttributeRef): AttributeRef {
  if (ref.attribute.type !== 'complex' || ref.subAttribute) return ref;
  const value = findAttribute(ref.attribute.subAttributes, 'value');
  return value ? { ...ref, subAttribute: value } : ref;
}

function formatName(token: Token): string {
  switch (token.kind) {
    case 'word':
      return token.text;
    case 'string':
      return JSON.stringify(token.value);
    default:
      return token.kind;
  }
}
