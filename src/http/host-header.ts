import type { FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { hasOwnToken, isProbe } from './auth.js';

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

/**
 * With PUBLIC_BASE_URL and without TRUST_PROXY, a request must be addressed to the public host: the bridge
 * answers for that name only (RFC 9110 §15.5.20, 421 Misdirected Request), so a forged Host cannot make it
 * advertise another origin. Probes and /metrics are exempt: orchestrators and scrapers address the pod directly,
 * and neither they nor the admin page advertise a location.
 */
export function requirePublicHost(publicBaseUrl: string) {
  const url = new URL(publicBaseUrl);
  const expected = url.host.toLowerCase();
  // RFC 9110 §4.2: the scheme's default port may be spelt out or left off.
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  return async function checkHost(request: FastifyRequest): Promise<void> {
    if (isProbe(request.url) || hasOwnToken(request.url)) return;
    const host = (request.headers.host ?? '').toLowerCase();
    if (host !== expected && host !== `${expected}${defaultPort}`) {
      throw new ScimError(421, `This server answers for ${expected} only.`);
    }
  };
}
