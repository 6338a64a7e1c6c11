import { CONTENT_TYPES, type Draw, type FuzzRequest, type Resource } from './draw.js';
import { GROUP_BODIES, GROUP_PATCHES, PATCH_PATHS, USER_BODIES, USER_PATCHES } from './idp-corpus.js';
import { damageJsonText, garbageValue, mutateJson, mutateString } from './mutate.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function corpusOf(resource: Resource, patch: boolean): readonly unknown[] {
  if (patch) return resource === 'Users' ? USER_PATCHES : GROUP_PATCHES;
  return resource === 'Users' ? USER_BODIES : GROUP_BODIES;
}

/** A real IdP request (RFC 7644 §3.3, §3.5.1, §3.5.2), aimed at a real resource, then mutated. */
export function writeRequest(d: Draw, category: 'patch' | 'create' | 'replace'): FuzzRequest {
  const resource = d.resource();
  const pool = d.pool(resource);
  const target = category !== 'create' && pool.length > 0 && d.random.chance(0.85) ? d.random.pick(pool) : undefined;
  const template = d.fill(d.random.pick(corpusOf(resource, category === 'patch')), category === 'create', target && { resource, ...target });
  let body = template;
  if (d.random.chance(0.9)) {
    // Mostly the PatchOp envelope stays whole and only the operations change, so mutations reach applyPatch.
    const operations = category === 'patch' && d.random.chance(0.8) ? (template as { Operations: unknown }).Operations : undefined;
    body = operations !== undefined ? { ...(template as object), Operations: mutateOperations(d, operations) } : mutateJson(d.random, template);
  }
  const id = target ? encodeURIComponent(target.id) : d.encode(d.id(resource));
  const method = { patch: 'PATCH', create: 'POST', replace: 'PUT' }[category];
  const request = d.json(category, method, `${d.prefix()}/${resource}${category === 'create' ? '' : `/${id}`}`, body);
  if (category !== 'create' && d.random.chance(0.2)) request.headers['if-match'] = d.entityTag(target);
  return request;
}

/** RFC 7644 §3.6, mostly with a stale or broken If-Match: a real target without one is deleted for good. */
export function deleteRequest(d: Draw): FuzzRequest {
  const resource = d.resource();
  const request = d.request('delete', 'DELETE', `${d.prefix()}/${resource}/${d.encode(d.id(resource))}`);
  if (d.random.chance(0.85)) request.headers['if-match'] = d.entityTag();
  if (d.random.chance(0.3)) request.headers['content-type'] = d.random.pick(CONTENT_TYPES);
  return request;
}

/** Bodies no IdP would send: broken JSON, odd types, deep nesting, huge, invalid UTF-8, wrong media types. */
export function bodyRequest(d: Draw): FuzzRequest {
  const resource = d.resource();
  const method = d.random.pick(['POST', 'PUT', 'PATCH', 'POST']);
  const path =
    method === 'POST'
      ? `${d.prefix()}/${resource}${d.random.chance(0.3) ? '/.search' : ''}`
      : `${d.prefix()}/${resource}/${d.encode(d.id(resource))}`;
  const request = d.request('body', method, path);
  request.headers['content-type'] = d.random.chance(0.6) ? 'application/scim+json' : d.random.pick(CONTENT_TYPES);
  return { ...request, body: garbageBody(d, resource, method) };
}

function garbageBody(d: Draw, resource: Resource, method: string): string | Uint8Array {
  switch (d.random.int(8)) {
    case 0: {
      const depth = d.random.size(300_000);
      const deep = d.random.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const shell =
        method === 'PATCH'
          ? `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":@}]}`
          : '{"schemas":[],"userName":"deep@example.com","displayName":"deep","name":@}';
      return shell.replace('@', deep);
    }
    case 1:
      return Uint8Array.from({ length: d.random.size(5_000) }, () => d.random.int(256));
    case 2:
      return JSON.stringify({ userName: 'big@example.com', displayName: 'big', title: 'x'.repeat(1_048_576 + d.random.int(10)) });
    case 3:
      return d.random.pick(['', ' ', 'null', '[]', '"text"', '1e999', 'true', '{}', '{"Operations":[]}', '\u0000']);
    case 4: {
      const members = Array.from({ length: d.random.size(20_000) }, (_, i) => ({ value: i % 7 === 0 ? d.id('Users') : `m${i}` }));
      return JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: members }], displayName: 'many', members });
    }
    default: {
      const template = d.fill(d.random.pick(corpusOf(resource, method === 'PATCH')), method === 'POST');
      return damageJsonText(d.random, JSON.stringify(mutateJson(d.random, template, d.random.int(3))));
    }
  }
}

/** Edits aimed at what applyPatch reads: an operation's path (valid ones from the corpus, or broken) and value. */
function mutateOperations(d: Draw, operations: unknown): unknown {
  if (!Array.isArray(operations) || d.random.chance(0.2)) return mutateJson(d.random, operations);
  const edited = operations.map((operation: unknown) => {
    if (typeof operation !== 'object' || operation === null || d.random.chance(0.3)) return operation;
    const out: Record<string, unknown> = { ...operation };
    const roll = d.random.int(5);
    if (roll === 0) out['path'] = d.fillText(d.random.pick(PATCH_PATHS), false);
    else if (roll === 1) out['path'] = mutateString(d.random, typeof out['path'] === 'string' ? out['path'] : d.random.pick(PATCH_PATHS));
    else if (roll === 2) out['value'] = mutateJson(d.random, out['value'] ?? garbageValue(d.random));
    else if (roll === 3) out['value'] = garbageValue(d.random);
    else out['op'] = d.random.pick(['add', 'Replace', 'REMOVE', 'remove', 'copy', 'move', 'test', '', 'replace ']);
    return out;
  });
  return d.random.chance(0.2) ? [...edited, ...edited] : edited;
}
