import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../../provisioning/readiness.js';

export interface HealthRoutesOptions {
  /** The last readiness check's result (checked at an interval, not per probe: see ReadinessMonitor). */
  readonly readiness: () => Readiness;
}

/**
 * Liveness (the process answers, nothing else: a liveness probe that depended on Asana would restart healthy
 * bridges during an Asana outage) and readiness (store reachable and Asana token accepted, with the reason),
 * both without auth.
 */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, store, asana, reason, checkedAt } = options.readiness();
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', reason, checks: { store, asana }, checkedAt });
  });
}
