/**
 * Small helpers for the untyped JSON that arrives in request bodies. SCIM names are case-insensitive
 * (RFC 7643 §2.1), so lookups by name ignore case; the JSON itself is never mutated here.
 */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` that spells `name` in any case; the last one wins, as in JSON.parse with duplicate keys. */
export function findKeyIgnoringCase(object: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) found = key;
  return found;
}

export function getIgnoringCase(object: JsonObject, name: string): unknown {
  const key = findKeyIgnoringCase(object, name);
  return key === undefined ? undefined : object[key];
}

/** Structural equality of JSON values (key order ignored, array order significant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/** JSON text with object keys sorted: equal for two values exactly when jsonEqual holds. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
