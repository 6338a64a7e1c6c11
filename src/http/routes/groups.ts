import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GroupService, GroupView } from '../../provisioning/groups.js';
import type { AttributeRef } from '../../scim/attribute-path.js';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../../scim/list.js';
import { groupResource } from '../../scim/schemas.js';
import { etagOf, ifNoneMatchSatisfied } from '../../scim/version.js';
import type { AnswerCache } from '../answer-cache.js';
import { baseUrlOf } from '../base-url.js';
import { isProjected, project, projectionOf, toResourceQuery, type Projection } from '../list-projection.js';

export interface GroupRoutesOptions {
  readonly basePath: string;
  readonly groups: GroupService;
  readonly answers: AnswerCache;
  readonly defaultCount: number;
  readonly maxResults: number;
}

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

/** Members are loaded only when the response will carry them: `excludedAttributes=members` skips the join. */
export function wantsMembers(projection: Projection): boolean {
  const names = (refs: readonly AttributeRef[] | undefined) => refs?.map((r) => r.attribute.name) ?? [];
  if (names(projection.excludedAttributes).includes('members')) return false;
  return projection.attributes === undefined || names(projection.attributes).includes('members');
}

/** RFC 7644 §3.3–3.6 for Groups (Asana teams); handlers only translate HTTP to GroupService calls. */
export async function groupRoutes(app: FastifyInstance, options: GroupRoutesOptions): Promise<void> {
  const { groups, basePath, answers } = options;
  const limits = { defaultCount: options.defaultCount, maxCount: options.maxResults };
  const base = (request: FastifyRequest) => baseUrlOf(request, basePath);

  const sendOne = (reply: FastifyReply, view: GroupView, projection: Projection, status = 200) =>
    reply.code(status).header('etag', etagOf(view.version)).send(project(view.resource, projection, groupResource));

  const list = async (request: FastifyRequest, query: ListQuery) => {
    const projection = projectionOf(query, groupResource);
    const page = await groups.list(toResourceQuery(query), base(request), wantsMembers(projection));
    return listResponse(
      page.groups.map((g) => project(g.resource, projection, groupResource)),
      page.total,
      query.startIndex,
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/Groups', async (request, reply) => {
    const answer = await answers.answer(base(request), request.url, async () => ({
      body: JSON.stringify(await list(request, parseListQuery(request.query, limits))),
    }));
    return reply.send(answer.body);
  });

  app.post('/Groups/.search', async (request) => list(request, parseSearchRequest(request.body, limits)));

  app.get('/Groups/:id', async (request: IdRequest, reply) => {
    const { body, version } = await answers.answer(base(request), request.url, async () => {
      const projection = projectionOf(parseListQuery(request.query, limits), groupResource);
      const view = await groups.get(request.params.id, base(request), wantsMembers(projection));
      return { body: JSON.stringify(project(view.resource, projection, groupResource)), version: view.version };
    });
    void reply.header('etag', etagOf(version));
    if (!ifNoneMatchSatisfied(request.headers['if-none-match'], version)) return reply.code(304).send();
    return reply.send(body);
  });

  app.post<{ Querystring: Record<string, unknown> }>('/Groups', async (request, reply) => {
    const view = await groups.create(request.body, base(request));
    void reply.header('location', (view.resource['meta'] as { location: string }).location);
    return sendOne(reply, view, projectionOf(parseListQuery(request.query, limits), groupResource), 201);
  });

  app.put('/Groups/:id', async (request: IdRequest, reply) => {
    const view = await groups.replace(request.params.id, request.body, request.headers['if-match'], base(request));
    return sendOne(reply, view, projectionOf(parseListQuery(request.query, limits), groupResource));
  });

  // Entra prefers 204 for group PATCH (test/idp/entra/groups.json); a client that asks for attributes gets 200 with
  // the group (RFC 7644 §3.5.2).
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const view = await groups.patch(request.params.id, request.body, request.headers['if-match'], base(request));
    const projection = projectionOf(parseListQuery(request.query, limits), groupResource);
    if (!isProjected(projection)) {
      return reply.code(204).header('etag', etagOf(view.version)).send();
    }
    return sendOne(reply, view, projection);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.delete(request.params.id, request.headers['if-match']);
    return reply.code(204).send();
  });
}
