import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { hasOwnToken, isProbe } from './auth.js';

/**
 * A character that cannot appear in `host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2: unreserved, pct-encoded,
 * sub-delims, and the brackets and colons of an IP literal). One character class, searched once: linear.
 */
const NOT_IN_AUTHORITY = /[^A-Za-z0-9\-._~%!$&'()*+,;=:[\]]/;

/**
 * RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header, or with an invalid one.
 * Node does the first itself with an empty body; the bridge turns that check off (`requireHostHeader: false`) and
 * makes both here, so the 400 carries a SCIM error body like every other answer (RFC 7644 §3.12). The Host header
 * becomes the base URL of meta.location and $ref (base-url.ts), so a path or spaces must not get in.
 * HTTP/1.0 has no Host requirement.
 */
export function requireHostHeader(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const host = request.headers.host;
  if (request.raw.httpVersion === '1.1' && host === undefined) {
    throw ScimError.badRequest('An HTTP/1.1 request must carry a Host header (RFC 9112 §3.2).');
  }
  if (host !== undefined && NOT_IN_AUTHORITY.test(host)) {
    throw ScimError.badRequest('The Host header must be a host name or address with an optional port (RFC 9110 §7.2).');
  }
  done();
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
  return function checkHost(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (isProbe(request.url) || hasOwnToken(request.url)) return done();
    const host = (request.headers.host ?? '').toLowerCase();
    if (host !== expected && host !== `${expected}${defaultPort}`) {
      throw new ScimError(421, `This server answers for ${expected} only.`);
    }
    done();
  };
}
