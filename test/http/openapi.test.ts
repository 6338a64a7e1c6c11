import { readFileSync } from 'node:fs';
import t from 'tap';
import { SCIM_PREFIXES } from '../../src/app.js';
import type { AttributeDefinition } from '../../src/scim/attribute.js';
import { groupResource, userResource, type ResourceSchema } from '../../src/scim/schemas.js';
import { startHarness, userBody, type RequestOptions } from '../helpers/harness.js';

/** The parts of OpenAPI 3.1 (and of JSON Schema) this test reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  contains?: Schema;
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  readOnly?: boolean;
}
interface Response {
  $ref?: string;
  headers?: Record<string, { $ref?: string; required?: boolean }>;
  content?: Record<string, { schema: Schema }>;
}
interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: Parameter[];
  responses?: Record<string, Response>;
}
interface Server {
  url: string;
  variables?: Record<string, { default: string }>;
}
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>> & { servers?: Server[]; parameters?: Parameter[] };
interface OpenApiDocument {
  openapi: string;
  info: { title?: unknown; version?: unknown };
  servers?: Server[];
  security?: unknown[];
  paths: Record<string, PathItem>;
}

const doc = JSON.parse(
  readFileSync(new URL('../../openapi/scim-bridge.openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A local JSON pointer (RFC 6901) into the document. */
function pointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  const keys = ref.slice(2).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  return keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);
}

function resolve<T extends { $ref?: string }>(node: T): T {
  let current = node;
  while (current.$ref !== undefined) current = pointer(current.$ref) as T;
  return current;
}

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

/** The base path a server URL stands for, with its variables at their defaults. */
function serverPath(server: Server): string {
  const url = server.url.replace(/\{(\w+)\}/g, (_match, name: string) => server.variables?.[name]?.default ?? '');
  return new URL(url, 'http://documented.invalid').pathname.replace(/\/$/, '');
}

interface DocumentedRoute {
  readonly method: string;
  /** Full path with the server's prefix, OpenAPI templating: /scim/v2/Users/{id}. */
  readonly path: string;
  readonly operation: Operation;
  readonly secured: boolean;
}

/** Each operation under each server that applies to it (path-level `servers` override the document's). */
const documented: DocumentedRoute[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  (item.servers ?? doc.servers ?? [{ url: '/' }]).flatMap((server) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      if (!operation) return [];
      const secured = (operation.security ?? doc.security ?? []).length > 0;
      return [{ method: method.toUpperCase(), path: serverPath(server) + template, operation, secured }];
    }),
  ),
);

/** A route as the router knows it: Fastify parameters, lower case (the app routes case-insensitively). */
const routeKey = (method: string, path: string) =>
  `${method} ${path.replace(/\{(\w+)\}/g, ':$1').toLowerCase()}`;

/**
 * Parses `printRoutes({ commonPrefix: false })`: one node a line, four columns of indent per level, each node's
 * path relative to its parent, its methods in parentheses. Lines the parser does not understand are returned too,
 * so a change of format fails the test instead of hiding routes.
 */
function parseRouteTree(tree: string): { routes: Set<string>; unparsed: string[] } {
  const routes = new Set<string>();
  const unparsed: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) {
      unparsed.push(line);
      continue;
    }
    const depth = (match[1] ?? '').length / 4;
    parents.length = depth;
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents.push(path);
    const methods = match[3]?.split(', ') ?? [];
    // Fastify adds a HEAD route to every GET route by itself (exposeHeadRoutes).
    for (const method of methods) if (method !== 'HEAD' || !methods.includes('GET')) routes.add(`${method} ${path}`);
  }
  return { routes, unparsed };
}

/** Required properties, types, enums and consts, recursively: what a client generated from the document relies on. */
function violations(raw: Schema, value: unknown, at: string): string[] {
  const schema = resolve(raw);
  const found = (schema.allOf ?? []).flatMap((part) => violations(part, value, at));
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const typeOf = (v: unknown) =>
    Array.isArray(v) ? 'array' : v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v;
  const fits = (type: string) => typeOf(value) === type || (type === 'number' && typeOf(value) === 'integer');
  if (types.length > 0 && !types.some(fits)) return [...found, `${at}: ${typeOf(value)} is not ${types.join('|')}`];
  if (schema.const !== undefined && value !== schema.const) found.push(`${at}: not ${String(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: ${String(value)} not in enum`);
  if (isObject(value)) {
    for (const name of schema.required ?? []) if (!(name in value)) found.push(`${at}.${name}: missing`);
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (name in value) found.push(...violations(sub, value[name], `${at}.${name}`));
    }
  }
  if (Array.isArray(value)) {
    const { items, contains } = schema;
    if (items) value.forEach((element, i) => found.push(...violations(items, element, `${at}[${i}]`)));
    if (contains && !value.some((element) => violations(contains, element, at).length === 0)) {
      found.push(`${at}: contains nothing that matches`);
    }
  }
  return found;
}

t.test('the document is well-formed OpenAPI 3.1', async (t) => {
  t.match(doc.openapi, /^3\.1\.\d+$/);
  t.type(doc.info.title, 'string');
  t.type(doc.info.version, 'string');
  t.ok(Object.keys(doc.paths).length > 0, 'paths');
  t.same(refsIn(doc).filter((ref) => pointer(ref) === undefined), [], 'every $ref resolves');
  const ids = documented.map((r) => r.operation.operationId);
  t.equal(new Set(ids).size, Object.values(doc.paths).flatMap((item) => METHODS.filter((m) => item[m])).length);
  for (const [template, item] of Object.entries(doc.paths)) {
    t.ok(METHODS.some((m) => item[m]), `${template} has an operation`);
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${template}`;
      t.type(operation.operationId, 'string', `${where} has an operationId`);
      const codes = Object.keys(operation.responses ?? {});
      t.ok(codes.length > 0 && codes.every((c) => /^(?:[1-5](?:\d\d|XX)|default)$/.test(c)), `${where} responses`);
      // OpenAPI 3.1 §4.8.12: every templated path parameter is declared, and required.
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map(resolve)
        .filter((p) => p.in === 'path' && p.required === true)
        .map((p) => p.name);
      for (const [, name] of template.matchAll(/\{(\w+)\}/g)) t.ok(declared.includes(name), `${where}: {${name}}`);
    }
  }
  const scimPaths = Object.entries(doc.paths).filter(([template]) => template !== '/healthz' && template !== '/readyz');
  for (const [template, item] of scimPaths) {
    t.same((item.servers ?? []).map(serverPath), SCIM_PREFIXES, `${template} is served under both SCIM prefixes`);
  }
  for (const route of documented) {
    if (route.secured) t.ok(route.operation.responses?.['401'], `${route.method} ${route.path} documents 401`);
  }
});

t.test('the document and the app serve the same routes', async (t) => {
  const h = await startHarness(t);
  const app = h.bridge.app;
  const { routes, unparsed } = parseRouteTree(app.printRoutes({ commonPrefix: false }));
  t.same(unparsed, [], 'printRoutes output is understood');
  const inDocument = new Set(documented.map((r) => routeKey(r.method, r.path)));
  t.same([...inDocument].filter((route) => !routes.has(route)), [], 'every documented route is registered');
  t.same([...routes].filter((route) => !inDocument.has(route)), [], 'every registered route is documented');
  for (const { method, path } of documented) {
    t.ok(app.hasRoute({ method, url: routeKey(method, path).split(' ')[1] ?? '' }), `hasRoute ${method} ${path}`);
  }
});

t.test('every operation asks for the bearer token exactly as documented', async (t) => {
  const h = await startHarness(t);
  for (const route of documented) {
    const path = route.path.replace(/\{\w+\}/g, 'no-such-id');
    const response = await h.request(route.method, path, { anonymous: true });
    t.equal(response.status, route.secured ? 401 : 200, `${route.method} ${path}`);
  }
});

/** RFC 7643 attribute definitions and the document's properties, reduced to what both must agree on. */
interface Shape {
  readonly readOnly: boolean;
  readonly multiValued: boolean;
  readonly subAttributes: Record<string, Shape> | undefined;
}
const definitionShapes = (definitions: readonly AttributeDefinition[]): Record<string, Shape> =>
  Object.fromEntries(
    definitions.map((d) => [
      d.name,
      {
        readOnly: d.mutability === 'readOnly',
        multiValued: d.multiValued,
        subAttributes: d.subAttributes ? definitionShapes(d.subAttributes) : undefined,
      },
    ]),
  );
const propertyShapes = (properties: Record<string, Schema>): Record<string, Shape> =>
  Object.fromEntries(
    Object.entries(properties).map(([name, raw]) => {
      const schema = resolve(raw);
      const single = schema.type === 'array' && schema.items ? resolve(schema.items) : schema;
      return [
        name,
        {
          readOnly: raw.readOnly === true || schema.readOnly === true,
          multiValued: schema.type === 'array',
          subAttributes: single.properties ? propertyShapes(single.properties) : undefined,
        },
      ];
    }),
  );

t.test('User and Group list the attributes of src/scim/schemas.ts', async (t) => {
  const cases: Array<[string, ResourceSchema]> = [
    ['UserAttributes', userResource],
    ['GroupAttributes', groupResource],
  ];
  for (const [name, resource] of cases) {
    const schema = resolve<Schema>({ $ref: `#/components/schemas/${name}` });
    const { schemas: _schemas, ...properties } = schema.properties ?? {};
    for (const extension of resource.extensions) {
      const documentedExtension = resolve(properties[extension.id] ?? {}).properties ?? {};
      t.same(propertyShapes(documentedExtension), definitionShapes(extension.attributes), extension.id);
      delete properties[extension.id];
    }
    t.same(propertyShapes(properties), definitionShapes([...resource.common, ...resource.core.attributes]), name);
  }
});

t.test('real responses carry what the document declares for them', async (t) => {
  const h = await startHarness(t);
  const user = (await h.request('POST', '/Users', { body: userBody('openapi@example.com') })).body;
  const members = [{ value: user.id }];
  const group = (await h.request('POST', '/Groups', { body: { displayName: 'OpenAPI', members } })).body;
  const patchOp = (op: string, path: string, value?: string) => ({
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op, path, value }] },
  });
  const tooLarge = JSON.stringify(userBody('big@example.com', { title: 'x'.repeat(1_100_000) }));
  const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "open"' };
  const cases: Array<[string, string, number, RequestOptions?]> = [
    ['GET', '/healthz', 200],
    ['GET', '/readyz', 200],
    ['GET', '/scim/v2/ServiceProviderConfig', 200],
    ['GET', '/api/1.0/scim/ResourceTypes', 200],
    ['GET', '/scim/v2/ResourceTypes/Group', 200],
    ['GET', '/api/1.0/scim/Schemas', 200],
    ['GET', `/scim/v2/Schemas/${userResource.core.id}`, 200],
    ['POST', '/scim/v2/Users', 201, { body: userBody('second@example.com') }],
    ['GET', '/scim/v2/Users?count=5', 200],
    ['POST', '/api/1.0/scim/Users/.search', 200, { body: search }],
    ['POST', '/scim/v2/.search', 200, { body: search }],
    ['GET', '/scim/v2/serviceConfiguration', 200],
    [
      'POST',
      '/scim/v2/Bulk',
      200,
      {
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'b', data: userBody('bulk@example.com') },
            { method: 'DELETE', path: '/Users/no-such-id' },
          ],
        },
      },
    ],
    ['GET', `/api/1.0/scim/Users/${user.id}`, 200],
    ['GET', `/scim/v2/Users/${user.id}`, 304, { headers: { 'if-none-match': user.meta.version } }],
    ['PATCH', `/scim/v2/Users/${user.id}`, 200, patchOp('replace', 'title', 'T')],
    ['PUT', `/scim/v2/Users/${user.id}`, 400, { body: { ...userBody('renamed@example.com'), schemas: [groupResource.core.id] } }],
    ['PUT', `/scim/v2/Users/${user.id}`, 412, { body: userBody(user.userName), headers: { 'if-match': 'W/"9"' } }],
    ['POST', '/scim/v2/Users', 409, { body: userBody(user.userName) }],
    ['POST', '/scim/v2/Users', 415, { raw: '{}', headers: { 'content-type': 'text/plain' } }],
    ['POST', '/scim/v2/Users', 413, { raw: tooLarge, headers: { 'content-type': 'application/scim+json' } }],
    ['GET', '/scim/v2/Users?filter=nothing eq 1', 400],
    ['GET', '/scim/v2/Users/no-such-id', 404],
    ['GET', '/api/1.0/scim/Users', 401, { anonymous: true }],
    ['GET', '/scim/v2/Groups', 200],
    ['GET', `/api/1.0/scim/Groups/${group.id}`, 200],
    ['PATCH', `/scim/v2/Groups/${group.id}`, 204, patchOp('replace', 'displayName', 'O')],
    ['PATCH', `/scim/v2/Groups/${group.id}?excludedAttributes=members`, 200, patchOp('remove', 'members')],
    ['DELETE', `/scim/v2/Groups/${group.id}`, 204],
    ['DELETE', `/api/1.0/scim/Users/${user.id}`, 204],
  ];
  for (const [method, url, status, options] of cases) {
    t.test(`${method} ${url} → ${status}`, async (t) => {
      const path = url.split('?', 1)[0] ?? '';
      const route = documented.find((r) => {
        const pattern = new RegExp(`^${r.path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`, 'i');
        return r.method === method && pattern.test(path);
      });
      const response = await h.request(method, url, options);
      t.equal(response.status, status);
      const declared = route?.operation.responses?.[String(status)];
      if (!declared) return t.fail(`${method} ${url} does not document ${status}`);
      const { content, headers } = resolve(declared);
      for (const [name, header] of Object.entries(headers ?? {})) {
        if (resolve(header).required) t.ok(response.headers.get(name), `header ${name}`);
      }
      if (!content) return t.equal(response.text, '', 'no body');
      const mediaType = response.headers.get('content-type')?.split(';', 1)[0]?.trim() ?? '';
      const schema = content[mediaType]?.schema;
      if (!schema) return t.fail(`${mediaType} is not documented`);
      t.same(violations(schema, response.body, 'body'), []);
    });
  }
});
