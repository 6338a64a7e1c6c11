import type { AttributeDefinition, SchemaDefinition } from './attribute.js';
import { groupResource, userResource, type ResourceSchema } from './schemas.js';
import { withoutTrailingSlashes } from './trailing-slashes.js';

/** Discovery schema URNs, RFC 7643 §8.7.2 and §10.2. */
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** The resource types the bridge serves, in the order /ResourceTypes lists them. */
const RESOURCES: readonly ResourceSchema[] = [userResource, groupResource];

interface DiscoveryMeta {
  resourceType: 'ServiceProviderConfig' | 'ResourceType' | 'Schema';
  location: string;
}

export interface ServiceProviderConfigDocument {
  schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  documentationUri?: string;
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  authenticationSchemes: {
    type: string;
    name: string;
    description: string;
    specUri: string;
    documentationUri?: string;
    primary: boolean;
  }[];
  meta: DiscoveryMeta;
}

export interface ResourceTypeDocument {
  schemas: [typeof RESOURCE_TYPE_SCHEMA];
  id: string;
  name: string;
  description: string;
  endpoint: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
  meta: DiscoveryMeta;
}

/** An attribute as RFC 7643 §7 describes it; optional keys appear only when the definition has them. */
export interface AttributeDocument {
  name: string;
  type: string;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDocument[];
}

export interface SchemaDocument {
  schemas: [typeof SCHEMA_SCHEMA];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDocument[];
  meta: DiscoveryMeta;
}

/** A trailing slash in the configured base URL must not produce `…/v2//Schemas`. */
function join(baseUrl: string, ...segments: string[]): string {
  return [withoutTrailingSlashes(baseUrl), ...segments].join('/');
}

/**
 * RFC 7643 §5. Everything here states what the bridge implements: PATCH, bulk, filtering, sorting and ETags
 * (meta.version) yes; password changes no (Asana users have no SCIM-settable password).
 */
export function serviceProviderConfig(opts: {
  baseUrl: string;
  maxResults: number;
  bulk: { maxOperations: number; maxPayloadSize: number };
  documentationUri?: string;
}): ServiceProviderConfigDocument {
  const documentation = opts.documentationUri === undefined ? {} : { documentationUri: opts.documentationUri };
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...documentation,
    patch: { supported: true },
    bulk: { supported: true, ...opts.bulk },
    filter: { supported: true, maxResults: opts.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A bearer token in the Authorization header (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        ...documentation,
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: join(opts.baseUrl, 'ServiceProviderConfig') },
  };
}

/**
 * RFC 7643 §6, one per resource type in schemas.ts. Extensions are optional on every resource (RFC 7643 §3.3:
 * `required` says whether a resource must carry the extension).
 */
export function resourceTypes(opts: { baseUrl: string }): ResourceTypeDocument[] {
  return RESOURCES.map((resource) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resource.name,
    name: resource.name,
    description: resource.core.description,
    endpoint: resource.endpoint,
    schema: resource.core.id,
    schemaExtensions: resource.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: { resourceType: 'ResourceType', location: join(opts.baseUrl, 'ResourceTypes', resource.name) },
  }));
}

/** RFC 7643 §7: every characteristic, with canonicalValues, referenceTypes and subAttributes only when defined. */
function attributeDocument(definition: AttributeDefinition): AttributeDocument {
  return {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
    ...(definition.canonicalValues ? { canonicalValues: [...definition.canonicalValues] } : {}),
    ...(definition.referenceTypes ? { referenceTypes: [...definition.referenceTypes] } : {}),
    ...(definition.subAttributes ? { subAttributes: definition.subAttributes.map(attributeDocument) } : {}),
  };
}

/**
 * RFC 7643 §7: the core and extension schemas of every resource type, each once. The common attributes (id,
 * externalId, meta) are not listed: RFC 7643 §3.1 says they are not part of any schema.
 */
export function schemaDocuments(opts: { baseUrl: string }): SchemaDocument[] {
  const schemas = new Map<string, SchemaDefinition>();
  for (const resource of RESOURCES) {
    for (const schema of [resource.core, ...resource.extensions]) schemas.set(schema.id, schema);
  }
  return Array.from(schemas.values(), (schema) => ({
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: join(opts.baseUrl, 'Schemas', schema.id) },
  }));
}
