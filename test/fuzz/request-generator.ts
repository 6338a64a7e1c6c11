import { Draw, type Category, type FuzzRequest, type FuzzTargets } from './draw.js';
import { USER_PATCHES, GROUP_PATCHES } from './idp-corpus.js';
import { garbageValue, nastyString, type Random } from './mutate.js';
import { discoveryRequest, filterRequest, listRequest } from './query-requests.js';
import { rawRequest } from './raw-requests.js';
import { bodyRequest, deleteRequest, writeRequest } from './write-requests.js';

export type { Category, FuzzRequest, FuzzTargets } from './draw.js';

/** How often each kind of request is drawn: the PATCH bodies IdPs send most, and filters, get the most. */
const WEIGHTS: ReadonlyArray<[Category, number]> = [
  ['filter', 16],
  ['list', 8],
  ['path', 10],
  ['patch', 20],
  ['create', 8],
  ['replace', 8],
  ['delete', 4],
  ['body', 12],
  ['headers', 6],
  ['raw', 5],
  ['discovery', 3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

const ROOTS = ['/scim/v2', '/api/1.0/scim', '/SCIM/V2', '', '/scim', '//scim/v2', '/healthz', '/readyz', '/api/1.0', '/scim/v1'];
const SEGMENTS = ['Users', 'Groups', 'users', 'GROUPS', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Bulk', 'Me', '.search', 'Users/.search', ''];

/** Draws one request; every choice comes from `random`, so a seed replays the same stream of requests. */
export function generateRequest(random: Random, targets: FuzzTargets): FuzzRequest {
  let roll = random.int(TOTAL_WEIGHT);
  const category = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'filter';
  const d = new Draw(random, targets);
  switch (category) {
    case 'filter':
      return filterRequest(d);
    case 'list':
      return listRequest(d);
    case 'discovery':
      return discoveryRequest(d);
    case 'path':
      return pathRequest(d);
    case 'headers':
      return headersRequest(d);
    case 'patch':
    case 'create':
    case 'replace':
      return writeRequest(d, category);
    case 'delete':
      return deleteRequest(d);
    case 'body':
      return bodyRequest(d);
    case 'raw':
      return { category, method: 'RAW', path: '', headers: {}, raw: rawRequest(random, targets) };
  }
}

/** Any method on any path: unknown roots and resources, extra segments, the probes, RFC 7644 endpoints not offered. */
function pathRequest(d: Draw): FuzzRequest {
  const method = d.random.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  const segments = [d.random.pick(SEGMENTS), ...Array.from({ length: d.random.int(3) }, () => d.encode(d.id(d.resource())))];
  const path = `${d.random.pick(ROOTS)}/${segments.join('/')}`;
  return d.random.chance(0.3) && method !== 'GET' && method !== 'HEAD'
    ? d.json('path', method, path, garbageValue(d.random))
    : d.request('path', method, path);
}

/** One header out of the ordinary: credentials (RFC 6750 §2.1), conditions (RFC 7644 §3.14), request ids, sizes. */
function headersRequest(d: Draw): FuzzRequest {
  const resource = d.resource();
  const method = d.random.pick(['GET', 'GET', 'PATCH', 'DELETE']);
  const path = `${d.prefix()}/${resource}/${d.encode(d.id(resource))}`;
  const request =
    method === 'PATCH'
      ? d.json('headers', method, path, d.fill(d.random.pick(resource === 'Users' ? USER_PATCHES : GROUP_PATCHES), false))
      : d.request('headers', method, path);
  const name = d.random.pick(['authorization', 'if-match', 'if-none-match', 'accept', 'x-request-id', 'content-type', 'accept-charset', 'x-forwarded-host', 'host']);
  // fetch sends no Host of our choosing: that one goes out raw.
  if (name === 'host') return { ...request, method: 'RAW', raw: rawRequest(d.random, d.targets) };
  const token = d.targets.token;
  const value = d.random.pick([
    `Bearer ${token}`,
    `bearer   ${token}  `,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token} ${token}`,
    `Basic ${token}`,
    'Bearer',
    '*',
    'W/"1"',
    '"1"',
    'W/"1", W/"2", *',
    'W/',
    `W/"${'9'.repeat(400)}"`,
    'application/scim+json;q=0',
    'x'.repeat(8_000),
    // fetch sends ByteStrings only.
    nastyString(d.random).replace(/[^\u0020-\u007e\u0080-\u00ff]/g, '?'),
  ]);
  if (method === 'DELETE' && name !== 'if-match') request.headers['if-match'] = 'W/"0"';
  request.headers[name] = value;
  return request;
}
