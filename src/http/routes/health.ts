import { ScimError } from '../../scim/errors.js';
import type { FastifyInstance } from 'fastify';

export interface HealthRoutesOptions {
  /** Resolves when the store answers; rejects otherwise. */
  readonly ready: () => Promise<void>;
}

/** Liveness (the process answers) and readiness (the mapping store is reachable), both without auth. */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request) => {
    try {
      await options.ready();
    } catch (error) {
      request.log.warn({ err: error }, 'mapping store not reachable');
      throw ScimError.unavailable('The mapping store is not reachable.');
    }
    return { status: 'ready' };
  });
}
