import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onResponseAsyncHookHandler,
  onSendAsyncHookHandler,
  preHandlerAsyncHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import { AuditDraft, type AuditTrail } from '../provisioning/audit-trail.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The audit draft of a SCIM write (undefined for reads). */
    auditDraft: AuditDraft | undefined;
  }
}

const OPERATIONS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/**
 * The resource type a route writes (`/scim/v2/Users/:id` → User), `Bulk` for `POST /Bulk` (one entry for the
 * request, naming every user its work touched), or undefined for searches and the rest.
 */
function resourceTypeOf(route: string): 'User' | 'Group' | 'Bulk' | undefined {
  if (route.endsWith('/.search')) return undefined;
  if (route.endsWith('/Bulk')) return 'Bulk';
  if (/\/Users(\/:id)?$/.test(route)) return 'User';
  if (/\/Groups(\/:id)?$/.test(route)) return 'Group';
  return undefined;
}

function idParam(request: FastifyRequest): string | undefined {
  const params = request.params as { id?: unknown } | undefined;
  return typeof params?.id === 'string' ? params.id : undefined;
}

/** The userName or displayName a create asks for: the entry names it even when the create is refused. */
function nameInBody(body: unknown, type: 'User' | 'Group'): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const name = (body as Record<string, unknown>)[type === 'User' ? 'userName' : 'displayName'];
  return typeof name === 'string' ? name.slice(0, 256) : null;
}

/** The id at the end of a 201's Location header. */
function createdId(reply: FastifyReply): string | undefined {
  const location = reply.getHeader('location');
  return typeof location === 'string' ? location.slice(location.lastIndexOf('/') + 1) : undefined;
}

/**
 * Audits every SCIM write (issue 14) in the scope this is called in: the resource's name is read before
 * the handler (a delete removes it), the handler runs inside the request's audit draft (so the Asana calls it
 * causes land there), and the entry is written once the answer has gone, with the status and, for an error,
 * the SCIM detail the IdP got. The hooks are attached to the write routes only (onRoute), so reads, the bulk of
 * an IdP's traffic, pay nothing for them (issue 15, item 4).
 */
export function registerAuditHooks(scope: FastifyInstance, trail: AuditTrail): void {
  scope.decorateRequest('auditDraft', undefined);
  const details = new WeakMap<FastifyRequest, string>();

  const startDraft: preHandlerAsyncHookHandler = async (request) => {
    const type = resourceTypeOf(request.routeOptions.url ?? '');
    if (OPERATIONS[request.method] === undefined || type === undefined) return;
    request.auditDraft = new AuditDraft();
    if (type === 'Bulk') return;
    const id = idParam(request);
    if (id !== undefined) request.auditDraft.subject = await trail.subjectOf(type, id);
    else request.auditDraft.subject = nameInBody(request.body, type);
  };
  // Callback style, so the handler Fastify calls next runs inside the draft's async context.
  const runWithinDraft: preHandlerHookHandler = (request, _reply, done) => {
    if (request.auditDraft) trail.within(request.auditDraft, done);
    else done();
  };
  const keepDetail: onSendAsyncHookHandler = async (request, reply, payload) => {
    if (request.auditDraft && reply.statusCode >= 400 && typeof payload === 'string') {
      try {
        const detail = (JSON.parse(payload) as { detail?: unknown }).detail;
        if (typeof detail === 'string') details.set(request, detail);
      } catch {
        // Not a SCIM error body: the status says enough.
      }
    }
    return payload;
  };
  const commitEntry: onResponseAsyncHookHandler = async (request, reply) => {
    const draft = request.auditDraft;
    const type = resourceTypeOf(request.routeOptions.url ?? '');
    if (!draft || !type) return;
    const status = reply.statusCode;
    if (type === 'Bulk') {
      const operations = (request.body as { Operations?: unknown } | undefined)?.Operations;
      await trail.commit(draft, {
        actor: `token:${request.tokenDigest.slice(0, 12)}`,
        operation: 'bulk',
        resourceType: null,
        resourceId: null,
        subject: null,
        outcome: status >= 400 ? 'rejected' : 'done',
        httpStatus: status,
        detail: details.get(request) ?? `${Array.isArray(operations) ? operations.length : 0} operations`,
      });
      return;
    }
    const id = idParam(request) ?? (status === 201 ? createdId(reply) : undefined) ?? null;
    const after = id !== null && request.method !== 'DELETE' ? await trail.subjectOf(type, id) : null;
    await trail.commit(draft, {
      actor: `token:${request.tokenDigest.slice(0, 12)}`,
      operation: OPERATIONS[request.method] ?? request.method,
      resourceType: type,
      resourceId: id,
      subject: after ?? draft.subject,
      outcome: status >= 400 ? 'rejected' : await outcomeOf(request, trail, type, id),
      httpStatus: status,
      detail: details.get(request) ?? null,
    });
  };

  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => OPERATIONS[method] !== undefined) || resourceTypeOf(route.url) === undefined) return;
    route.preHandler = [...asList(route.preHandler), startDraft, runWithinDraft];
    route.onSend = [...asList(route.onSend), keepDetail];
    route.onResponse = [...asList(route.onResponse), commitEntry];
  });
}

/** A route option's hooks (absent, one, or several) as a list. */
function asList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** After a successful write: the resource's sync state (synced, pending, failed), or deleted. */
async function outcomeOf(request: FastifyRequest, trail: AuditTrail, type: 'User' | 'Group', id: string | null) {
  if (request.method === 'DELETE') return 'deleted';
  return id === null ? 'done' : await trail.syncStateOf(type, id);
}
