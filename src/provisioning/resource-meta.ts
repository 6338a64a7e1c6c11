import { etagOf } from '../scim/version.js';
import type { ResourceMeta, SyncStatus } from '../store/mapping-store.js';

/** RFC 7643 §3.1 `meta` of a stored resource; the version is its weak ETag (RFC 7644 §3.14). */
export function resourceMeta(
  resourceType: 'User' | 'Group',
  record: ResourceMeta & { readonly id: string },
  baseUrl: string,
): Record<string, unknown> {
  return {
    resourceType,
    created: record.created,
    lastModified: record.lastModified,
    location: `${baseUrl}/${resourceType}s/${record.id}`,
    version: etagOf(record.version),
  };
}

/**
 * The sync extension's JSON (see syncSchema). Built field by field rather than by spreading, like the rest of a
 * rendered resource: a page of 100 users renders it 100 times (docs/benchmarks.md, "Reads at scale").
 */
export function syncExtension(asanaGid: string | null, sync: SyncStatus): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (asanaGid) json['asanaGid'] = asanaGid;
  json['state'] = sync.state;
  json['attempts'] = sync.attempts;
  if (sync.lastError) json['lastError'] = sync.lastError;
  return json;
}
