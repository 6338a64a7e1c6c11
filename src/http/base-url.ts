import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_BASE_URL without a trailing slash, or null: then the request says where the client is. */
    publicBaseUrl: string | null;
  }
}

/**
 * The authority the client addressed: its Host header (or X-Forwarded-Host with TRUST_PROXY, which Fastify's
 * `trustProxy` resolves), or, for an HTTP/1.0 request without one (RFC 9112 §3.2 requires Host of HTTP/1.1 only;
 * load balancers' health checks often omit it), the address it connected to.
 */
function authorityOf(request: FastifyRequest): string {
  if (request.host) return request.host;
  const { localAddress = '', localPort } = request.socket;
  return `${localAddress.includes(':') ? `[${localAddress}]` : localAddress}:${localPort}`;
}

/**
 * The SCIM base URL the client used (for meta.location, Location and $ref), under whichever prefix it called:
 * PUBLIC_BASE_URL when set, else the scheme and authority of the request.
 */
export function baseUrlOf(request: FastifyRequest, basePath: string): string {
  const root = request.server.publicBaseUrl ?? `${request.protocol}://${authorityOf(request)}`;
  return `${root}${basePath}`;
}
