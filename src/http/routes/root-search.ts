import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GroupService } from '../../provisioning/groups.js';
import type { ResourceQuery } from '../../provisioning/list-options.js';
import type { UserService } from '../../provisioning/users.js';
import { ScimError } from '../../scim/errors.js';
import { listResponse, parseSearchRequest } from '../../scim/list.js';
import { groupResource, userResource } from '../../scim/schemas.js';
import { baseUrlOf } from '../base-url.js';
import { project, projectionOf, toResourceQuery } from '../list-projection.js';
import { wantsMembers } from './groups.js';

export interface RootSearchOptions {
  readonly basePath: string;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly defaultCount: number;
  readonly maxResults: number;
}

/** One resource type's part of a root search: its total and a page of it, projected. */
interface Part {
  total(): Promise<number>;
  page(startIndex: number, count: number): Promise<object[]>;
}

/**
 * RFC 7644 §3.4.3: `POST /.search` at the root searches every resource type, here Users then Groups, paged as one
 * list. A filter naming an attribute one type lacks cannot match that type, so the type contributes nothing (its
 * invalidFilter is kept for when no type takes the filter). sortBy is refused: Users and Groups share no order.
 */
export async function rootSearchRoutes(app: FastifyInstance, options: RootSearchOptions): Promise<void> {
  const limits = { defaultCount: options.defaultCount, maxCount: options.maxResults };
  app.post('/.search', async (request: FastifyRequest) => {
    const query = parseSearchRequest(request.body, limits);
    if (query.sortBy !== undefined) {
      throw ScimError.invalidValue('sortBy is not supported by a search from the root; search /Users or /Groups.');
    }
    const base = baseUrlOf(request, options.basePath);
    const asQuery = (startIndex: number, count: number): ResourceQuery => ({ ...toResourceQuery(query), startIndex, count });
    const userProjection = projectionOf(query, userResource);
    const groupProjection = projectionOf(query, groupResource);
    const candidates: Part[] = [
      {
        total: async () => (await options.users.list(asQuery(1, 0), base)).total,
        page: async (startIndex, count) =>
          (await options.users.list(asQuery(startIndex, count), base)).users.map((u) =>
            project(u.resource, userProjection, userResource),
          ),
      },
      {
        total: async () => (await options.groups.list(asQuery(1, 0), base, false)).total,
        page: async (startIndex, count) =>
          (await options.groups.list(asQuery(startIndex, count), base, wantsMembers(groupProjection))).groups.map(
            (g) => project(g.resource, groupProjection, groupResource),
          ),
      },
    ];
    const parts: Array<{ part: Part; total: number }> = [];
    let refusal: unknown;
    for (const part of candidates) {
      try {
        parts.push({ part, total: await part.total() });
      } catch (error) {
        if (!(error instanceof ScimError && error.scimType === 'invalidFilter')) throw error;
        refusal ??= error;
      }
    }
    if (parts.length === 0) throw refusal;
    const resources: object[] = [];
    let skip = query.startIndex - 1;
    for (const { part, total } of parts) {
      const wanted = query.count - resources.length;
      if (skip >= total) {
        skip -= total;
        continue;
      }
      if (wanted > 0) resources.push(...(await part.page(skip + 1, wanted)));
      skip = 0;
    }
    const total = parts.reduce((sum, p) => sum + p.total, 0);
    return listResponse(resources, total, query.startIndex);
  });
}
