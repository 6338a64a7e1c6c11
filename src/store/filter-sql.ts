import type { AttributeDefinition } from '../scim/attribute.js';
import { formatAttributeRef, targetDefinition, type AttributeRef } from '../scim/attribute-path.js';
import { ScimError } from '../scim/errors.js';
import type { CompareOperator, CompValue, Filter } from '../scim/filter-ast.js';
import { expandComplexPresence } from '../scim/filter-presence.js';
import { sqliteDialect, type SqlDialect } from './sql-dialect.js';

/** Where each SCIM attribute of one resource type lives in the store's tables (the same on both engines). */
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
 * Compiles a parsed filter to a WHERE fragment with the dialect's placeholders (SQLite's `?`, PostgreSQL's `$n`;
 * see sql-dialect.ts for what else differs). It selects exactly what matchesFilter
 * (src/scim/filter-predicate.ts) accepts; its header states the shared rules and test/scim/filter-cases.ts runs
 * every case through both. SQL's NULL is kept out of the answer: a comparison on a missing attribute may yield
 * NULL, which WHERE treats as false, and `not` coalesces it first, so `not (title eq "x")` matches no title.
 *
 * The IdPs' lookups stay indexed: `userName eq` becomes `u.user_name = ? COLLATE NOCASE` (the NOCASE unique
 * index), `emails.value eq` an `u.id IN (SELECT … WHERE mv.value = ? COLLATE NOCASE)` on the side table's index.
 */
export function compileFilterToSql(
  filter: Filter,
  target: SqlFilterTarget,
  dialect: SqlDialect = sqliteDialect,
): { sql: string; params: unknown[] } {
  const compiler = new FilterSqlCompiler(target, dialect);
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

  constructor(
    private readonly target: SqlFilterTarget,
    private readonly dialect: SqlDialect,
  ) {}

  compile(filter: Filter, element: ElementColumn | undefined): string {
    switch (filter.kind) {
      case 'and':
        return `(${this.compile(filter.left, element)} AND ${this.compile(filter.right, element)})`;
      case 'or':
        return `(${this.compile(filter.left, element)} OR ${this.compile(filter.right, element)})`;
      case 'not':
        return this.dialect.notTrue(this.compile(filter.filter, element));
      case 'present':
        return this.present(filter.attr, element);
      case 'compare': {
        const { attr, op, value } = filter;
        if (value === null) {
          if (op === 'eq') return this.dialect.notTrue(this.present(attr, element));
          return op === 'ne' ? this.present(attr, element) : this.dialect.falseLiteral;
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
      return expanded ? this.compile(expanded, element) : this.dialect.falseLiteral;
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
    const elements = this.dialect.elementsAt(this.target.json, jsonPath(ref, false));
    const where = condition((sub) => elements.column(sub, ref.attribute.type));
    return `EXISTS (SELECT 1 FROM ${elements.from} WHERE ${where})`;
  }

  private scalar(ref: AttributeRef): string {
    const column = this.target.columns[formatAttributeRef(ref)];
    return column ?? this.dialect.scalarAt(this.target.json, jsonPath(ref, true), targetDefinition(ref).type);
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
        if (typeof value !== 'string') return this.dialect.falseLiteral;
        return this.textComparison(op, value, expression, definition.caseExact);
      case 'boolean':
        // The store keeps booleans as 0/1 (SQLite has no boolean), and JSON true/false are read as 1/0.
        if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return this.dialect.falseLiteral;
        return `${expression} ${ordering} ${this.param(value ? 1 : 0, 'other')}`;
      case 'integer':
      case 'decimal':
        if (typeof value !== 'number' || !ordering) return this.dialect.falseLiteral;
        return `${expression} ${ordering} ${this.param(value, 'number')}`;
      case 'dateTime':
        // Both sides are canonical UTC text (the parser normalized the literal), so text order is time order.
        if (typeof value !== 'string' || !ordering) return this.dialect.falseLiteral;
        return this.dialect.exactComparison(expression, ordering, this.param(value));
      case 'complex':
        return this.dialect.falseLiteral;
    }
  }

  /**
   * caseExact false: case-folded comparisons (usable by the case-insensitive indexes) and a case-insensitive LIKE;
   * `%`, `_` and the escape character itself are escaped. caseExact true: exact comparisons and substring tests,
   * because LIKE would ignore case.
   */
  private textComparison(op: CompareOperator, value: string, expression: string, caseExact: boolean): string {
    const ordering = SQL_ORDERING[op];
    if (ordering) {
      return caseExact
        ? this.dialect.exactComparison(expression, ordering, this.param(value))
        : this.dialect.foldedComparison(expression, ordering, this.param(value));
    }
    if (!caseExact) {
      const escaped = value.replace(/[\\%_]/g, '\\$&');
      const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
      return this.dialect.foldedLike(expression, this.param(pattern));
    }
    const literal = () => this.param(value);
    if (op === 'co') return this.dialect.contains(expression, literal);
    return op === 'sw' ? this.dialect.startsWith(expression, literal) : this.dialect.endsWith(expression, literal);
  }

  private param(value: unknown, kind: 'text' | 'number' | 'other' = 'text'): string {
    this.params.push(value);
    return this.dialect.placeholder(this.params.length, kind);
  }
}

/** The keys of an attribute in the JSON document: `["name", "givenName"]`, `["urn:…:User", "department"]`. */
function jsonPath(ref: AttributeRef, withSubAttribute: boolean): string[] {
  return [
    ...(ref.extension ? [ref.schema] : []),
    ref.attribute.name,
    ...(withSubAttribute && ref.subAttribute ? [ref.subAttribute.name] : []),
  ];
}
