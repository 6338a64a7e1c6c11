import { formatAttributeRef, resolveAttributePath } from '../scim/attribute-path.js';
import { ScimError } from '../scim/errors.js';
import { parseFilter } from '../scim/filter.js';
import { assertFilterTermCount } from '../scim/input-limits.js';
import type { ResourceSchema } from '../scim/schemas.js';
import type { ListOptions } from '../store/mapping-store.js';

/** A list request as the HTTP edge hands it over (RFC 7644 §3.4.2). */
export interface ResourceQuery {
  readonly filter?: string;
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy?: string;
  readonly descending: boolean;
}

/** Parses the filter and resolves sortBy against the schemas, for the store. */
export function toListOptions(query: ResourceQuery, resource: ResourceSchema): ListOptions {
  const filter = query.filter === undefined ? undefined : parseFilter(query.filter, resource);
  if (filter) assertFilterTermCount(filter);
  let sortBy: string | undefined;
  if (query.sortBy !== undefined) {
    const ref = resolveAttributePath(resource, query.sortBy);
    if (!ref) throw ScimError.invalidValue(`sortBy names an unknown attribute: ${query.sortBy}`);
    sortBy = formatAttributeRef(ref);
  }
  return {
    ...(filter ? { filter } : {}),
    ...(sortBy ? { sortBy } : {}),
    startIndex: query.startIndex,
    count: query.count,
    descending: query.descending,
  };
}
