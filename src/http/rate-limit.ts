import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { isProbe } from './auth.js';

const MINUTE_MS = 60_000;

export interface RequestRateLimitOptions {
  /** Requests each bearer token may make per minute, sustained; also the largest burst. */
  readonly perMinute: number;
  /** Milliseconds on a monotonic clock. */
  readonly now?: () => number;
}

/**
 * A per-token request rate limit (a Fastify onRequest hook, registered after bearerAuth), so a misbehaving IdP
 * cannot flood the bridge and, through its writes, queue up more Asana work than Asana's quota can drain.
 * A token bucket per client that holds up to `perMinute` requests and refills continuously at `perMinute` per
 * minute, kept as one number: GCRA's theoretical arrival time, the moment the bucket would be full again.
 * Over the limit: 429 with an integer `Retry-After` (RFC 6585 §4; Okta waits that long, idp-behaviour.md §1.1)
 * and a SCIM error body. Only valid tokens get here, so there is at most one entry per configured token.
 */
export function requestRateLimit(options: RequestRateLimitOptions) {
  const fullAt = new Map<string, number>();
  const now = options.now ?? (() => performance.now());
  const interval = MINUTE_MS / options.perMinute;
  // How far ahead of now the full-again time may run: a full bucket lets perMinute requests through at once.
  const tolerance = MINUTE_MS - interval;
  return async function limitRate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Probes are exempt: an orchestrator polling them must never be throttled into restarting the bridge.
    if (isProbe(request.url)) return;
    // bearerAuth ran first and left the token's digest: one hash per request, and the token is never kept.
    const key = request.tokenDigest;
    const at = now();
    const full = Math.max(fullAt.get(key) ?? at, at);
    if (full - at <= tolerance) {
      fullAt.set(key, full + interval);
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((full - tolerance - at) / 1000));
    void reply.header('retry-after', String(retryAfterSeconds));
    request.log.warn({ client: key.slice(0, 12), retryAfterSeconds }, 'request rate limit reached');
    throw ScimError.tooManyRequests(`Too many requests for this token; retry after ${retryAfterSeconds} s.`);
  };
}
