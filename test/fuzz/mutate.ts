/**
 * Seeded randomness and the mutations the fuzzer applies to strings and JSON. Everything is drawn from one
 * mulberry32 stream, so a seed names a run (no dependency: fast-check is not installed).
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Sizes spread over orders of magnitude: mostly small, sometimes huge. */
  size(max: number): number {
    return Math.floor(Math.exp(this.next() * Math.log(max + 1)));
  }
}

/** Strings that have broken parsers elsewhere: encodings, escapes, injection, prototype names, edge numbers. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\0',
  'a\0b',
  '\u0000\u0001\u001f',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeff',
  'ǅ\u0301\u0308',
  '👩‍👩‍👧‍👦',
  'Ω≈ç√∫',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  '%00',
  '%zz',
  '%',
  '..',
  '../../etc/passwd',
  '\\',
  '\\"',
  '"',
  '[',
  ']',
  '(',
  ')',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e999',
  '9007199254740993',
  '-9223372036854775809',
  '0x10',
  'True',
  'False',
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'urn:scim-bridge:schemas:extension:asana:2.0:Sync:state',
  'emails[type eq "work"].value',
  'members[value eq "x"]',
  'meta.version',
];

export function nastyString(random: Random): string {
  switch (random.int(6)) {
    case 0:
      return random.pick(['x', 'é', '\0', '𝕏', '"', '(']).repeat(random.size(20_000));
    case 1:
      return Array.from({ length: random.size(40) }, () => String.fromCharCode(random.int(0x10000))).join('');
    default:
      return random.pick(NASTY_STRINGS);
  }
}

/** One random edit of a string: the building block for filters, paths and ids. */
export function mutateString(random: Random, text: string, pool: readonly string[] = NASTY_STRINGS): string {
  const at = random.int(text.length + 1);
  const end = Math.min(text.length, at + random.size(12));
  switch (random.int(8)) {
    case 0:
      return text.slice(0, at) + text.slice(end);
    case 1:
      return text.slice(0, at) + random.pick(pool) + text.slice(at);
    case 2:
      return text.slice(0, at) + random.pick(pool) + text.slice(end);
    case 3:
      return text.slice(0, at);
    case 4:
      return text.slice(0, at) + text.slice(at, end).repeat(random.size(200)) + text.slice(end);
    case 5:
      return random.chance(0.5) ? text.toUpperCase() : text.toLowerCase();
    case 6:
      return text.slice(0, at) + String.fromCharCode(random.int(0x10000)) + text.slice(at);
    default:
      return nastyString(random);
  }
}

/** A JSON value of the wrong shape for wherever it lands. */
export function garbageValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 9 : 12)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, -0, 2 ** 53 + 2, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER]);
    case 3:
      return random.pick(['True', 'false', 'FALSE', '1', '0', 'yes']);
    case 4:
    case 5:
    case 6:
      return nastyString(random);
    case 7:
      return [];
    case 8:
      return {};
    case 9:
      return Array.from({ length: random.size(5) }, () => garbageValue(random, depth + 1));
    case 10:
      return withKey({}, random.pick(['__proto__', 'constructor', 'value', 'Value', 'op']), garbageValue(random, depth + 1));
    default:
      return withKey({ polluted: true }, '__proto__', { polluted: true, isAdmin: true });
  }
}

/** Sets an own, enumerable property even for `__proto__`, so JSON.stringify sends it as a plain key. */
export function withKey<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A few random structural edits of a JSON document (a copy is returned; the input is kept). */
export function mutateJson(random: Random, document: unknown, edits = 1 + random.int(3)): unknown {
  let out: unknown = structuredClone(document);
  for (let i = 0; i < edits; i++) out = mutateOnce(random, out);
  return out;
}

function mutateOnce(random: Random, value: unknown): unknown {
  if (random.chance(0.25) || value === null || typeof value !== 'object') return mutateLeaf(random, value);
  if (Array.isArray(value)) {
    if (value.length === 0 || random.chance(0.2)) return [...value, garbageValue(random)];
    const i = random.int(value.length);
    if (random.chance(0.15)) return value.filter((_, j) => j !== i);
    if (random.chance(0.1)) return [...value, ...value];
    return value.map((item, j) => (j === i ? mutateOnce(random, item) : item));
  }
  const entries = Object.entries(value);
  const out = {};
  if (entries.length === 0) return withKey(out, nastyString(random), garbageValue(random));
  const i = random.int(entries.length);
  const action = random.int(10);
  for (const [j, [key, inner]] of entries.entries()) {
    if (j !== i) withKey(out, key, inner);
    else if (action === 0) continue; // dropped
    else if (action === 1) withKey(out, random.chance(0.5) ? key.toUpperCase() : mutateString(random, key), inner);
    else if (action === 2) withKey(withKey(out, key, inner), random.pick(['__proto__', 'constructor', key]), garbageValue(random));
    else withKey(out, key, mutateOnce(random, inner));
  }
  return out;
}

function mutateLeaf(random: Random, value: unknown): unknown {
  if (typeof value === 'string' && random.chance(0.6)) return mutateString(random, value);
  if (random.chance(0.15)) return [value];
  if (random.chance(0.1)) return { value };
  return garbageValue(random);
}

/** Text-level damage to a serialized body: what JSON.stringify can never produce. */
export function damageJsonText(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  switch (random.int(7)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + random.pick([',', '}', ']', '{', '"', ':', '\\', '\\u', '\\ud800', '//', 'NaN']) + text.slice(at);
    case 2:
      return text.replace(/-?\d+(\.\d+)?/, random.pick(['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.0000001e-400', '01', '.5']));
    case 3:
      return `\ufeff${text}`;
    case 4:
      return text.replace(/"(\w+)":/, '"$1":1,"$1":');
    case 5:
      return `${text} ${text}`;
    default:
      return text.replace(/:\s*"[^"]*"/, ':"\\u0000\\ud800\\\\"');
  }
}
