import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { isProbe } from './auth.js';

const MINUTE_MS = 60_000;

export interface RequestRateLimitOptions {
  /** Reads (GET, HEAD, and POST …/.search) each bearer token may make per minute, sustained; also the burst. */
  readonly readsPerMinute: number;
  /** Writes (every other request) each bearer token may make per minute, sustained; also the burst. */
  readonly writesPerMinute: number;
  /** Milliseconds on a monotonic clock. */
  readonly now?: () => number;
}

/** RFC 7644 §3.4.3: a search sent as POST reads like a GET. */
function isRead(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  return request.method === 'POST' && /\/\.search\/?(\?|$)/.test(request.url);
}

/**
 * A per-token request rate limit (a Fastify onRequest hook, registered after bearerAuth), so a misbehaving IdP
 * cannot flood the bridge and, through its writes, queue up more Asana work than Asana's quota can drain. Reads
 * and writes have budgets of their own: reads cost Asana nothing, and an IdP's paced traffic (Entra: at least
 * 25 requests/s per tenant, bursts above it) must never see a 429, which Entra counts towards quarantine
 * (docs/idps.md). Each budget is a token bucket per client that holds up to its per-minute figure and refills
 * continuously at that rate, kept as one number: GCRA's theoretical arrival time, the moment the bucket would be
 * full again. Over the limit: 429 with an integer `Retry-After` (RFC 6585 §4; Okta waits that long,
 * idp-behaviour.md §1.1) and a SCIM error body. Only valid tokens get here, so there are at most two entries per
 * configured token.
 */
export function requestRateLimit(options: RequestRateLimitOptions) {
  const reads = gcra(options.readsPerMinute);
  const writes = gcra(options.writesPerMinute);
  const now = options.now ?? (() => performance.now());
  // Synchronous, like bearerAuth (see there).
  return function limitRate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    // Probes are exempt: an orchestrator polling them must never be throttled into restarting the bridge.
    if (isProbe(request.url)) return done();
    const read = isRead(request);
    // bearerAuth ran first and left the token's digest: one hash per request, and the token is never kept.
    const retryAfterSeconds = (read ? reads : writes)(request.tokenDigest, now());
    if (retryAfterSeconds === 0) return done();
    void reply.header('retry-after', String(retryAfterSeconds));
    request.log.warn(
      { client: request.tokenDigest.slice(0, 12), kind: read ? 'read' : 'write', retryAfterSeconds },
      'request rate limit reached',
    );
    throw ScimError.tooManyRequests(`Too many ${read ? 'reads' : 'writes'} for this token; retry after ${retryAfterSeconds} s.`);
  };
}

/** One budget: takes a request for `key` at `at`, answering 0, or the whole seconds until one is allowed. */
function gcra(perMinute: number): (key: string, at: number) => number {
  const fullAt = new Map<string, number>();
  const interval = MINUTE_MS / perMinute;
  // How far ahead of now the full-again time may run: a full bucket lets perMinute requests through at once.
  const tolerance = MINUTE_MS - interval;
  return (key, at) => {
    const full = Math.max(fullAt.get(key) ?? at, at);
    if (full - at <= tolerance) {
      fullAt.set(key, full + interval);
      return 0;
    }
    return Math.max(1, Math.ceil((full - tolerance - at) / 1000));
  };
}
