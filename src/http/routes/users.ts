import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserService, UserView } from '../../provisioning/users.js';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../../scim/list.js';
import { userResource } from '../../scim/schemas.js';
import { etagOf, ifNoneMatchSatisfied } from '../../scim/version.js';
import type { AnswerCache } from '../answer-cache.js';
import { baseUrlOf } from '../base-url.js';
import { project, projectionOf, toResourceQuery } from '../list-projection.js';

export interface UserRoutesOptions {
  readonly basePath: string;
  readonly users: UserService;
  readonly answers: AnswerCache;
  readonly defaultCount: number;
  readonly maxResults: number;
}

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

/** RFC 7644 §3.3–3.6 for Users; handlers only translate HTTP to UserService calls. */
export async function userRoutes(app: FastifyInstance, options: UserRoutesOptions): Promise<void> {
  const { users, basePath, answers } = options;
  const limits = { defaultCount: options.defaultCount, maxCount: options.maxResults };
  const base = (request: FastifyRequest) => baseUrlOf(request, basePath);

  const sendOne = (reply: FastifyReply, view: UserView, query: ListQuery, status = 200) =>
    reply
      .code(status)
      .header('etag', etagOf(view.version))
      .send(project(view.resource, projectionOf(query, userResource), userResource));

  const list = async (request: FastifyRequest, query: ListQuery) => {
    const projection = projectionOf(query, userResource);
    const page = await users.list(toResourceQuery(query), base(request));
    return listResponse(
      page.users.map((u) => project(u.resource, projection, userResource)),
      page.total,
      query.startIndex,
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/Users', async (request, reply) => {
    const answer = await answers.answer(base(request), request.url, async () => ({
      body: JSON.stringify(await list(request, parseListQuery(request.query, limits))),
    }));
    return reply.send(answer.body);
  });

  // RFC 7644 §3.4.3: search with the query in the body; answered 200, not 201.
  app.post('/Users/.search', async (request) => list(request, parseSearchRequest(request.body, limits)));

  app.get('/Users/:id', async (request: IdRequest, reply) => {
    const { body, version } = await answers.answer(base(request), request.url, async () => {
      const view = await users.get(request.params.id, base(request));
      const projection = projectionOf(parseListQuery(request.query, limits), userResource);
      return { body: JSON.stringify(project(view.resource, projection, userResource)), version: view.version };
    });
    void reply.header('etag', etagOf(version));
    if (!ifNoneMatchSatisfied(request.headers['if-none-match'], version)) return reply.code(304).send();
    return reply.send(body);
  });

  app.post<{ Querystring: Record<string, unknown> }>('/Users', async (request, reply) => {
    const view = await users.create(request.body, base(request));
    void reply.header('location', (view.resource['meta'] as { location: string }).location);
    return sendOne(reply, view, parseListQuery(request.query, limits), 201);
  });

  app.put('/Users/:id', async (request: IdRequest, reply) => {
    const view = await users.replace(request.params.id, request.body, request.headers['if-match'], base(request));
    return sendOne(reply, view, parseListQuery(request.query, limits));
  });

  app.patch('/Users/:id', async (request: IdRequest, reply) => {
    const view = await users.patch(request.params.id, request.body, request.headers['if-match'], base(request));
    return sendOne(reply, view, parseListQuery(request.query, limits));
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    await users.delete(request.params.id, request.headers['if-match']);
    return reply.code(204).send();
  });
}
