import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';

/** Routes that answer without a token: liveness and readiness probes carry no directory data. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz']);

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer authentication (RFC 6750) on every route but the probes. Tokens are compared as SHA-256 digests with
 * timingSafeEqual, so neither a token's content nor its length leaks through timing; every configured token is
 * compared (several may be valid at once during rotation).
 */
export function bearerAuth(tokens: readonly string[]) {
  const expected = tokens.map(digest);
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = request.url.split('?', 1)[0] ?? '';
    if (PUBLIC_PATHS.has(path)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const presented = digest(match?.[1] ?? '');
    let valid = false;
    for (const token of expected) valid = timingSafeEqual(token, presented) || valid;
    if (!valid || !match) {
      void reply.header('www-authenticate', 'Bearer realm="scim-bridge"');
      throw ScimError.unauthorized();
    }
  };
}
