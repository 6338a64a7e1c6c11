import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { withoutTrailingSlashes } from '../scim/trailing-slashes.js';

/** Routes that answer without a token: liveness and readiness probes carry no directory data. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * True for the probes, matched as the router matches them (case-insensitive, trailing slash ignored: see
 * app.ts routerOptions), so no spelling of a probe's path is served without the check deciding it.
 */
export function isProbe(url: string): boolean {
  const path = withoutTrailingSlashes((url.split('?', 1)[0] ?? '').toLowerCase());
  return PROBE_PATHS.has(path);
}

/**
 * Operator endpoints answer to their own token (METRICS_TOKEN, ADMIN_TOKEN), never to an IdP's SCIM token:
 * a Prometheus scraper or an admin's browser cannot change the directory, and an IdP cannot read the audit trail.
 */
export function hasOwnToken(url: string): boolean {
  const path = withoutTrailingSlashes((url.split('?', 1)[0] ?? '').toLowerCase());
  return path === '/metrics' || path === '/admin' || path.startsWith('/admin/');
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is case-insensitive). */
function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

declare module 'fastify' {
  interface FastifyRequest {
    /** Hex SHA-256 of the request's valid bearer token, set by bearerAuth: a client key that is not the token. */
    tokenDigest: string;
  }
}

/**
 * Bearer authentication (RFC 6750) on every route but the probes. Tokens are compared as SHA-256 digests with
 * timingSafeEqual, so neither a token's content nor its length leaks through timing; every configured token is
 * compared (several may be valid at once during rotation). Like every hook that runs on each request, it is
 * synchronous (Fastify's `done` style): an async hook costs a promise and a microtask turn per request
 * (docs/benchmarks.md, "Reads at scale"); what it throws, Fastify answers as an error.
 */
export function bearerAuth(tokens: readonly string[]) {
  const expected = tokens.map(digest);
  return function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (!isProbe(request.url) && !hasOwnToken(request.url)) {
      const token = bearerToken(request.headers.authorization);
      const presented = digest(token ?? '');
      let valid = false;
      for (const candidate of expected) valid = timingSafeEqual(candidate, presented) || valid;
      if (!valid || token === undefined) {
        void reply.header('www-authenticate', 'Bearer realm="scim-bridge"');
        throw ScimError.unauthorized();
      }
      request.tokenDigest = presented.toString('hex');
    }
    done();
  };
}

/** An onRequest hook admitting only `Authorization: Bearer <token>` (compared as digests, in constant time). */
export function requireBearer(token: string, realm: string) {
  const expected = digest(token);
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined || !timingSafeEqual(expected, digest(presented))) {
      void reply.header('www-authenticate', `Bearer realm="${realm}"`);
      throw ScimError.unauthorized();
    }
  };
}
