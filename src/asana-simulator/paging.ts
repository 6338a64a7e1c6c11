import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SimHttpError } from './sim-http-error.js';

/**
 * Asana pagination (facts.md §2.5): `limit` 1..100, `offset` an opaque token that only the server issued,
 * `next_page: {offset, path, uri}` only when `limit` was given and `null` on the last page. Tokens here are
 * base64url JSON {scope, after, issuedAt} plus an HMAC, so a forged or edited token, or one from another list, is a
 * 400; and, as Asana's do, a token expires: after `ttlMs` it is a 400 that says so.
 */
export interface NextPage {
  offset: string;
  path: string;
  uri: string;
}

export interface PageRequest {
  /** The path below the API base, e.g. '/users'. */
  path: string;
  query: URLSearchParams;
  /** The API base URL, e.g. 'http://127.0.0.1:41234/api/1.0'. */
  baseUrl: string;
}

export interface PageResult<T> {
  items: T[];
  /** Absent without `limit`, as on Asana. */
  nextPage?: NextPage | null;
}

const MAX_LIMIT = 100;
/** Asana truncates unpaginated ("grandfathered") lists at about 1,000 objects (facts.md §2.5). */
const UNPAGINATED_CAP = 1000;
/** Query parameters that shape the output but not which list is paged. */
const NON_SCOPE_PARAMS = new Set(['limit', 'offset', 'opt_fields', 'opt_pretty']);

export class PageTokens {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One page of the list that `itemsAfter(key)` yields in key order from just after `key`, as the request's
   * limit and offset ask. Only `limit + 1` items are walked, never the whole list.
   */
  paginate<T>(request: PageRequest, keyOf: (item: T) => string, itemsAfter: (key?: string) => Iterable<T>): PageResult<T> {
    const limit = readLimit(request.query.get('limit'));
    const scope = scopeOf(request);
    const offset = request.query.get('offset');
    const after = offset === null ? undefined : this.read(scope, offset);
    const size = limit ?? UNPAGINATED_CAP;
    const items: T[] = [];
    let hasMore = false;
    for (const item of itemsAfter(after)) {
      if (items.length === size) {
        hasMore = true;
        break;
      }
      items.push(item);
    }
    if (limit === undefined) return { items };
    const last = items[items.length - 1];
    if (!hasMore || last === undefined) return { items, nextPage: null };
    const token = this.issue(scope, keyOf(last));
    const query = new URLSearchParams(request.query);
    query.set('offset', token);
    const path = `${request.path}?${query.toString()}`;
    return { items, nextPage: { offset: token, path, uri: `${request.baseUrl}${path}` } };
  }

  private issue(scope: string, after: string): string {
    const payload = Buffer.from(JSON.stringify({ scope, after, issuedAt: this.now() })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  private read(scope: string, token: string): string {
    const [payload = '', signature = ''] = token.split('.');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidOffset();
    const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof decoded !== 'object' || decoded === null) throw invalidOffset();
    const { scope: tokenScope, after, issuedAt } = decoded as Record<string, unknown>;
    if (tokenScope !== scope || typeof after !== 'string' || typeof issuedAt !== 'number') throw invalidOffset();
    if (this.now() - issuedAt > this.ttlMs) {
      throw SimHttpError.invalid('offset', 'Your pagination token has expired; start again without an offset');
    }
    return after;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

function readLimit(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw SimHttpError.invalid('limit', `Value must be between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}

/** A token names the list it pages: the path and the filters, so it cannot be replayed on another list. */
function scopeOf(request: PageRequest): string {
  const filters = [...request.query].filter(([name]) => !NON_SCOPE_PARAMS.has(name)).sort();
  return `${request.path}?${new URLSearchParams(filters).toString()}`;
}

function invalidOffset(): SimHttpError {
  return SimHttpError.invalid('offset', 'Your pagination token is invalid');
}
