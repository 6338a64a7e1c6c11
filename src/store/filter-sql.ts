import type { AttributeDefinition } from '../scim/attribute.js';
import { formatAttributeRef, targetDefinition, type AttributeRef } from '../scim/attribute-path.js';
import { ScimError } from '../scim/errors.js';
import type { CompareOperator, CompValue, Filter } from '../scim/filter-ast.js';
import { expandComplexPresence } from '../scim/filter-presence.js';

/** Where each SCIM attribute of one resource type lives in SQLite. */
export interface SqlFilterTarget {
  /** SQL expression of the JSON document column, e.g. 'u.data'; attributes not listed below are read from it
   *  (core attributes at '$.name', sub-attributes '$.name.givenName', extension ones at
   *  '$."urn:…:User".department'). */
  readonly json: string;
  /** Attributes with their own column, keyed by canonical dotted path (formatAttributeRef), e.g.
   *  { id: 'u.id', userName: 'u.user_name', 'meta.created': 'u.created' }. dateTime columns hold canonical UTC
   *  text (`2026-01-01T00:00:00.000Z`, as Date#toISOString writes it), so text order is time order. */
  readonly columns: Readonly<Record<string, string>>;
  /** Multi-valued attributes kept in side tables for indexed lookups, keyed by canonical attribute name, e.g.
   *  { emails: { table: 'user_emails', ownerColumn: 'user_id', ownerKey: 'u.id', columns: { value: 'value', … } } }.
   *  A sub-attribute without a column cannot be searched there (invalidFilter, never a silent empty result).
   *  Other multi-valued attributes are searched with json_each over the JSON column. */
  readonly sideTables: Readonly<
    Record<
      string,
      { table: string; ownerColumn: string; ownerKey: string; columns: Readonly<Record<string, string>> }
    >
  >;
}

/**
 * Compiles a parsed filter to a WHERE fragment with `?` placeholders. It selects exactly what matchesFilter
 * (src/scim/filter-predicate.ts) accepts; its header states the shared rules and test/scim/filter-cases.ts runs
 * every case through both. SQL's NULL is kept out of the answer: a comparison on a missing attribute may yield
 * NULL, which WHERE treats as false, and `not` coalesces it first, so `not (title eq "x")` matches no title.
 *
 * The IdPs' lookups stay indexed: `userName eq` becomes `u.user_name = ? COLLATE NOCASE` (the NOCASE unique
 * index), `emails.value eq` an `u.id IN (SELECT … WHERE mv.value = ? COLLATE NOCASE)` on the side table's index.
 */
export function compileFilterToSql(filter: Filter, target: SqlFilterTarget): { sql: string; params: unknown[] } {
  const compiler = new FilterSqlCompiler(target);
  const sql = compiler.compile(filter, undefined);
  return { sql, params: compiler.params };
}

/** Inside `attr[ … ]` on a multi-valued attribute: the SQL for a sub-attribute of the element being tested. */
type ElementColumn = (sub: AttributeDefinition | undefined) => string;

const SQL_ORDERING: Partial<Record<CompareOperator, string>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

class FilterSqlCompiler {
  readonly params: unknown[] = [];

  constructor(private readonly target: SqlFilterTarget) {}

  compile(filter: Filter, element: ElementColumn | undefined): string {
    switch (filter.kind) {
      case 'and':
        return `(${this.compile(filter.left, element)} AND ${this.compile(filter.right, element)})`;
      case 'or':
        return `(${this.compile(filter.left, element)} OR ${this.compile(filter.right, element)})`;
      case 'not':
        return `NOT IFNULL(${this.compile(filter.filter, element)}, 0)`;
      case 'present':
        return this.present(filter.attr, element);
      case 'compare': {
        const { attr, op, value } = filter;
        if (value === null) {
          if (op === 'eq') return `NOT IFNULL(${this.present(attr, element)}, 0)`;
          return op === 'ne' ? this.present(attr, element) : '0';
        }
        const definition = targetDefinition(attr);
        return this.leaf(attr, element, (expression) => this.comparison(definition, op, value, expression));
      }
      case 'valuePath':
        // One element must satisfy the whole inner filter; a singular complex attribute is its own element.
        return filter.attr.attribute.multiValued
          ? this.anyElement(filter.attr, (column) => this.compile(filter.filter, column))
          : this.compile(filter.filter, element);
      default: {
        const unreachable: never = filter;
        return unreachable;
      }
    }
  }

  private present(ref: AttributeRef, element: ElementColumn | undefined): string {
    if (ref.attribute.type === 'complex' && !ref.subAttribute) {
      const expanded = expandComplexPresence(ref);
      return expanded ? this.compile(expanded, element) : '0';
    }
    const definition = targetDefinition(ref);
    // RFC 7643 §2.5: null and "" are unassigned.
    const textual = definition.type === 'string' || definition.type === 'reference' || definition.type === 'dateTime';
    return this.leaf(ref, element, (expression) => (textual ? `${expression} <> ''` : `${expression} IS NOT NULL`));
  }

  /** A condition on one attribute: on the element in scope, on any element of a multi-valued one, or a scalar. */
  private leaf(
    ref: AttributeRef,
    element: ElementColumn | undefined,
    condition: (expression: string) => string,
  ): string {
    if (element) return condition(element(ref.subAttribute));
    if (ref.attribute.multiValued) return this.anyElement(ref, (column) => condition(column(ref.subAttribute)));
    return condition(this.scalar(ref));
  }

  /** RFC 7644 §3.4.2.2: a multi-valued attribute matches if any of its values (elements) matches. */
  private anyElement(ref: AttributeRef, condition: (column: ElementColumn) => string): string {
    const name = ref.extension ? `${ref.schema}:${ref.attribute.name}` : ref.attribute.name;
    const side = this.target.sideTables[name];
    if (side) {
      const where = condition((sub) => {
        const column = side.columns[sub?.name ?? 'value'];
        if (column === undefined) {
          throw ScimError.invalidFilter(`'${name}.${sub?.name ?? 'value'}' cannot be used in a filter.`);
        }
        return `mv.${column}`;
      });
      // IN rather than a correlated EXISTS: SQLite answers the subquery from the side table's index once.
      return `${side.ownerKey} IN (SELECT mv.${side.ownerColumn} FROM ${side.table} AS mv WHERE ${where})`;
    }
    const json = this.target.json;
    // json_extract on the document by the element's full path, not on mv.value: that text is not JSON when the
    // element is a bare string, and json_extract would raise instead of yielding NULL.
    const where = condition((sub) =>
      sub ? `json_extract(${json}, mv.fullkey || ${sqlText(jsonKey(sub.name))})` : 'mv.value',
    );
    return `EXISTS (SELECT 1 FROM json_each(${json}, ${sqlText(jsonPath(ref, false))}) AS mv WHERE ${where})`;
  }

  private scalar(ref: AttributeRef): string {
    const column = this.target.columns[formatAttributeRef(ref)];
    return column ?? `json_extract(${this.target.json}, ${sqlText(jsonPath(ref, true))})`;
  }

  private comparison(
    definition: AttributeDefinition,
    op: CompareOperator,
    value: Exclude<CompValue, null>,
    expression: string,
  ): string {
    const ordering = SQL_ORDERING[op];
    switch (definition.type) {
      case 'string':
      case 'reference':
        return typeof value === 'string' ? this.textComparison(op, value, expression, definition.caseExact) : '0';
      case 'boolean':
        // SQLite has no boolean: columns hold 0/1 and json_extract turns JSON true/false into 1/0.
        if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return '0';
        return `${expression} ${ordering} ${this.param(value ? 1 : 0)}`;
      case 'integer':
      case 'decimal':
        return typeof value === 'number' && ordering ? `${expression} ${ordering} ${this.param(value)}` : '0';
      case 'dateTime':
        // Both sides are canonical UTC text (the parser normalized the literal), so text order is time order.
        return typeof value === 'string' && ordering ? `${expression} ${ordering} ${this.param(value)}` : '0';
      case 'complex':
        return '0';
    }
  }

  /**
   * caseExact false: NOCASE comparisons (usable by NOCASE indexes) and LIKE, which SQLite matches ASCII-case-
   * insensitively; `%`, `_` and the escape character itself are escaped. caseExact true: BINARY comparisons and
   * instr/substr, because LIKE would ignore case.
   */
  private textComparison(op: CompareOperator, value: string, expression: string, caseExact: boolean): string {
    const ordering = SQL_ORDERING[op];
    if (ordering) return `${expression} ${ordering} ${this.param(value)}${caseExact ? '' : ' COLLATE NOCASE'}`;
    if (!caseExact) {
      const escaped = value.replace(/[\\%_]/g, '\\$&');
      const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
      return `${expression} LIKE ${this.param(pattern)} ESCAPE '\\'`;
    }
    switch (op) {
      case 'co':
        return `instr(${expression}, ${this.param(value)}) > 0`;
      case 'sw':
        return `substr(${expression}, 1, length(${this.param(value)})) = ${this.param(value)}`;
      default:
        // When the literal is longer than the value the start falls at or below 0 and substr returns at most
        // the whole (shorter) value, which cannot equal the literal.
        return `substr(${expression}, length(${expression}) - length(${this.param(value)}) + 1) = ${this.param(value)}`;
    }
  }

  private param(value: unknown): string {
    this.params.push(value);
    return '?';
  }
}

/** `$."name"."givenName"`, `$."urn:…:User"."department"`: every key quoted, since URNs contain dots. */
function jsonPath(ref: AttributeRef, withSubAttribute: boolean): string {
  const extension = ref.extension ? jsonKey(ref.schema) : '';
  const sub = withSubAttribute && ref.subAttribute ? jsonKey(ref.subAttribute.name) : '';
  return `$${extension}${jsonKey(ref.attribute.name)}${sub}`;
}

/** Names come from the schema definitions, never from the request, and contain no double quotes. */
function jsonKey(name: string): string {
  return `."${name}"`;
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
