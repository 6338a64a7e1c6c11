import type { OptFields } from './opt-fields.js';
import type { PageRequest, PageResult, PageTokens } from './paging.js';
import type { RecordRenderer } from './record-renderer.js';
import { SimHttpError } from './sim-http-error.js';
import type { SimStore } from './sim-store.js';
import type { TokenAccess } from './token-access.js';

/**
 * What a route of the simulated Asana API sees and returns. Handlers are synchronous: the simulated state
 * is in memory, and latency is a fault applied before routing.
 */
export interface RouteContext {
  /** Path segments captured by the route's pattern. */
  params: readonly string[];
  query: URLSearchParams;
  fields: OptFields | undefined;
  /** The request body's `data` object ({} when there is no body). */
  data: Record<string, unknown>;
  page: PageRequest;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** Matched against the path below the API base, e.g. /^\/teams\/([^/]+)$/. */
  pattern: RegExp;
  handle(context: RouteContext): Reply;
}

/** getUsersForWorkspace and getUsersForTeam are unpaginated: "sorted alphabetically and limited to 2000". */
export const UNPAGINATED_USERS_CAP = 2000;

export interface RouteDeps {
  store: SimStore;
  access: TokenAccess;
  render: RecordRenderer;
  pages: PageTokens;
  baseUrl: string;
  removeNonMember: 'ok' | 'error';
}

export function ok(data: unknown): Reply {
  return { status: 200, body: { data } };
}

/** A list reply; `next_page` is present only when the request gave `limit` (facts.md §2.5). */
export function paged<T>(result: PageResult<T>, toJson: (item: T) => unknown): Reply {
  const data = result.items.map(toJson);
  return { status: 200, body: result.nextPage === undefined ? { data } : { data, next_page: result.nextPage } };
}

/** Asana answers a removal with an EmptyResponse: `{"data":{}}`. */
export function empty(): Reply {
  return ok({});
}

export function requireString(data: Record<string, unknown>, param: string): string {
  const value = data[param];
  if (value === undefined || value === null || value === '') throw SimHttpError.missingInput(param);
  if (typeof value !== 'string') throw SimHttpError.invalid(param, 'Not a string');
  return value;
}

export function optionalString(data: Record<string, unknown>, param: string): string | undefined {
  const value = data[param];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw SimHttpError.invalid(param, 'Not a string');
  return value;
}

/** Path parameters are checked against the one simulated workspace. */
export function requireWorkspace(deps: RouteDeps, gid: string | undefined, param = 'workspace'): void {
  if (gid !== deps.store.workspace.gid) throw SimHttpError.notRecognized(param, gid ?? '');
}

export function* where<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T, void, undefined> {
  for (const item of items) if (keep(item)) yield item;
}

/** The first `count` items, without walking (or copying) the rest. */
export function take<T>(items: Iterable<T>, count: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length === count) break;
    taken.push(item);
  }
  return taken;
}
