import type { FastifyInstance } from 'fastify';
import type { BridgeMetrics } from '../../metrics.js';
import type { OperationsOverview } from '../../provisioning/operations-overview.js';
import { requireBearer } from '../auth.js';

export interface MetricsRoutesOptions {
  readonly token: string;
  readonly metrics: BridgeMetrics;
  readonly overview: OperationsOverview;
}

/** Prometheus exposition at GET /metrics behind METRICS_TOKEN (registered only when it is set). */
export async function metricsRoutes(app: FastifyInstance, options: MetricsRoutesOptions): Promise<void> {
  const { metrics, overview } = options;
  app.addHook('onRequest', requireBearer(options.token, 'scim-bridge metrics'));
  app.get('/metrics', async (_request, reply) => {
    metrics.setState(await overview.figures());
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
