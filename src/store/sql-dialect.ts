import type { AttributeDefinition } from '../scim/attribute.js';

type AttributeType = AttributeDefinition['type'];

/** The rows of a multi-valued attribute held in the JSON document, for `EXISTS (SELECT 1 FROM <from> WHERE …)`. */
export interface JsonElements {
  readonly from: string;
  /** The element itself (no sub-attribute) or one of its sub-attributes, typed as scalarAt types. */
  column(sub: { readonly name: string; readonly type: AttributeType } | undefined, elementType: AttributeType): string;
}

/**
 * What the filter compiler (filter-sql.ts) and the list queries write differently per engine. The SQLite text is
 * what the store has always run; PostgreSQL keeps its meaning (docs/decisions.md, "PostgreSQL: two stores behind
 * one contract"): case-insensitive means nocase() on both sides, a function of the migrations that folds ASCII
 * letters only, as SQLite's NOCASE (the unique indexes are on nocase(…)); text order is
 * byte order (COLLATE "C", as SQLite's BINARY and NOCASE), and JSON values are read with their SCIM type, since
 * jsonb text has no numbers or booleans SQL can compare.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** The n-th (1-based) bound parameter; `kind` lets PostgreSQL type it where it cannot infer. */
  placeholder(index: number, kind: 'text' | 'number' | 'other'): string;
  readonly falseLiteral: string;
  /** `condition` is true (a NULL counts as false), negated. */
  notTrue(condition: string): string;
  /** A case-insensitive comparison (`op` is =, <>, <, …) of text. */
  foldedComparison(expression: string, op: string, parameter: string): string;
  /** A case-sensitive ordering or equality of text. */
  exactComparison(expression: string, op: string, parameter: string): string;
  /** Case-insensitive LIKE with `\` as the escape character. */
  foldedLike(expression: string, pattern: string): string;
  /** Case-sensitive substring tests; `literal()` binds the value once more each time it is called. */
  contains(expression: string, literal: () => string): string;
  startsWith(expression: string, literal: () => string): string;
  endsWith(expression: string, literal: () => string): string;
  /** The attribute at `keys` in the JSON column `json`, read as `type` (booleans as 1/0, as the columns hold them). */
  scalarAt(json: string, keys: readonly string[], type: AttributeType): string;
  /** The elements of the array at `keys` (a single value counts as one element, as SQLite's json_each does). */
  elementsAt(json: string, keys: readonly string[]): JsonElements;
  /** A sort key (RFC 7644 §3.4.2.3: sorting follows caseExact false here, as SQLite's NOCASE). */
  sortKey(expression: string): string;
}

/** `$."name"."givenName"`: every key quoted, since URNs contain dots. Names come from the schema, never a request. */
function sqlitePath(keys: readonly string[]): string {
  return `$${keys.map((key) => `."${key}"`).join('')}`;
}

export function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  falseLiteral: '0',
  notTrue: (condition) => `NOT IFNULL(${condition}, 0)`,
  // NOCASE comparisons are usable by the NOCASE indexes (migrations.ts).
  foldedComparison: (expression, op, parameter) => `${expression} ${op} ${parameter} COLLATE NOCASE`,
  exactComparison: (expression, op, parameter) => `${expression} ${op} ${parameter}`,
  // SQLite's LIKE matches ASCII case-insensitively.
  foldedLike: (expression, pattern) => `${expression} LIKE ${pattern} ESCAPE '\\'`,
  contains: (expression, literal) => `instr(${expression}, ${literal()}) > 0`,
  startsWith: (expression, literal) => `substr(${expression}, 1, length(${literal()})) = ${literal()}`,
  // When the literal is longer than the value the start falls at or below 0 and substr returns at most the whole
  // (shorter) value, which cannot equal the literal.
  endsWith: (expression, literal) =>
    `substr(${expression}, length(${expression}) - length(${literal()}) + 1) = ${literal()}`,
  // json_extract gives SQL types already: JSON true/false become 1/0.
  scalarAt: (json, keys) => `json_extract(${json}, ${sqlText(sqlitePath(keys))})`,
  elementsAt: (json, keys) => ({
    from: `json_each(${json}, ${sqlText(sqlitePath(keys))}) AS mv`,
    // json_extract on the document by the element's full path, not on mv.value: that text is not JSON when the
    // element is a bare string, and json_extract would raise instead of yielding NULL.
    column: (sub) => (sub ? `json_extract(${json}, mv.fullkey || ${sqlText(`."${sub.name}"`)})` : 'mv.value'),
  }),
  sortKey: (expression) => `${expression} COLLATE NOCASE`,
};

/** `'{name,givenName}'`: a text[] path for #> and #>>. */
function postgresPath(keys: readonly string[]): string {
  return sqlText(`{${keys.map((key) => `"${key}"`).join(',')}}`);
}

/** A jsonb value read as SCIM `type`: NULL when the JSON holds another type, as a comparison then never holds. */
function typedJson(value: string, type: AttributeType): string {
  switch (type) {
    case 'boolean':
      return `(CASE WHEN jsonb_typeof(${value}) = 'boolean' THEN (CASE WHEN ${value} = 'true'::jsonb THEN 1 ELSE 0 END) END)`;
    case 'integer':
    case 'decimal':
      return `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value} #>> '{}')::numeric END)`;
    default:
      return `(${value} #>> '{}')`;
  }
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (index, kind) => (kind === 'text' ? `$${index}::text` : kind === 'number' ? `$${index}::numeric` : `$${index}`),
  falseLiteral: 'false',
  notTrue: (condition) => `NOT COALESCE(${condition}, false)`,
  // nocase() on both sides: an equality uses the nocase(…) indexes of migrations.ts.
  foldedComparison: (expression, op, parameter) =>
    op === '=' || op === '<>'
      ? `nocase(${expression}) ${op} nocase(${parameter})`
      : `nocase(${expression}) COLLATE "C" ${op} nocase(${parameter}) COLLATE "C"`,
  // Equality is byte equality under any deterministic collation, so it stays usable by the column's index.
  exactComparison: (expression, op, parameter) =>
    op === '=' || op === '<>'
      ? `${expression} ${op} ${parameter}`
      : `${expression} COLLATE "C" ${op} ${parameter} COLLATE "C"`,
  // Not ILIKE: it folds every script.
  foldedLike: (expression, pattern) => `nocase(${expression}) LIKE nocase(${pattern}) ESCAPE '\\'`,
  contains: (expression, literal) => `strpos(${expression}, ${literal()}) > 0`,
  startsWith: (expression, literal) => {
    const parameter = literal();
    return `left(${expression}, length(${parameter})) = ${parameter}`;
  },
  endsWith: (expression, literal) => {
    const parameter = literal();
    return `right(${expression}, length(${parameter})) = ${parameter}`;
  },
  scalarAt: (json, keys, type) => typedJson(`(${json} #> ${postgresPath(keys)})`, type),
  elementsAt: (json, keys) => {
    const value = `(${json} #> ${postgresPath(keys)})`;
    return {
      from: `jsonb_array_elements(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value}
        WHEN ${value} IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(${value}) END) AS mv(value)`,
      column: (sub, elementType) =>
        sub ? typedJson(`(mv.value -> ${sqlText(sub.name)})`, sub.type) : typedJson('mv.value', elementType),
    };
  },
  sortKey: (expression) => `nocase(${expression}) COLLATE "C"`,
};
