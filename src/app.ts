import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { bearerAuth } from './http/auth.js';
import { refuseTunnel, scimClientErrorHandler } from './http/client-error.js';
import { registerScimContentTypes, SCIM_CONTENT_TYPE } from './http/content-type.js';
import { answerFrameworkError, registerErrorHandling } from './http/error-handler.js';
import { requireHostHeader } from './http/host-header.js';
import { requestRateLimit } from './http/rate-limit.js';
import { discoveryRoutes } from './http/routes/discovery.js';
import { healthRoutes } from './http/routes/health.js';
import { groupRoutes } from './http/routes/groups.js';
import { userRoutes } from './http/routes/users.js';
import { assertWithinInputLimits } from './scim/input-limits.js';
import type { GroupService } from './provisioning/groups.js';
import type { UserService } from './provisioning/users.js';

export interface AppDeps {
  readonly logger: FastifyBaseLogger;
  /** Bearer tokens accepted from IdPs (several during a rotation). */
  readonly scimTokens: readonly string[];
  readonly users: UserService;
  readonly groups: GroupService;
  /** Resolves when the mapping store answers (for /readyz). */
  readonly ready: () => Promise<void>;
  readonly bodyLimitBytes: number;
  readonly maxResults: number;
  /** Requests per minute each SCIM token may make. */
  readonly rateLimitPerMinute: number;
  /** Time a client has to send a whole request, headers and body. */
  readonly requestTimeoutMs: number;
}

/** RFC 7644 §3.13: Asana's own SCIM lives at /api/1.0/scim; /scim/v2 is the conventional path IdPs suggest. */
export const SCIM_PREFIXES = ['/scim/v2', '/api/1.0/scim'] as const;

/** Every SCIM list defaults to pages of 100, Okta's import page size. */
const DEFAULT_COUNT = 100;

/** A request id from the caller when it is a sane token, else a fresh one; it is logged and echoed. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

/**
 * Builds the HTTP application from its dependencies (architecture rule 2): no listen, no environment,
 * every plugin and route registered here in plain sight.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // One log line per request (onResponse below) instead of Fastify's two, without headers.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestId(req.headers['x-request-id']),
    bodyLimit: deps.bodyLimitBytes,
    // Slow clients must not pin connections: the whole request, headers included, within requestTimeoutMs (Node's
    // headersTimeout is fixed when the server is created, so it goes in `http`), checked at least every second
    // (Node checks every 30 s by default); idle keep-alive sockets closed.
    requestTimeout: deps.requestTimeoutMs,
    http: {
      requestTimeout: deps.requestTimeoutMs,
      headersTimeout: deps.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, deps.requestTimeoutMs),
      // Checked in host-header.ts instead, so the 400 carries a SCIM body.
      requireHostHeader: false,
    },
    keepAliveTimeout: 72_000,
    clientErrorHandler: scimClientErrorHandler(deps.logger),
    frameworkErrors: answerFrameworkError,
    // RFC 7644 §3.1 leaves case to the server; Microsoft's collection sends /users.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // Requests that reach a closing server on a kept-alive socket are served rather than answered with a
    // non-SCIM 503; SIGTERM still stops new connections and waits for in-flight requests.
    return503OnClosing: false,
  });

  registerScimContentTypes(app);
  registerErrorHandling(app);
  app.server.on('connect', refuseTunnel);
  app.addHook('onRequest', requireHostHeader);
  app.decorateRequest('tokenDigest', '');
  app.addHook('onRequest', bearerAuth(deps.scimTokens));
  app.addHook('onRequest', requestRateLimit({ perMinute: deps.rateLimitPerMinute }));
  // Draining (SIGTERM): answers from now on close their connection, so IdPs' kept-alive sockets do not hold the
  // shutdown open until the keep-alive timeout.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (draining) void reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });

  await app.register(healthRoutes, { ready: deps.ready });
  for (const prefix of SCIM_PREFIXES) {
    await app.register(
      async (scim) => {
        // RFC 7644 §3.1: responses are application/scim+json.
        scim.addHook('onSend', async (_request, reply, payload) => {
          if (payload !== undefined && payload !== null && payload !== '') void reply.type(SCIM_CONTENT_TYPE);
          return payload;
        });
        // Caps on every body before any parser sees it (docs/reliability.md, "Input caps").
        scim.addHook('preValidation', async (request) => assertWithinInputLimits(request.body));
        await scim.register(discoveryRoutes, { maxResults: deps.maxResults, basePath: prefix });
        const lists = { defaultCount: DEFAULT_COUNT, maxResults: deps.maxResults, basePath: prefix };
        await scim.register(userRoutes, { users: deps.users, ...lists });
        await scim.register(groupRoutes, { groups: deps.groups, ...lists });
      },
      { prefix },
    );
  }
  return app;
}
