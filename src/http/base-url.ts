import type { FastifyRequest } from 'fastify';

/**
 * The authority the client addressed: its Host header, or, for an HTTP/1.0 request without one (RFC 9112 §3.2
 * requires Host of HTTP/1.1 only; load balancers' health checks often omit it), the address it connected to.
 */
function authorityOf(request: FastifyRequest): string {
  if (request.host) return request.host;
  const { localAddress = '', localPort } = request.socket;
  return `${localAddress.includes(':') ? `[${localAddress}]` : localAddress}:${localPort}`;
}

/** The SCIM base URL the client used (for meta.location and $ref), under whichever prefix it called. */
export function baseUrlOf(request: FastifyRequest, basePath: string): string {
  return `${request.protocol}://${authorityOf(request)}${basePath}`;
}
