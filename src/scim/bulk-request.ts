import { ScimError } from './errors.js';
import { findKeyIgnoringCase, isJsonObject } from './json-value.js';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation as the client sent it; checked one by one, so a bad one fails alone (RFC 7644 §3.7.3). */
export interface BulkOperation {
  readonly method: unknown;
  readonly bulkId: unknown;
  readonly version: unknown;
  readonly path: unknown;
  readonly data: unknown;
}

export interface BulkRequest {
  /** Errors to accept before the rest is skipped (RFC 7644 §3.7.3); undefined = all operations run. */
  readonly failOnErrors: number | undefined;
  readonly operations: readonly BulkOperation[];
}

/** What an operation targets, once its path is read: `/Users`, `/Groups/{id}` (ids may be `bulkId:…`). */
export interface BulkTarget {
  readonly resource: 'Users' | 'Groups';
  readonly id: string | undefined;
}

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
const BULK_ID_PREFIX = 'bulkId:';

/**
 * A BulkRequest message (RFC 7644 §3.7). The message itself must be well formed (else 400 invalidSyntax), and hold
 * at most `maxOperations` operations (else 413, RFC 7644 §3.7.4); each operation is checked when it runs.
 */
export function parseBulkRequest(body: unknown, maxOperations: number): BulkRequest {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('A bulk request body must be a JSON object (RFC 7644 §3.7).');
  const schemas = body[findKeyIgnoringCase(body, 'schemas') ?? 'schemas'];
  const urn = BULK_REQUEST_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn)) {
    throw ScimError.invalidSyntax(`A bulk request must list "${BULK_REQUEST_SCHEMA}" in "schemas".`);
  }
  const operations = body[findKeyIgnoringCase(body, 'Operations') ?? 'Operations'];
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('A bulk request needs an "Operations" array.');
  if (operations.length > maxOperations) {
    throw ScimError.payloadTooLarge(`The bulk request has ${operations.length} operations; maxOperations is ${maxOperations}.`);
  }
  const failOnErrors = body[findKeyIgnoringCase(body, 'failOnErrors') ?? 'failOnErrors'];
  if (failOnErrors !== undefined && !(Number.isInteger(failOnErrors) && (failOnErrors as number) > 0)) {
    throw ScimError.invalidSyntax('failOnErrors must be a positive integer (RFC 7644 §3.7).');
  }
  return {
    failOnErrors: failOnErrors as number | undefined,
    operations: operations.map((raw: unknown): BulkOperation => {
      const op = isJsonObject(raw) ? raw : {};
      const field = (name: string) => op[findKeyIgnoringCase(op, name) ?? name];
      return { method: field('method'), bulkId: field('bulkId'), version: field('version'), path: field('path'), data: field('data') };
    }),
  };
}

export function bulkMethodOf(op: BulkOperation): BulkMethod {
  const method = typeof op.method === 'string' ? op.method.toUpperCase() : '';
  const known = METHODS.find((m) => m === method);
  if (!known) throw ScimError.invalidValue('method must be POST, PUT, PATCH or DELETE (RFC 7644 §3.7).');
  if (known === 'POST' && (typeof op.bulkId !== 'string' || op.bulkId === '')) {
    throw ScimError.invalidValue('A POST operation needs a bulkId (RFC 7644 §3.7).');
  }
  if (op.version !== undefined && typeof op.version !== 'string') throw ScimError.invalidValue('version must be a string.');
  return known;
}

/** `/Users`, `/Groups/{id}`: POST names the collection, the other methods one resource. */
export function bulkTargetOf(op: BulkOperation, method: BulkMethod): BulkTarget {
  const match = typeof op.path === 'string' ? /^\/(users|groups)(?:\/([^/?#]+))?\/?$/i.exec(op.path) : null;
  if (!match) throw ScimError.invalidPath('path must be /Users, /Groups, /Users/{id} or /Groups/{id}.');
  const resource = match[1]?.toLowerCase() === 'users' ? 'Users' : 'Groups';
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  if ((method === 'POST') !== (id === undefined)) {
    throw ScimError.invalidPath(method === 'POST' ? 'A POST names /Users or /Groups.' : `A ${method} names one resource.`);
  }
  return { resource, id };
}

/**
 * RFC 7644 §3.7.2: `bulkId:<id>` anywhere in a path or in data stands for the resource an earlier POST of the same
 * request created. Operations run in order, so a reference to a later or failed one cannot be resolved: 409.
 */
export function resolveBulkIds<T>(value: T, created: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') {
    if (!value.startsWith(BULK_ID_PREFIX)) return value;
    const id = created.get(value.slice(BULK_ID_PREFIX.length));
    if (id === undefined) {
      throw new ScimError(409, `${value} names no resource created by an earlier operation of this request (RFC 7644 §3.7.2).`);
    }
    return id as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => resolveBulkIds(v, created)) as T;
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveBulkIds(v, created)])) as T;
  }
  return value;
}
