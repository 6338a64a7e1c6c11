import { ScimError } from './errors.js';
import { assertAttributeNameCount } from './input-limits.js';
import { LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA } from './schemas.js';

/** A list request, from a GET query (RFC 7644 §3.4.2) or a POST /.search body (§3.4.3). */
export interface ListQuery {
  filter?: string;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  /** Unresolved: the caller resolves it against the resource's schemas (resolveAttributePath). */
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
  attributes?: string[];
  excludedAttributes?: string[];
}

export interface ListQueryOptions {
  /** The page size when the client gives no `count`. */
  readonly defaultCount: number;
  /** ServiceProviderConfig `filter.maxResults`. */
  readonly maxCount: number;
}

/** The raw parameters, before typing; each field holds whatever the client sent. */
interface RawListParameters {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

const PARAMETER_NAMES = [
  'filter',
  'startIndex',
  'count',
  'sortBy',
  'sortOrder',
  'attributes',
  'excludedAttributes',
] as const satisfies readonly (keyof RawListParameters)[];

/**
 * Picks the known parameters out of a query or body object, matching names case-insensitively (RFC 7643 §2.1
 * for body attributes; tolerated in query strings too). Unknown names are ignored: Entra's tenant URL may carry
 * `aadOptscim062020` (test/idp/entra/test-connection.json). A name given twice, in two spellings, is
 * ambiguous and rejected.
 */
function pickParameters(source: Record<string, unknown>): RawListParameters {
  const raw: RawListParameters = {};
  for (const [key, value] of Object.entries(source)) {
    const name = PARAMETER_NAMES.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name === undefined) continue;
    if (raw[name] !== undefined) throw ScimError.invalidValue(`The parameter "${name}" is given more than once.`);
    raw[name] = value;
  }
  return raw;
}

/** A query-string value: one string (an empty one counts as absent); repeated parameters are ambiguous. */
function queryString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw ScimError.invalidValue(`The parameter "${name}" must be given once.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  throw ScimError.invalidValue(`The parameter "${name}" must be an integer.`);
}

function parseSortOrder(value: string | undefined): 'ascending' | 'descending' {
  if (value === undefined) return 'ascending';
  const lower = value.toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw ScimError.invalidValue('The parameter "sortOrder" must be "ascending" or "descending".');
}

/** Attribute names from a comma-separated query value (RFC 7644 §3.4.2.5); none at all counts as absent. */
function splitNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * Types and clamps the common part of both request forms. RFC 7644 §3.4.2.4: a startIndex below 1 SHALL be
 * interpreted as 1; a negative count SHALL be interpreted as 0; a count above maxResults returns at most
 * maxResults. sortOrder defaults to ascending (§3.4.2.3).
 */
function toListQuery(
  fields: {
    filter: string | undefined;
    startIndex: number | undefined;
    count: number | undefined;
    sortBy: string | undefined;
    sortOrder: string | undefined;
    attributes: string[] | undefined;
    excludedAttributes: string[] | undefined;
  },
  opts: ListQueryOptions,
): ListQuery {
  assertAttributeNameCount('attributes', fields.attributes?.length ?? 0);
  assertAttributeNameCount('excludedAttributes', fields.excludedAttributes?.length ?? 0);
  const startIndex = Math.min(Math.max(fields.startIndex ?? 1, 1), Number.MAX_SAFE_INTEGER);
  const count = Math.min(Math.max(fields.count ?? opts.defaultCount, 0), opts.maxCount);
  return {
    ...(fields.filter !== undefined ? { filter: fields.filter } : {}),
    startIndex,
    count,
    ...(fields.sortBy !== undefined ? { sortBy: fields.sortBy } : {}),
    sortOrder: parseSortOrder(fields.sortOrder),
    ...(fields.attributes !== undefined ? { attributes: fields.attributes } : {}),
    ...(fields.excludedAttributes !== undefined ? { excludedAttributes: fields.excludedAttributes } : {}),
  };
}

/** A list request from a GET query string (RFC 7644 §3.4.2), as the HTTP layer parsed it (values are strings). */
export function parseListQuery(query: Record<string, unknown>, opts: ListQueryOptions): ListQuery {
  const raw = pickParameters(query);
  return toListQuery(
    {
      filter: queryString('filter', raw.filter),
      startIndex: parseInteger('startIndex', queryString('startIndex', raw.startIndex)),
      count: parseInteger('count', queryString('count', raw.count)),
      sortBy: queryString('sortBy', raw.sortBy),
      sortOrder: queryString('sortOrder', raw.sortOrder),
      attributes: splitNames(queryString('attributes', raw.attributes)),
      excludedAttributes: splitNames(queryString('excludedAttributes', raw.excludedAttributes)),
    },
    opts,
  );
}

/** In a JSON body null is the same as absent (RFC 7643 §2.5). */
function bodyString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ScimError.invalidValue(`"${name}" must be a string.`);
  return value.trim() === '' ? undefined : value.trim();
}

/** RFC 7644 §3.4.3: integers are JSON numbers in a search body, not strings. */
function bodyInteger(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw ScimError.invalidValue(`"${name}" must be an integer.`);
  return parseInteger(name, value);
}

/** RFC 7644 §3.4.3: `attributes` and `excludedAttributes` are multi-valued lists of strings in a search body. */
function bodyNames(name: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw ScimError.invalidValue(`"${name}" must be an array of strings.`);
  }
  const names = value.map((n) => n.trim()).filter((n) => n !== '');
  return names.length > 0 ? names : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A list request from a POST /.search body (RFC 7644 §3.4.3). `schemas` must name the SearchRequest message
 * (URNs compare case-insensitively, RFC 7643 §2.1); a body that is not that message is invalidSyntax.
 */
export function parseSearchRequest(body: unknown, opts: ListQueryOptions): ListQuery {
  if (!isRecord(body)) throw ScimError.invalidSyntax('A search request body must be a JSON object.');
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  const urn = SEARCH_REQUEST_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn)) {
    throw ScimError.invalidSyntax(`A search request must list "${SEARCH_REQUEST_SCHEMA}" in "schemas".`);
  }
  const raw = pickParameters(body);
  return toListQuery(
    {
      filter: bodyString('filter', raw.filter),
      startIndex: bodyInteger('startIndex', raw.startIndex),
      count: bodyInteger('count', raw.count),
      sortBy: bodyString('sortBy', raw.sortBy),
      sortOrder: bodyString('sortOrder', raw.sortOrder),
      attributes: bodyNames('attributes', raw.attributes),
      excludedAttributes: bodyNames('excludedAttributes', raw.excludedAttributes),
    },
    opts,
  );
}

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: object[];
}

/** RFC 7644 §3.4.2: a ListResponse. totalResults, itemsPerPage and startIndex are JSON integers. */
export function listResponse(resources: object[], totalResults: number, startIndex: number): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}
