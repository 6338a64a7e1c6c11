import type { FastifyRequest } from 'fastify';

/** The SCIM base URL the client used (for meta.location and $ref), under whichever prefix it called. */
export function baseUrlOf(request: FastifyRequest, basePath: string): string {
  return `${request.protocol}://${request.host}${basePath}`;
}
