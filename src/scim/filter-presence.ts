import type { AttributeRef } from './attribute-path.js';
import type { Filter } from './filter-ast.js';

/**
 * RFC 7644 §3.4.2.2 `pr`: a complex attribute matches when it "contains a non-empty node", that is when one of
 * its sub-attributes is present: `name pr` means `name[formatted pr or familyName pr or …]`. The predicate and
 * the SQL compiler both evaluate this expansion, so they agree by construction, and the SQL side can read each
 * sub-attribute from wherever the store keeps it (`meta pr` from columns, `name pr` from the JSON document).
 * Undefined for a complex attribute without sub-attributes, which therefore is never present.
 */
export function expandComplexPresence(attr: AttributeRef): Filter | undefined {
  const anySubAttribute = (attr.attribute.subAttributes ?? [])
    .map((subAttribute): Filter => ({ kind: 'present', attr: { ...attr, subAttribute } }))
    .reduce<Filter | undefined>((left, right) => (left ? { kind: 'or', left, right } : right), undefined);
  return anySubAttribute && { kind: 'valuePath', attr, filter: anySubAttribute };
}
