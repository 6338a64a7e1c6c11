import type { FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';

/**
 * RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header. Node does so itself with an
 * empty body; the bridge turns that check off (`requireHostHeader: false`) and makes it here, so the 400 carries a
 * SCIM error body like every other answer (RFC 7644 §3.12). HTTP/1.0 has no Host requirement.
 */
export async function requireHostHeader(request: FastifyRequest): Promise<void> {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    throw ScimError.badRequest('An HTTP/1.1 request must carry a Host header (RFC 9112 §3.2).');
  }
}
