import {
  bulkMethodOf,
  bulkTargetOf,
  resolveBulkIds,
  type BulkMethod,
  type BulkOperation,
  type BulkRequest,
} from '../scim/bulk-request.js';
import { ScimError } from '../scim/errors.js';
import { etagOf } from '../scim/version.js';
import type { GroupService } from './groups.js';
import type { UserService } from './users.js';

export interface BulkServices {
  readonly users: UserService;
  readonly groups: GroupService;
}

/** One entry of a BulkResponse (RFC 7644 §3.7.3); `status` is a string there, as in errors. */
export interface BulkResult {
  readonly method: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly location?: string;
  readonly status: string;
  readonly response?: object;
}

/** What a successful operation answers: its single-request status, the resource's location and version. */
interface Done {
  readonly status: number;
  readonly location?: string;
  readonly version?: number;
}

/**
 * Runs a bulk request's operations in order, each through the same service call as its single-request form, so
 * each has the same durability, locks and answers (a group PATCH is 204, a user PATCH 200). An operation that fails
 * answers its SCIM error and the rest go on, until `failOnErrors` errors have been seen (RFC 7644 §3.7.3); the
 * operations after that are not run and not listed.
 */
export async function runBulk(request: BulkRequest, services: BulkServices, baseUrl: string): Promise<BulkResult[]> {
  const created = new Map<string, string>();
  const results: BulkResult[] = [];
  let errors = 0;
  for (const op of request.operations) {
    if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
    const echo = {
      method: typeof op.method === 'string' ? op.method : '',
      ...(typeof op.bulkId === 'string' ? { bulkId: op.bulkId } : {}),
    };
    try {
      const done = await runOne(op, services, baseUrl, created);
      results.push({
        ...echo,
        ...(done.version !== undefined ? { version: etagOf(done.version) } : {}),
        ...(done.location !== undefined ? { location: done.location } : {}),
        status: String(done.status),
      });
    } catch (error) {
      // Only protocol errors are answered per operation; anything else is the bridge failing, answered as a 500.
      if (!(error instanceof ScimError)) throw error;
      errors += 1;
      results.push({ ...echo, status: String(error.status), response: error.toBody() });
    }
  }
  return results;
}

async function runOne(
  op: BulkOperation,
  services: BulkServices,
  baseUrl: string,
  created: Map<string, string>,
): Promise<Done> {
  const method: BulkMethod = bulkMethodOf(op);
  const target = bulkTargetOf(op, method);
  const id = target.id === undefined ? undefined : resolveBulkIds(target.id, created);
  const data = resolveBulkIds(op.data, created);
  const ifMatch = typeof op.version === 'string' ? op.version : undefined;
  const service = target.resource === 'Users' ? services.users : services.groups;
  const located = (view: { resource: Record<string, unknown>; version: number }, status: number): Done => ({
    status,
    location: (view.resource['meta'] as { location: string }).location,
    version: view.version,
  });
  switch (method) {
    case 'POST': {
      const view = await service.create(data, baseUrl);
      created.set(op.bulkId as string, view.resource['id'] as string);
      return located(view, 201);
    }
    case 'PUT':
      return located(await service.replace(id as string, data, ifMatch, baseUrl), 200);
    case 'PATCH':
      // The single-request forms: a user PATCH answers 200 with the user, a group PATCH 204 (routes/*.ts).
      return located(await service.patch(id as string, data, ifMatch, baseUrl), target.resource === 'Users' ? 200 : 204);
    case 'DELETE':
      await service.delete(id as string, ifMatch);
      return { status: 204 };
  }
}
