import type { AttributeDefinition } from './attribute.js';
import { resolveAttributePath, splitSchemaUrn, type AttributeRef } from './attribute-path.js';
import type { ResourceSchema } from './schemas.js';

/**
 * Resolves the names of an `attributes` or `excludedAttributes` parameter (RFC 7644 §3.4.2.5, §3.9) against a
 * resource's schemas. Names are attribute paths (§3.10), case-insensitive, optionally URN-qualified. A bare
 * schema URN stands for every attribute of that schema. Names the bridge does not know are ignored: it never
 * holds such an attribute, so there is nothing of it to return or to leave out.
 *
 * Microsoft's collection asks for `attributes=emails[type eq "work"]`, a value filter that is not an attribute
 * path (shared/reference/idp/AzureAD-SCIMReferenceCode.PostmanCollection.json, "ComplexAttribute tests"); the
 * filter is dropped and the whole attribute named.
 *
 * Undefined when no names were given; an empty list when names were given but none is known, which for
 * `attributes` still means "only what is always returned".
 */
export function parseAttributeList(
  names: readonly string[] | undefined,
  resource: ResourceSchema,
): AttributeRef[] | undefined {
  if (names === undefined) return undefined;
  return names.flatMap((raw) => {
    const name = withoutValueFilters(raw).trim();
    const whole = splitSchemaUrn(resource, name);
    if (whole !== undefined && whole.rest === '') {
      const schema = whole.extension ? resource.extensions.find((e) => e.id === whole.schema) : resource.core;
      return (schema?.attributes ?? []).map((attribute) => ({
        schema: whole.schema,
        extension: whole.extension,
        attribute,
      }));
    }
    const ref = resolveAttributePath(resource, name);
    return ref === undefined ? [] : [ref];
  });
}

/**
 * `raw` without its bracketed value filters (`emails[type eq "work"]` → `emails`). A scan, not
 * `replace(/\[[^\]]*\]/g, '')`, which rescans the rest from every "[" that has no "]" after it: quadratic, 1.8 s
 * for 60 KB of "[" (issue 15). An unclosed "[" is kept, as that pattern keeps it.
 */
function withoutValueFilters(raw: string): string {
  let out = '';
  let from = 0;
  for (let open = raw.indexOf('['); open !== -1; open = raw.indexOf('[', from)) {
    const close = raw.indexOf(']', open + 1);
    if (close === -1) break;
    out += raw.slice(from, open);
    from = close + 1;
  }
  return out + raw.slice(from);
}

/** Which parts of one attribute a list of references names. */
interface Named {
  whole: boolean;
  readonly subs: Set<string>;
}

/** Groups references by attribute, for one scope (the core schema with the common attributes, or an extension). */
function namedIn(refs: readonly AttributeRef[] | undefined, schema: string): Map<string, Named> | undefined {
  if (refs === undefined) return undefined;
  const byName = new Map<string, Named>();
  for (const ref of refs) {
    if (ref.schema !== schema) continue;
    const named = byName.get(ref.attribute.name) ?? { whole: false, subs: new Set<string>() };
    if (ref.subAttribute) named.subs.add(ref.subAttribute.name);
    else named.whole = true;
    byName.set(ref.attribute.name, named);
  }
  return byName;
}

type SubFilter = (sub: AttributeDefinition) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps the sub-attributes of one complex value that pass; undefined when projection emptied it. */
function projectComplex(
  value: Record<string, unknown>,
  subs: readonly AttributeDefinition[],
  keep: SubFilter,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(value)) {
    const definition = subs.find((s) => s.name === key);
    if (definition !== undefined && keep(definition)) out[key] = structuredClone(sub);
  }
  return Object.keys(out).length > 0 || Object.keys(value).length === 0 ? out : undefined;
}

/** One attribute's value with its sub-attributes filtered; undefined when nothing of it is left to return. */
function projectValue(value: unknown, definition: AttributeDefinition, keep: SubFilter): unknown {
  const subs = definition.subAttributes;
  if (subs === undefined) return structuredClone(value);
  if (Array.isArray(value)) {
    const elements = value.flatMap((element: unknown) => {
      if (!isObject(element)) return [structuredClone(element)];
      const projected = projectComplex(element, subs, keep);
      return projected === undefined ? [] : [projected];
    });
    return elements.length > 0 || value.length === 0 ? elements : undefined;
  }
  return isObject(value) ? projectComplex(value, subs, keep) : structuredClone(value);
}

/**
 * RFC 7643 §2.2 `returned` combined with RFC 7644 §3.4.2.5: decides whether an attribute appears and, if so,
 * which of its sub-attributes. Undefined means the attribute is left out.
 */
function subFilterFor(
  definition: AttributeDefinition,
  requested: Map<string, Named> | undefined,
  excluded: Map<string, Named> | undefined,
): SubFilter | undefined {
  switch (definition.returned) {
    case 'never':
      return undefined;
    case 'always':
      // "excludedAttributes … SHALL have no effect on attributes whose schema 'returned' setting is 'always'".
      return (sub) => sub.returned !== 'never';
    case 'default':
    case 'request': {
      const asked = requested?.get(definition.name);
      const dropped = excluded?.get(definition.name);
      if (requested !== undefined ? asked === undefined : definition.returned === 'request') return undefined;
      if (dropped?.whole) return undefined;
      // `attributes=name.givenName` names a part; `attributes=name` (or no `attributes`) the default parts.
      const wholeAsked = asked === undefined || asked.whole;
      return (sub) => {
        if (sub.returned === 'never') return false;
        if (sub.returned === 'always') return true;
        if (dropped?.subs.has(sub.name)) return false;
        return (asked?.subs.has(sub.name) ?? false) || (wholeAsked && sub.returned === 'default');
      };
    }
  }
}

/** Projects the attributes of one scope (top level, or one extension's object). */
function projectScope(
  value: Record<string, unknown>,
  definitions: readonly AttributeDefinition[],
  requested: Map<string, Named> | undefined,
  excluded: Map<string, Named> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, attributeValue] of Object.entries(value)) {
    const definition = definitions.find((d) => d.name === key);
    if (definition === undefined) continue;
    const keep = subFilterFor(definition, requested, excluded);
    if (keep === undefined) continue;
    const projected = projectValue(attributeValue, definition, keep);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

/**
 * The representation to return (RFC 7644 §3.4.2.5, §3.9): `returned: always` attributes and `schemas` always;
 * `never` never; `default` unless excluded or unless `attributes` is given and does not name it; `request`
 * only when named. Sub-attributes follow the same rules within their attribute. Extension attributes live
 * under their URN key; an extension left empty is dropped. Keys not defined by the schemas are never sent.
 * The input is not modified; the result shares nothing with it.
 */
export function projectResource(
  res: Record<string, unknown>,
  resource: ResourceSchema,
  opts: { attributes?: readonly AttributeRef[]; excludedAttributes?: readonly AttributeRef[] },
): Record<string, unknown> {
  const { schemas, ...rest } = res;
  const topLevel: Record<string, unknown> = {};
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (resource.extensions.some((e) => e.id === key)) extensions[key] = value;
    else topLevel[key] = value;
  }
  const out: Record<string, unknown> = schemas === undefined ? {} : { schemas: structuredClone(schemas) };
  Object.assign(
    out,
    projectScope(
      topLevel,
      [...resource.core.attributes, ...resource.common],
      namedIn(opts.attributes, resource.core.id),
      namedIn(opts.excludedAttributes, resource.core.id),
    ),
  );
  for (const extension of resource.extensions) {
    const value = extensions[extension.id];
    if (!isObject(value)) continue;
    const projected = projectScope(
      value,
      extension.attributes,
      namedIn(opts.attributes, extension.id),
      namedIn(opts.excludedAttributes, extension.id),
    );
    if (Object.keys(projected).length > 0) out[extension.id] = projected;
  }
  return out;
}
