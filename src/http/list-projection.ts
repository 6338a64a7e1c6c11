import type { ResourceQuery } from '../provisioning/list-options.js';
import type { AttributeRef } from '../scim/attribute-path.js';
import type { ListQuery } from '../scim/list.js';
import { parseAttributeList, projectResource } from '../scim/projection.js';
import type { ResourceSchema } from '../scim/schemas.js';

/** `attributes` / `excludedAttributes` of a request, resolved against a resource's schemas. */
export interface Projection {
  readonly attributes?: readonly AttributeRef[];
  readonly excludedAttributes?: readonly AttributeRef[];
}

export function projectionOf(
  query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>,
  resource: ResourceSchema,
): Projection {
  const attributes = parseAttributeList(query.attributes, resource);
  const excludedAttributes = parseAttributeList(query.excludedAttributes, resource);
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

export function isProjected(projection: Projection): boolean {
  return projection.attributes !== undefined || projection.excludedAttributes !== undefined;
}

/** RFC 7644 §3.9: `attributes` / `excludedAttributes` apply to every response that carries a resource. */
export function project(
  resource: Record<string, unknown>,
  projection: Projection,
  schema: ResourceSchema,
): Record<string, unknown> {
  return isProjected(projection) ? projectResource(resource, schema, projection) : resource;
}

/** The list part of a parsed query, as provisioning takes it. */
export function toResourceQuery(query: ListQuery): ResourceQuery {
  return {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.sortBy !== undefined ? { sortBy: query.sortBy } : {}),
    startIndex: query.startIndex,
    count: query.count,
    descending: query.sortOrder === 'descending',
  };
}
