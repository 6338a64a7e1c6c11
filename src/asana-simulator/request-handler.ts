import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiRouter } from './api-router.js';
import { CONTROL_PREFIX, handleControl, type ControlDeps } from './control-api.js';
import type { CostLimiter } from './cost-limiter.js';
import { errorPhrase } from './error-phrase.js';
import { readBody, readEnvelope, sendReply } from './http-io.js';
import { OptFields } from './opt-fields.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Reply } from './route.js';
import type { Random } from './seeded-random.js';
import { errorBody, SimHttpError } from './sim-http-error.js';

/**
 * One HTTP request through the simulator. API requests (under /api/1.0) go: log → bearer token (401) →
 * rate limits, then for a GET the cost limit (429; Asana limits per token, so an unknown token is refused first) →
 * latency → injected faults → route → reply, and a GET's answer is charged to the cost limit. Control requests
 * (/_simulator/) only check the token.
 */
export interface HandlerDeps extends ControlDeps {
  router: ApiRouter;
  limiter: RateLimiter;
  costs: CostLimiter;
  /** Draws the `phrase` of 500 answers. */
  phraseRandom: Random;
  token: string;
  origin: string;
  /** True once close() began: answers then end their connection so that close() need not wait for keep-alive. */
  closing: () => boolean;
}

export const API_BASE_PATH = '/api/1.0';

export function createRequestHandler(deps: HandlerDeps): (request: IncomingMessage, response: ServerResponse) => void {
  const expectedToken = digest(`Bearer ${deps.token}`);
  const authorized = (request: IncomingMessage): boolean =>
    timingSafeEqual(digest(request.headers.authorization ?? ''), expectedToken);
  const toReply = (error: unknown): Reply => replyForError(error, () => errorPhrase(deps.phraseRandom));
  const send = (response: ServerResponse, reply: Reply, pretty = false): void => {
    if (deps.closing()) response.setHeader('connection', 'close');
    sendReply(response, reply, pretty);
  };

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const startedAt = Date.now();
    response.on('close', () => {
      deps.log.add({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: response.writableFinished ? response.statusCode : 0,
        startedAt,
        endedAt: Date.now(),
      });
    });
    if (!authorized(request)) {
      send(response, toReply(SimHttpError.notAuthorized()));
      return;
    }
    const read = method === 'GET' || method === 'HEAD';
    const latencyMs = deps.faults.latencyMs;
    const admission = deps.limiter.admit(read ? 'read' : 'write', startedAt, latencyMs);
    if (!admission.admitted) {
      send(response, toReply(SimHttpError.tooManyRequests(admission.retryAfterSeconds)));
      return;
    }
    response.on('close', admission.release);
    const costRetryAfter = read ? deps.costs.refusal(startedAt) : undefined;
    if (costRetryAfter !== undefined) {
      send(response, toReply(SimHttpError.tooManyRequests(costRetryAfter)));
      return;
    }
    const body = await readBody(request);
    if (latencyMs > 0) await delay(latencyMs);
    const fault = deps.faults.next();
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    const reply = fault === undefined ? route(method, url, body) : toReply(fault.error);
    if (read && reply.status < 300) deps.costs.charge(Date.now(), costOf(reply));
    send(response, reply, url.searchParams.has('opt_pretty'));
  }

  function route(method: string, url: URL, body: string): Reply {
    try {
      const path = url.pathname.startsWith(`${API_BASE_PATH}/`) ? url.pathname.slice(API_BASE_PATH.length) : undefined;
      const found = path === undefined ? undefined : deps.router.match(method, path);
      if (path === undefined || found === undefined) throw SimHttpError.noRoute();
      return found.route.handle({
        params: found.params,
        query: url.searchParams,
        fields: OptFields.fromQuery(url.searchParams),
        data: method === 'GET' ? {} : readEnvelope(body),
        page: { path, query: url.searchParams, baseUrl: `${deps.origin}${API_BASE_PATH}` },
      });
    } catch (error) {
      return toReply(error);
    }
  }

  async function handleControlRequest(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (!authorized(request)) {
      send(response, toReply(SimHttpError.notAuthorized()));
      return;
    }
    const body = await readBody(request);
    try {
      send(response, handleControl(deps, request.method ?? 'GET', url.pathname, body));
    } catch (error) {
      send(response, toReply(error));
    }
  }

  return (request, response) => {
    // Concatenated rather than resolved, so a path such as //x stays a path instead of naming a host.
    const url = new URL(`${deps.origin}${request.url ?? '/'}`);
    const handled = url.pathname.startsWith(CONTROL_PREFIX)
      ? handleControlRequest(request, response, url)
      : handleApi(request, response, url);
    // Reading the body is the only thing that can fail here (the client went away); there is no one to answer.
    handled.catch(() => request.socket.destroy());
  };
}

function replyForError(error: unknown, phrase: () => string): Reply {
  // Anything but an Asana-shaped error is a bug in the simulator; it answers like Asana's 500 and says no more.
  const known = error instanceof SimHttpError ? error : SimHttpError.forStatus(500);
  return {
    status: known.status,
    body: errorBody(known.status, known.message, phrase),
    ...(known.retryAfterSeconds !== undefined && { headers: { 'retry-after': String(known.retryAfterSeconds) } }),
  };
}

/** The objects a GET answered: a list's length, or 1. */
function costOf(reply: Reply): number {
  const body = reply.body as { data?: unknown } | undefined;
  return Array.isArray(body?.data) ? Math.max(1, body.data.length) : 1;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
