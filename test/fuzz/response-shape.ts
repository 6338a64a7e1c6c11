const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const CORE = {
  users: 'urn:ietf:params:scim:schemas:core:2.0:User',
  groups: 'urn:ietf:params:scim:schemas:core:2.0:Group',
} as const;
/** RFC 7644 §3.12, table 9. */
const SCIM_TYPES = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

/** What came back, however it was sent. */
export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly etag?: string | undefined;
  readonly location?: string | undefined;
  readonly text: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The route a successful answer came from: the success shape depends on it (RFC 7644 §3.3–3.6, §4). */
function routeOf(method: string, path: string): string {
  const pathname = path.split('?', 1)[0] ?? '';
  const scim = /^\/(?:scim\/v2|api\/1\.0\/scim)\/(users|groups|schemas|resourcetypes|serviceproviderconfig)(\/[^/]*)?\/?$/i.exec(pathname);
  if (!scim) return /^\/(healthz|readyz)\/?$/i.test(pathname) ? 'health' : 'other';
  const collection = (scim[1] ?? '').toLowerCase();
  const rest = scim[2];
  if (collection === 'users' || collection === 'groups') {
    if (rest === undefined || rest === '/') return method === 'POST' ? `create ${collection}` : 'list';
    if (rest.toLowerCase() === '/.search') return 'list';
    return `${method.toLowerCase()} one ${collection}`;
  }
  if (collection === 'serviceproviderconfig') return 'config';
  return rest === undefined || rest === '/' ? 'list' : 'definition';
}

function checkError(body: Record<string, unknown>, status: number): string[] {
  const problems: string[] = [];
  if (!Array.isArray(body['schemas']) || body['schemas'].length !== 1 || body['schemas'][0] !== ERROR) problems.push('schemas is not [Error]');
  if (body['status'] !== String(status)) problems.push(`status ${JSON.stringify(body['status'])} ≠ "${status}"`);
  if (typeof body['detail'] !== 'string' || body['detail'] === '') problems.push('no detail');
  if (body['scimType'] !== undefined && !SCIM_TYPES.has(String(body['scimType']))) problems.push(`scimType ${String(body['scimType'])}`);
  return problems;
}

function checkResource(body: Record<string, unknown>, collection: 'users' | 'groups', answer: Answer): string[] {
  const problems: string[] = [];
  if (typeof body['id'] !== 'string' || body['id'] === '') problems.push('resource without id');
  if (!Array.isArray(body['schemas']) || !body['schemas'].includes(CORE[collection])) problems.push('resource schemas lack the core URN');
  const meta = body['meta'];
  if (isObject(meta) && answer.etag !== undefined && meta['version'] !== undefined && meta['version'] !== answer.etag) {
    problems.push(`ETag ${answer.etag} ≠ meta.version ${String(meta['version'])}`);
  }
  return problems;
}

function checkList(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!Array.isArray(body['schemas']) || body['schemas'][0] !== LIST) problems.push('schemas is not [ListResponse]');
  const resources = body['Resources'];
  if (!Array.isArray(resources)) return [...problems, 'Resources is not an array'];
  for (const name of ['totalResults', 'itemsPerPage', 'startIndex']) {
    if (!Number.isSafeInteger(body[name])) problems.push(`${name} is not an integer`);
  }
  if (body['itemsPerPage'] !== resources.length) problems.push('itemsPerPage ≠ Resources.length');
  if ((body['startIndex'] as number) < 1) problems.push('startIndex < 1');
  if ((body['totalResults'] as number) < resources.length) problems.push('totalResults < Resources.length');
  if (!resources.every((r) => isObject(r) && (typeof r['id'] === 'string' || typeof r['name'] === 'string'))) problems.push('a Resource without id');
  return problems;
}

/**
 * Problems with one answer; empty when it is a well-formed SCIM response. Never a 5xx; an error carries the
 * RFC 7644 §3.12 body with `status` equal to the HTTP status; a success has its route's shape.
 */
export function checkAnswer(method: string, path: string, answer: Answer): string[] {
  const { status, text } = answer;
  if (status >= 500) return [`${status} answered`];
  if (status < 200) return [`status ${status}`];
  const route = routeOf(method, path);
  const empty = text === '';
  if (status === 204 || status === 304) return empty ? [] : [`${status} with a body`];
  if (method === 'HEAD') return [];
  if (empty) return ['an empty body'];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return ['a body that is not JSON'];
  }
  if (!isObject(body)) return ['a body that is not a JSON object'];
  const scimType = /^application\/scim\+json/.test(answer.contentType ?? '');
  if (status >= 400) return [...checkError(body, status), ...(scimType ? [] : [`error as ${answer.contentType}`])];
  if (route === 'health') return body['status'] === 'ok' || body['status'] === 'ready' ? [] : ['health body'];
  const problems = scimType ? [] : [`success as ${answer.contentType}`];
  if (route === 'list') return [...problems, ...checkList(body)];
  if (route === 'config' || route === 'definition') return typeof body['schemas'] === 'object' ? problems : [...problems, 'no schemas'];
  const match = /^(create|get|put|patch) (?:one )?(users|groups)$/.exec(route);
  if (!match) return [...problems, `a ${status} from ${route}`];
  if (match[1] === 'create' && status !== 201) problems.push(`create answered ${status}`);
  if (match[1] === 'create' && answer.location === undefined) problems.push('create without Location');
  return [...problems, ...checkResource(body, match[2] as 'users' | 'groups', answer)];
}
