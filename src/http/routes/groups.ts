import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GroupService, GroupView } from '../../provisioning/groups.js';
import type { AttributeRef } from '../../scim/attribute-path.js';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../../scim/list.js';
import { parseAttributeList, projectResource } from '../../scim/projection.js';
import { groupResource } from '../../scim/schemas.js';
import { etagOf, ifNoneMatchSatisfied } from '../../scim/version.js';
import { baseUrlOf } from '../base-url.js';

export interface GroupRoutesOptions {
  readonly basePath: string;
  readonly groups: GroupService;
  readonly defaultCount: number;
  readonly maxResults: number;
}

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

interface Projection {
  readonly attributes?: readonly AttributeRef[];
  readonly excludedAttributes?: readonly AttributeRef[];
}

function projectionOf(query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): Projection {
  const attributes = parseAttributeList(query.attributes, groupResource);
  const excludedAttributes = parseAttributeList(query.excludedAttributes, groupResource);
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** Members are loaded only when the response will carry them: `excludedAttributes=members` skips the join. */
function wantsMembers(projection: Projection): boolean {
  const names = (refs: readonly AttributeRef[] | undefined) => refs?.map((r) => r.attribute.name) ?? [];
  if (names(projection.excludedAttributes).includes('members')) return false;
  return projection.attributes === undefined || names(projection.attributes).includes('members');
}

function project(view: GroupView, projection: Projection): Record<string, unknown> {
  if (!projection.attributes && !projection.excludedAttributes) return view.resource;
  return projectResource(view.resource, groupResource, projection);
}

/** RFC 7644 §3.3–3.6 for Groups (Asana teams); handlers only translate HTTP to GroupService calls. */
export async function groupRoutes(app: FastifyInstance, options: GroupRoutesOptions): Promise<void> {
  const { groups, basePath } = options;
  const limits = { defaultCount: options.defaultCount, maxCount: options.maxResults };
  const base = (request: FastifyRequest) => baseUrlOf(request, basePath);

  const sendOne = (reply: FastifyReply, view: GroupView, projection: Projection, status = 200) =>
    reply.code(status).header('etag', etagOf(view.version)).send(project(view, projection));

  const list = async (request: FastifyRequest, query: ListQuery) => {
    const projection = projectionOf(query);
    const page = await groups.list(
      {
        ...(query.filter !== undefined ? { filter: query.filter } : {}),
        ...(query.sortBy !== undefined ? { sortBy: query.sortBy } : {}),
        startIndex: query.startIndex,
        count: query.count,
        descending: query.sortOrder === 'descending',
      },
      base(request),
      wantsMembers(projection),
    );
    return listResponse(
      page.groups.map((g) => project(g, projection)),
      page.total,
      query.startIndex,
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/Groups', async (request) =>
    list(request, parseListQuery(request.query, limits)),
  );

  app.post('/Groups/.search', async (request) => list(request, parseSearchRequest(request.body, limits)));

  app.get('/Groups/:id', async (request: IdRequest, reply) => {
    const projection = projectionOf(parseListQuery(request.query, limits));
    const view = await groups.get(request.params.id, base(request), wantsMembers(projection));
    if (!ifNoneMatchSatisfied(request.headers['if-none-match'], view.version)) {
      return reply.code(304).header('etag', etagOf(view.version)).send();
    }
    return sendOne(reply, view, projection);
  });

  app.post<{ Querystring: Record<string, unknown> }>('/Groups', async (request, reply) => {
    const view = await groups.create(request.body, base(request));
    void reply.header('location', (view.resource['meta'] as { location: string }).location);
    return sendOne(reply, view, projectionOf(parseListQuery(request.query, limits)), 201);
  });

  app.put('/Groups/:id', async (request: IdRequest, reply) => {
    const view = await groups.replace(request.params.id, request.body, request.headers['if-match'], base(request));
    return sendOne(reply, view, projectionOf(parseListQuery(request.query, limits)));
  });

  // Entra prefers 204 for group PATCH (test/idp/entra/groups.json); a client that asks for attributes gets 200 with
  // the group (RFC 7644 §3.5.2).
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const view = await groups.patch(request.params.id, request.body, request.headers['if-match'], base(request));
    const projection = projectionOf(parseListQuery(request.query, limits));
    if (!projection.attributes && !projection.excludedAttributes) {
      return reply.code(204).header('etag', etagOf(view.version)).send();
    }
    return sendOne(reply, view, projection);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.delete(request.params.id, request.headers['if-match']);
    return reply.code(204).send();
  });
}
