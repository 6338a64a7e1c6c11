import type { FastifyRequest } from 'fastify';

/** What a request matched when no route did (a 404, or a request refused before routing). */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route pattern a request matched (`/scim/v2/Users/:id`), never its path or query string: logs and metric
 * labels must not carry ids, filters or the addresses inside them (issue 14: `userName eq "…"` lookups), and a
 * metric label must have a bounded set of values.
 */
export function routePattern(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}
