import { resolveAttributePath, splitSchemaUrn, type AttributeRef } from './attribute-path.js';
import { findAttribute, type AttributeDefinition } from './attribute.js';
import { ScimError } from './errors.js';
import type { Filter } from './filter-ast.js';
import { parseValueFilter } from './filter.js';
import type { ResourceSchema } from './schemas.js';

/**
 * A PATCH target, RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`. `attr` is always the attribute
 * itself (no subAttribute); `filter` selects elements of a multi-valued complex attribute (`emails[type eq
 * "work"]`); `subAttribute` is the part after the dot (`name.givenName`, `emails[type eq "work"].value`).
 */
export interface PatchPath {
  readonly attr: AttributeRef;
  readonly filter?: Filter;
  readonly subAttribute?: AttributeDefinition;
}

/** RFC 7643 §2.1 ATTRNAME (`ALPHA *(nameChar)`), plus `$ref`, the one reserved sub-attribute name (§2.4). */
const NAME = /^(?:\$ref|[A-Za-z][\w-]*)$/;

/**
 * Parses a PATCH `path`. Returns undefined when the path is well formed but names an attribute the bridge does not
 * keep (roles, x509Certificates, a vendor extension): IdPs send those and the operation is ignored, not failed.
 * Malformed → invalidPath; a malformed value filter → invalidFilter (RFC 7644 §3.12 lists it for PATCH paths).
 */
export function parsePatchPath(text: string, resource: ResourceSchema): PatchPath | undefined {
  const { head, filterText, tail } = splitValuePath(text);
  const ref = resolveHead(head, resource);
  if (!ref) return undefined;
  const attr: AttributeRef = { schema: ref.schema, extension: ref.extension, attribute: ref.attribute };
  if (filterText === undefined) return ref.subAttribute ? { attr, subAttribute: ref.subAttribute } : { attr };
  if (ref.subAttribute || !ref.attribute.multiValued || ref.attribute.type !== 'complex') {
    throw ScimError.invalidPath(
      `"${text}": a value filter applies to a multi-valued complex attribute (RFC 7644 §3.5.2).`,
    );
  }
  const filter = parseValueFilter(filterText, attr, resource);
  if (tail === undefined) return { attr, filter };
  const subAttribute = findAttribute(ref.attribute.subAttributes, tail);
  return subAttribute ? { attr, filter, subAttribute } : undefined;
}

/** Cuts `attr[filter].sub` into its parts; the filter may contain `]` inside a quoted string. */
function splitValuePath(text: string): { head: string; filterText?: string; tail?: string } {
  const open = text.indexOf('[');
  if (open === -1) return { head: text };
  let inString = false;
  let close = -1;
  for (let i = open + 1; i < text.length && close === -1; i++) {
    const c = text[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if (!inString && c === ']') close = i;
  }
  if (close === -1) throw ScimError.invalidPath(`"${text}": unclosed "[" (RFC 7644 §3.5.2).`);
  const rest = text.slice(close + 1);
  if (rest !== '' && !(rest.startsWith('.') && NAME.test(rest.slice(1)))) {
    throw ScimError.invalidPath(`"${text}": only ".subAttribute" may follow a value filter (RFC 7644 §3.5.2).`);
  }
  const head = text.slice(0, open);
  const filterText = text.slice(open + 1, close);
  return rest === '' ? { head, filterText } : { head, filterText, tail: rest.slice(1) };
}

/**
 * Resolves `attr`, `attr.sub` or a URN-qualified form (RFC 7644 §3.10). An unknown URN is a schema the bridge
 * does not support (undefined), provided what follows its last colon is a well-formed attribute path.
 */
function resolveHead(head: string, resource: ResourceSchema): AttributeRef | undefined {
  const isUrn = head.toLowerCase().startsWith('urn:');
  const split = isUrn ? splitSchemaUrn(resource, head) : undefined;
  const local = split ? split.rest : isUrn ? head.slice(head.lastIndexOf(':') + 1) : head;
  const parts = local.split('.');
  if (parts.length > 2 || !parts.every((part) => NAME.test(part))) {
    throw ScimError.invalidPath(`"${head}" is not an attribute path (RFC 7644 §3.5.2).`);
  }
  if (isUrn && !split) return undefined;
  const ref = resolveAttributePath(resource, head);
  if (ref || isUrn) return ref;
  // Entra's legacy manager PATCH uses `path: "manager"` without the enterprise URN: test/idp/entra/manager.json.
  for (const extension of resource.extensions) {
    const qualified = resolveAttributePath(resource, `${extension.id}:${head}`);
    if (qualified) return qualified;
  }
  return undefined;
}
