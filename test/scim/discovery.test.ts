import t from 'tap';
import type { AttributeDefinition, SchemaDefinition } from '../../src/scim/attribute.js';
import {
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  resourceTypes,
  schemaDocuments,
  serviceProviderConfig,
  type AttributeDocument,
} from '../../src/scim/discovery.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  enterpriseUserSchema,
  groupResource,
  userResource,
} from '../../src/scim/schemas.js';

const baseUrl = 'https://bridge.example/scim/v2';

/** Every value anywhere in a JSON document (Entra: "If a value isn't present, don't send null values"). */
function allValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return [value, ...value.flatMap(allValues)];
  if (typeof value === 'object' && value !== null) return [value, ...Object.values(value).flatMap(allValues)];
  return [value];
}

t.test('serviceProviderConfig (RFC 7643 §5)', async (t) => {
  const config = serviceProviderConfig({ baseUrl, maxResults: 200, bulk: { maxOperations: 100, maxPayloadSize: 1024 } });
  t.same(config.schemas, [SERVICE_PROVIDER_CONFIG_SCHEMA]);
  const features: [string, unknown, unknown][] = [
    ['patch', config.patch, { supported: true }],
    ['bulk', config.bulk, { supported: true, maxOperations: 100, maxPayloadSize: 1024 }],
    ['filter', config.filter, { supported: true, maxResults: 200 }],
    ['changePassword', config.changePassword, { supported: false }],
    ['sort', config.sort, { supported: true }],
    ['etag', config.etag, { supported: true }],
    ['meta', config.meta, { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` }],
  ];
  for (const [name, got, expected] of features) t.same(got, expected, name);
  t.equal(config.authenticationSchemes.length, 1, 'one authentication scheme');
  t.match(config.authenticationSchemes[0], {
    type: 'oauthbearertoken',
    name: String,
    description: String,
    primary: true,
  });
  t.notOk('documentationUri' in config, 'no documentationUri unless configured');
  t.notOk(allValues(config).includes(null), 'no null values');
  t.same(JSON.parse(JSON.stringify(config)), config, 'plain JSON');
});

t.test('serviceProviderConfig with a documentation URI', async (t) => {
  const documentationUri = 'https://bridge.example/docs';
  const config = serviceProviderConfig({
    baseUrl: `${baseUrl}/`,
    maxResults: 50,
    bulk: { maxOperations: 1, maxPayloadSize: 1 },
    documentationUri,
  });
  t.equal(config.documentationUri, documentationUri);
  t.equal(config.authenticationSchemes[0]?.documentationUri, documentationUri);
  t.equal(config.meta.location, `${baseUrl}/ServiceProviderConfig`, 'a trailing slash in baseUrl is not doubled');
});

t.test('resourceTypes (RFC 7643 §6)', async (t) => {
  const types = resourceTypes({ baseUrl });
  // Microsoft's collection checks Resources[0].endpoint === "/Users".
  t.same(
    types.map((rt) => rt.endpoint),
    ['/Users', '/Groups'],
  );
  for (const [i, resource] of [userResource, groupResource].entries()) {
    t.same(
      types[i],
      {
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: resource.name,
        name: resource.name,
        description: resource.core.description,
        endpoint: resource.endpoint,
        schema: resource.core.id,
        schemaExtensions: resource.extensions.map((e) => ({ schema: e.id, required: false })),
        meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${resource.name}` },
      },
      resource.name,
    );
  }
  t.match(
    types[0]?.schemaExtensions,
    [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    'User carries the enterprise extension, not required',
  );
});

const CHARACTERISTICS = [
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
] as const;
const RFC_VALUES: Record<string, readonly unknown[]> = {
  type: ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'],
  mutability: ['readOnly', 'readWrite', 'immutable', 'writeOnly'],
  returned: ['always', 'never', 'default', 'request'],
  uniqueness: ['none', 'server', 'global'],
};

/** What is wrong with one attribute document, per RFC 7643 §7 and the definition it was generated from. */
function attributeProblems(doc: AttributeDocument, def: AttributeDefinition | undefined, path: string): string[] {
  if (def === undefined) return [`${path}: no such definition`];
  const problems: string[] = [];
  for (const key of CHARACTERISTICS) {
    if (!(key in doc)) problems.push(`${path}: no ${key}`);
    else if (doc[key] !== def[key]) problems.push(`${path}: ${key} differs from the definition`);
  }
  for (const [key, allowed] of Object.entries(RFC_VALUES)) {
    if (!allowed.includes(doc[key as keyof AttributeDocument])) problems.push(`${path}: ${key} not an RFC value`);
  }
  if (JSON.stringify(doc.canonicalValues) !== JSON.stringify(def.canonicalValues)) {
    problems.push(`${path}: canonicalValues differ`);
  }
  if (JSON.stringify(doc.referenceTypes) !== JSON.stringify(def.referenceTypes)) {
    problems.push(`${path}: referenceTypes differ`);
  }
  if ((doc.type === 'reference') !== (doc.referenceTypes !== undefined)) {
    problems.push(`${path}: referenceTypes belong exactly on references`);
  }
  if ((doc.type === 'complex') !== (doc.subAttributes !== undefined)) {
    problems.push(`${path}: subAttributes belong exactly on complex attributes`);
  }
  if (doc.subAttributes?.length !== def.subAttributes?.length) problems.push(`${path}: sub-attributes missing`);
  for (const [i, sub] of (doc.subAttributes ?? []).entries()) {
    problems.push(...attributeProblems(sub, def.subAttributes?.[i], `${path}.${sub.name}`));
  }
  return problems;
}

t.test('schemaDocuments (RFC 7643 §7)', async (t) => {
  const docs = schemaDocuments({ baseUrl });
  const definitions: SchemaDefinition[] = [];
  for (const resource of [userResource, groupResource]) {
    for (const schema of [resource.core, ...resource.extensions]) {
      if (!definitions.includes(schema)) definitions.push(schema);
    }
  }
  t.same(
    docs.map((d) => d.id),
    definitions.map((d) => d.id),
    'every core and extension schema, each once',
  );
  t.match(
    docs.map((d) => d.id),
    [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    'User first, then its enterprise extension',
  );
  t.ok(
    docs.some((d) => d.id === GROUP_SCHEMA),
    'the Group schema is listed (Entra fails every group test without it)',
  );
  for (const [i, doc] of docs.entries()) {
    const def = definitions[i];
    if (def === undefined) continue;
    t.test(doc.name, async (t) => {
      t.same(doc.schemas, [SCHEMA_SCHEMA]);
      t.same(
        { id: doc.id, name: doc.name, description: doc.description },
        { id: def.id, name: def.name, description: def.description },
      );
      t.same(doc.meta, { resourceType: 'Schema', location: `${baseUrl}/Schemas/${def.id}` });
      t.same(
        doc.attributes.map((a) => a.name),
        def.attributes.map((a) => a.name),
        'every supported attribute, in definition order',
      );
      t.same(
        doc.attributes.flatMap((a, j) => attributeProblems(a, def.attributes[j], a.name)),
        [],
        'each attribute has every characteristic, as defined',
      );
      const names = doc.attributes.map((a) => a.name);
      for (const common of ['id', 'externalId', 'meta']) {
        t.notOk(names.includes(common), `${common} is not part of the schema (RFC 7643 §3.1)`);
      }
      t.notOk(allValues(doc).includes(null), 'no null values');
    });
  }
});

t.test('required attributes and the enterprise extension', async (t) => {
  const docs = schemaDocuments({ baseUrl });
  const required = (id: string): string[] =>
    docs
      .find((d) => d.id === id)
      ?.attributes.filter((a) => a.required)
      .map((a) => a.name) ?? [];
  t.same(required(USER_SCHEMA), ['userName'], 'User requires userName');
  t.same(required(GROUP_SCHEMA), ['displayName'], 'Group requires displayName');
  t.same(required(ENTERPRISE_USER_SCHEMA), [], 'no enterprise attribute is required');
  const enterprise = docs.find((d) => d.id === ENTERPRISE_USER_SCHEMA);
  t.same(
    enterprise?.attributes.map((a) => a.name),
    enterpriseUserSchema.attributes.map((a) => a.name),
    'the enterprise attributes the bridge keeps',
  );
  t.same(
    enterprise?.attributes.find((a) => a.name === 'manager')?.subAttributes?.map((s) => s.name),
    ['value', '$ref', 'displayName'],
    'manager sub-attributes (RFC 7643 §4.3)',
  );
});
