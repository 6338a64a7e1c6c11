/**
 * Resource versions as weak entity tags, RFC 7644 §3.14. A resource's `meta.version` and its `ETag` header are
 * the same string, built from the store's integer version counter; a version names a semantic state of the
 * resource, not a byte-exact representation, hence weak tags.
 */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** The opaque part of every entity-tag in a header list (RFC 7232 §2.3: entity-tag = [ "W/" ] opaque-tag). */
function opaqueTags(header: string): string[] {
  return Array.from(header.matchAll(/(?:W\/)?"([^"]*)"/g), (m) => m[1] ?? '');
}

/** RFC 7232 §2.3.2, weak comparison: the opaque tags match, whether either tag is weak or not. */
function listMatches(header: string, version: number): boolean {
  if (header.trim() === '*') return true;
  const current = String(version);
  return opaqueTags(header).some((tag) => tag === current);
}

/**
 * `If-Match` on PUT, PATCH and DELETE (RFC 7644 §3.14): true when the write may proceed; false means 412.
 * RFC 7232 §3.1 asks for strong comparison, which a weak tag never passes; RFC 7644 §3.14 nonetheless shows
 * `If-Match: W/"…"` on conditional updates, so SCIM's tags are compared weakly. `*` matches any existing
 * resource (the caller has already found it). An absent header imposes no condition.
 */
export function ifMatchSatisfied(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  return listMatches(header, version);
}

/**
 * `If-None-Match` (RFC 7232 §3.2, weak comparison): true when the request should be served; false means the
 * client's copy is current (304 on GET, 412 on a write). `*` matches any existing resource. An absent header
 * imposes no condition.
 */
export function ifNoneMatchSatisfied(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  return !listMatches(header, version);
}
