import type { AttributeRef } from './attribute-path.js';

/**
 * The filter syntax tree, RFC 7644 §3.4.2.2. Nodes are readonly data consumed by exhaustive switches
 * (the parser in filter.ts, the predicate in filter-predicate.ts, the SQL compiler in the store).
 * Attribute references are already resolved against the resource's schemas, so consumers never see
 * unknown attributes or non-canonical names.
 */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type CompValue = string | number | boolean | null;

export type Filter =
  | { readonly kind: 'compare'; readonly attr: AttributeRef; readonly op: CompareOperator; readonly value: CompValue }
  | { readonly kind: 'present'; readonly attr: AttributeRef }
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /**
   * `emails[type eq "work" and value co "@acme.com"]`: `attr` is the multi-valued complex attribute (no
   * subAttribute) and `filter` holds comparisons whose refs name its sub-attributes; one element must satisfy it.
   */
  | { readonly kind: 'valuePath'; readonly attr: AttributeRef; readonly filter: Filter };
