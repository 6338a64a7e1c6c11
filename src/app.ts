import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { bearerAuth } from './http/auth.js';
import { refuseTunnel, scimClientErrorHandler } from './http/client-error.js';
import { registerScimContentTypes, SCIM_CONTENT_TYPE } from './http/content-type.js';
import { answerFrameworkError, registerErrorHandling } from './http/error-handler.js';
import { requireHostHeader, requirePublicHost } from './http/host-header.js';
import { requestRateLimit } from './http/rate-limit.js';
import { bulkRoutes } from './http/routes/bulk.js';
import { routePattern } from './http/route-pattern.js';
import { discoveryRoutes } from './http/routes/discovery.js';
import { registerAuditHooks } from './http/audit-hooks.js';
import { adminRoutes } from './http/routes/admin.js';
import { healthRoutes } from './http/routes/health.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { AnswerCache } from './http/answer-cache.js';
import { groupRoutes } from './http/routes/groups.js';
import { rootSearchRoutes } from './http/routes/root-search.js';
import { userRoutes } from './http/routes/users.js';
import type { BridgeMetrics } from './metrics.js';
import type { AuditTrail } from './provisioning/audit-trail.js';
import { assertWithinInputLimits } from './scim/input-limits.js';
import type { GroupService } from './provisioning/groups.js';
import type { OperationsOverview } from './provisioning/operations-overview.js';
import type { Readiness } from './provisioning/readiness.js';
import type { UserService } from './provisioning/users.js';

export interface AppDeps {
  readonly logger: FastifyBaseLogger;
  /** Bearer tokens accepted from IdPs (several during a rotation). */
  readonly scimTokens: readonly string[];
  readonly users: UserService;
  readonly groups: GroupService;
  /** The store's read generation (MappingStore.readGeneration): GET answers are kept while it stays the same. */
  readonly readGeneration: () => number | undefined;
  /** The last readiness check (for /readyz). */
  readonly readiness: () => Readiness;
  /** Writes the audit entry of every SCIM write. */
  readonly auditTrail: AuditTrail;
  /** Read-only state for /metrics and /admin. */
  readonly overview: OperationsOverview;
  readonly metrics: BridgeMetrics;
  /** METRICS_TOKEN: /metrics exists only with it. */
  readonly metricsToken?: string;
  /** ADMIN_TOKEN: /admin exists only with it. */
  readonly adminToken?: string;
  readonly bodyLimitBytes: number;
  readonly maxResults: number;
  /** Operations one POST /Bulk may carry. */
  readonly bulkMaxOperations: number;
  /** Reads and writes per minute each SCIM token may make. */
  readonly rateLimit: { readonly readsPerMinute: number; readonly writesPerMinute: number };
  /** Time a client has to send a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Fastify's trustProxy: whether X-Forwarded-* headers are believed (TRUST_PROXY). */
  readonly trustProxy: boolean | string;
  /** PUBLIC_BASE_URL: the advertised origin (and path) of the bridge's root. */
  readonly publicBaseUrl?: string;
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
    trustProxy: deps.trustProxy,
  });

  registerScimContentTypes(app);
  registerErrorHandling(app);
  app.server.on('connect', refuseTunnel);
  app.addHook('onRequest', requireHostHeader);
  app.decorate('publicBaseUrl', deps.publicBaseUrl ?? null);
  if (deps.publicBaseUrl !== undefined && deps.trustProxy === false) {
    app.addHook('onRequest', requirePublicHost(deps.publicBaseUrl));
  }
  app.decorateRequest('tokenDigest', '');
  app.addHook('onRequest', bearerAuth(deps.scimTokens));
  app.addHook('onRequest', requestRateLimit(deps.rateLimit));
  // Draining (SIGTERM): answers from now on close their connection, so IdPs' kept-alive sockets do not hold the
  // shutdown open until the keep-alive timeout.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  // Hooks that run on every request are synchronous (`done` style), as in auth.ts.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.observeHttp(request.method, routePattern(request), reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      { method: request.method, route: routePattern(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
    done();
  });

  await app.register(healthRoutes, { readiness: deps.readiness });
  if (deps.metricsToken !== undefined) {
    await app.register(metricsRoutes, { token: deps.metricsToken, metrics: deps.metrics, overview: deps.overview });
  }
  if (deps.adminToken !== undefined) {
    await app.register(adminRoutes, { token: deps.adminToken, overview: deps.overview });
  }
  const answers = new AnswerCache(deps.readGeneration);
  for (const prefix of SCIM_PREFIXES) {
    await app.register(
      async (scim) => {
        // RFC 7644 §3.1: responses are application/scim+json.
        scim.addHook('onSend', (_request, reply, payload, done) => {
          if (payload !== undefined && payload !== null && payload !== '') void reply.type(SCIM_CONTENT_TYPE);
          done(null, payload);
        });
        registerAuditHooks(scim, deps.auditTrail);
        // Caps on every body before any parser sees it (docs/reliability.md, "Input caps").
        scim.addHook('preValidation', (request, _reply, done) => {
          assertWithinInputLimits(request.body);
          done();
        });
        const bulk = { maxOperations: deps.bulkMaxOperations, maxPayloadSize: deps.bodyLimitBytes };
        await scim.register(discoveryRoutes, { maxResults: deps.maxResults, basePath: prefix, bulk });
        const lists = { defaultCount: DEFAULT_COUNT, maxResults: deps.maxResults, basePath: prefix };
        await scim.register(userRoutes, { users: deps.users, answers, ...lists });
        await scim.register(groupRoutes, { groups: deps.groups, answers, ...lists });
        await scim.register(rootSearchRoutes, { users: deps.users, groups: deps.groups, ...lists });
        await scim.register(bulkRoutes, { users: deps.users, groups: deps.groups, basePath: prefix, ...bulk });
      },
      { prefix },
    );
  }
  return app;
}
