import type { FastifyInstance } from 'fastify';
import { runBulk, type BulkServices } from '../../provisioning/bulk.js';
import { BULK_RESPONSE_SCHEMA, parseBulkRequest } from '../../scim/bulk-request.js';
import { baseUrlOf } from '../base-url.js';

export interface BulkRoutesOptions extends BulkServices {
  readonly basePath: string;
  /** ServiceProviderConfig `bulk.maxOperations`; `bulk.maxPayloadSize` is the body limit Fastify enforces (413). */
  readonly maxOperations: number;
}

/** RFC 7644 §3.7: POST /Bulk answers 200 with a BulkResponse listing each operation's outcome. */
export async function bulkRoutes(app: FastifyInstance, options: BulkRoutesOptions): Promise<void> {
  app.post('/Bulk', async (request) => {
    const bulk = parseBulkRequest(request.body, options.maxOperations);
    const results = await runBulk(bulk, options, baseUrlOf(request, options.basePath));
    return { schemas: [BULK_RESPONSE_SCHEMA], Operations: results };
  });
}
