import type { FastifyInstance } from 'fastify';
import { resourceTypes, schemaDocuments, serviceProviderConfig } from '../../scim/discovery.js';
import { ScimError } from '../../scim/errors.js';
import { listResponse } from '../../scim/list.js';
import { baseUrlOf } from '../base-url.js';

export interface DiscoveryRoutesOptions {
  readonly basePath: string;
  readonly maxResults: number;
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
}

/** RFC 7644 §4: service provider configuration endpoints, generated from the schema definitions. */
export async function discoveryRoutes(app: FastifyInstance, options: DiscoveryRoutesOptions): Promise<void> {
  const base = (request: Parameters<typeof baseUrlOf>[0]) => baseUrlOf(request, options.basePath);

  const config = async (request: Parameters<typeof baseUrlOf>[0]) =>
    serviceProviderConfig({ baseUrl: base(request), maxResults: options.maxResults, bulk: { ...options.bulk } });
  app.get('/ServiceProviderConfig', config);
  // The same document where Microsoft's SCIMReferenceCode serves it, and its collection reads it (compatibility.md).
  app.get('/serviceConfiguration', config);

  app.get('/ResourceTypes', async (request) => {
    const all = resourceTypes({ baseUrl: base(request) });
    return listResponse(all, all.length, 1);
  });
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', async (request) => {
    const found = resourceTypes({ baseUrl: base(request) }).find(
      (r) => r.id.toLowerCase() === request.params.name.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`ResourceType ${request.params.name} not found`);
    return found;
  });

  app.get('/Schemas', async (request) => {
    const all = schemaDocuments({ baseUrl: base(request) });
    return listResponse(all, all.length, 1);
  });
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request) => {
    const found = schemaDocuments({ baseUrl: base(request) }).find(
      (s) => s.id.toLowerCase() === request.params.id.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`Schema ${request.params.id} not found`);
    return found;
  });
}
