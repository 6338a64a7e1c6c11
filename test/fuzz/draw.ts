import { GROUP_ID, ODD_IDS, USER_ID, USER_NAME } from './idp-corpus.js';
import { mutateString, nastyString, type Random } from './mutate.js';

export type Category =
  | 'filter'
  | 'list'
  | 'path'
  | 'patch'
  | 'create'
  | 'replace'
  | 'delete'
  | 'body'
  | 'headers'
  | 'raw'
  | 'discovery';

/** One request to send: over fetch, or (`raw`) as bytes on a bare socket. */
export interface FuzzRequest {
  readonly category: Category;
  readonly method: string;
  /** From the server root, query included. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly raw?: string | Buffer;
}

export interface Target {
  readonly id: string;
  readonly version: number;
}

/** What the store holds now: real targets make mutated requests reach deep code instead of a 404. */
export interface FuzzTargets {
  readonly token: string;
  readonly host: string;
  readonly users: ReadonlyArray<Target & { readonly userName: string }>;
  readonly groups: ReadonlyArray<Target & { readonly displayName: string }>;
}

export type Resource = 'Users' | 'Groups';

const PREFIXES = ['/scim/v2', '/scim/v2', '/scim/v2', '/api/1.0/scim', '/SCIM/V2', '/scim/v2/'] as const;

export const CONTENT_TYPES = [
  'application/scim+json',
  'application/json',
  'application/scim+json; charset=utf-8',
  'application/json;charset=UTF-8',
  'application/scim+json; charset="latin1"',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json, text/plain',
  'application/scim+json; charset=utf-8; charset=utf-16',
  '*/*',
  'application/',
  'APPLICATION/SCIM+JSON',
  'application/scim+jsonx',
] as const;

/** The choices every kind of request shares, all drawn from one seeded stream. */
export class Draw {
  constructor(
    readonly random: Random,
    readonly targets: FuzzTargets,
  ) {}

  resource(): Resource {
    return this.random.chance(0.55) ? 'Users' : 'Groups';
  }

  /** Both SCIM bases, in odd case and with a trailing slash now and then. */
  prefix(): string {
    return this.random.pick(PREFIXES).replace(/\/$/, this.random.chance(0.5) ? '/' : '');
  }

  pool(resource: Resource): ReadonlyArray<Target> {
    return resource === 'Users' ? this.targets.users : this.targets.groups;
  }

  /** Half the time a real id, else the odd ids IdPs send, a damaged real one, or garbage. */
  id(resource: Resource): string {
    const roll = this.random.int(10);
    const pool = this.pool(resource);
    if (roll < 5 && pool.length > 0) return this.random.pick(pool).id;
    if (roll < 7) return this.random.pick(ODD_IDS);
    if (roll < 8 && pool.length > 0) return mutateString(this.random, this.random.pick(pool).id);
    return nastyString(this.random);
  }

  /** Mostly a tag no resource has; sometimes the target's current one, or `*`, so conditional writes go through. */
  entityTag(target?: Target): string {
    if (target && this.random.chance(0.3)) return this.random.pick([`W/"${target.version}"`, `"${target.version}"`, '*']);
    return this.random.pick(['W/"0"', 'W/"-1"', '"abc"', 'W/"1e3"', '', 'W/"', `W/"${this.random.int(1000) + 1000}"`, 'xyz']);
  }

  /** Mostly percent-encoded; sometimes as it is, or with its percent signs left broken. */
  encode(value: string): string {
    const roll = this.random.int(10);
    // encodeURIComponent throws on a lone surrogate; `%ED%A0%80` below still sends one, encoded.
    const whole = value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    if (roll < 7) return encodeURIComponent(whole);
    if (roll < 9) return whole.replace(/[#?\s]/g, encodeURIComponent).replace(/[^\u0020-\u007e]/g, '');
    return `${encodeURIComponent(whole.slice(0, 8).replace(/[\ud800-\udbff]$/, ''))}%${this.random.pick(['', 'z', 'E0%A4', 'C0%AF', 'ED%A0%80', '00'])}`;
  }

  /** The corpus entry with real ids and names in it (the target's own, if given); a create gets a fresh userName. */
  fill(template: unknown, fresh: boolean, target?: { resource: Resource } & Target): unknown {
    return JSON.parse(this.fillText(JSON.stringify(template), fresh, true, target));
  }

  fillText(text: string, fresh: boolean, inJson = false, target?: { resource: Resource } & Target): string {
    const escape = (value: string) => (inJson ? JSON.stringify(value).slice(1, -1) : value.replace(/"/g, '\\"'));
    const { users, groups } = this.targets;
    const someUser = this.random.chance(0.9) && users.length > 0 ? this.random.pick(users) : undefined;
    const someGroup = this.random.chance(0.9) && groups.length > 0 ? this.random.pick(groups) : undefined;
    const user = target?.resource === 'Users' ? users.find((u) => u.id === target.id) : someUser;
    const groupId = target?.resource === 'Groups' ? target.id : someGroup?.id;
    const userName = fresh ? `fuzz${this.random.int(1e9)}@example.com` : (user?.userName ?? nastyString(this.random));
    return text
      .replaceAll(USER_ID, escape(user?.id ?? this.random.pick(ODD_IDS)))
      .replaceAll(GROUP_ID, escape(groupId ?? this.random.pick(ODD_IDS)))
      .replaceAll(USER_NAME, escape(userName));
  }

  request(category: Category, method: string, path: string): FuzzRequest {
    return { category, method, path, headers: { authorization: `Bearer ${this.targets.token}` } };
  }

  json(category: Category, method: string, path: string, body: unknown): FuzzRequest {
    const request = this.request(category, method, path);
    request.headers['content-type'] = this.random.chance(0.85) ? 'application/scim+json' : this.random.pick(CONTENT_TYPES);
    return { ...request, body: JSON.stringify(body) ?? 'null' };
  }
}
