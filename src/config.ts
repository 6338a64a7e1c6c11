import { z } from 'zod';

/**
 * The bridge's whole configuration, read once from the environment (architecture rule 12: nothing else reads
 * process.env). The variable names are fixed: operators' deployments and other tools depend on them.
 */
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Bearer tokens IdPs send; a comma-separated list lets operators rotate without downtime. */
  SCIM_TOKEN: z
    .string()
    .transform((s) => s.split(',').map((t) => t.trim()).filter((t) => t.length > 0))
    .pipe(z.array(z.string().min(16, 'each token must be at least 16 characters')).min(1)),
  ASANA_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://app.asana.com/api/1.0'),
  ASANA_TOKEN: z.string().min(1),
  ASANA_WORKSPACE_GID: z.string().regex(/^\d+$/, 'must be a numeric Asana gid'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, 'must be file:<path> (SQLite) or postgres://… (PostgreSQL)')
    .default('file:./data/scim-bridge.db'),
  ASANA_RATE_LIMIT_PER_MINUTE: positiveInt.default(1500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How long a SCIM write waits for Asana before answering with the work still queued (durable either way). 800 ms
   * answers within the strictest client's timeout, Auth0's outbound SCIM at 1.5 s (docs/idps.md).
   */
  ASANA_SYNC_DEADLINE_MS: positiveInt.default(800),
  /** Largest `count` a list request may ask for (RFC 7644 §3.4.2.4 maxResults). */
  SCIM_MAX_RESULTS: positiveInt.max(10000).default(1000),
  /**
   * Operations one POST /Bulk may carry (ServiceProviderConfig bulk.maxOperations; more is 413). They run in order,
   * each waiting for Asana up to ASANA_SYNC_DEADLINE_MS, so a full bulk answers within about 100 × that.
   */
  SCIM_BULK_MAX_OPERATIONS: positiveInt.default(100),
  /** Largest request body, in bytes (also bulk.maxPayloadSize); larger bodies are answered 413. */
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /**
   * Reads (GET, POST …/.search) per minute each SCIM token may make, sustained and as a burst (429 with
   * Retry-After beyond). Reads cost Asana nothing: 6000 = 100/s, four times the 25/s Microsoft asks a SCIM endpoint
   * to sustain per tenant (idp-behaviour.md §2.1). The name predates the split and is kept for deployments.
   */
  SCIM_RATE_LIMIT_PER_MINUTE: positiveInt.default(6000),
  /**
   * Writes per minute each SCIM token may make, sustained and as a burst. 1800 = 30/s, a little above Asana's
   * paid-plan quota (25/s), so an IdP's pace passes while a flood cannot queue Asana work far faster than Asana
   * drains it; the burst of 1800 lets 60 writes/s through for a whole minute (docs/idps.md, Inbound rate limit).
   */
  SCIM_WRITE_RATE_LIMIT_PER_MINUTE: positiveInt.default(1800),
  /** A client must send a whole request (headers and body) within this time, else 408 and the connection closes. */
  REQUEST_TIMEOUT_MS: positiveInt.default(60_000),
  /** Minutes between reconciliation passes comparing the store with Asana; 0 turns the periodic pass off. */
  RECONCILE_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(0),
  /** What a reconciliation pass does with drift: `report` it (log only) or `restore` the IdP's intent. */
  RECONCILE_DRIFT_ACTION: z.enum(['report', 'restore']).default('report'),
  /** Prefix given to the Asana team of a deleted group (Asana cannot delete teams). */
  DEPROVISIONED_TEAM_PREFIX: z.string().default('[deprovisioned] '),
  /**
   * Whether X-Forwarded-Proto/-Host/-For are believed (off by default: anyone could send them). `true` trusts
   * every hop, else a comma-separated list of the proxies' addresses or CIDR ranges; goes to Fastify's trustProxy.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' ? false : v)),
  /**
   * The URL IdPs use to reach the bridge's root, e.g. https://scim.example.com; fixes `meta.location` and
   * `Location`, and, without TRUST_PROXY, a request for another Host is answered 421.
   */
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  /** Bearer token for GET /metrics; without it the endpoint is off (404). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bearer token for the read-only admin page at /admin; without it the page is off (404). */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Days the audit log keeps an entry; older entries are deleted at start and daily. */
  AUDIT_RETENTION_DAYS: positiveInt.default(90),
  /**
   * Where a removed person's open tasks go (issue 12), tried in order, comma-separated: `manager` (their enterprise
   * manager, when the bridge knows them as an Asana member) and/or addresses of Asana members. Empty: no handover.
   */
  TASK_HANDOVER_TO: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((t) => t.trim()).filter((t) => t.length > 0))
    .pipe(
      z.array(
        z.string().refine((t) => t === 'manager' || /^[^@\s]+@[^@\s]+$/.test(t), 'each entry must be `manager` or an email address'),
      ),
    ),
  /**
   * A handover that keeps failing holds a removal back at most this long; what it did not hand over is reported.
   * 0: the first failure gives the handover up.
   */
  TASK_HANDOVER_MAX_MINUTES: z.coerce.number().int().min(0).default(15),
  /** Workspace removals let run per DEPROVISION_BRAKE_WINDOW_MINUTES; beyond, they are held for an admin. 0: off. */
  DEPROVISION_BRAKE_LIMIT: z.coerce.number().int().min(0).default(50),
  DEPROVISION_BRAKE_WINDOW_MINUTES: positiveInt.default(60),
  /** `off`: a dry run: everything is accepted, stored and planned, and no write is sent to Asana. */
  ASANA_WRITES: z.enum(['on', 'off']).default('on'),
  /**
   * Email domains the bridge may invite, comma-separated (e.g. `example.com,example.org`); empty = any. Asana makes
   * an address outside the organisation's domains a guest, silently, and bills the seat (issue 10): a user whose
   * Asana email is outside these is refused with 400 invalidValue and nothing is stored.
   */
  ASANA_ALLOWED_EMAIL_DOMAINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d.length > 0))
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/, 'must be comma-separated domains like example.com'))),
  /** Seconds between readiness checks (store reachable, Asana token accepted); /readyz answers the last result. */
  READINESS_INTERVAL_SECONDS: positiveInt.default(30),
  /**
   * Seconds a replica holds a claimed work item without renewing its lease (renewed every third of it while the
   * item runs): a replica that dies mid-item leaves it to the others after at most this (docs/reliability.md).
   */
  WORK_LEASE_SECONDS: positiveInt.default(30),
  /**
   * The window ASANA_RATE_LIMIT_PER_MINUTE counts in, in seconds. Asana's is a minute; shorter only against a
   * simulator whose window is shortened the same way (tests).
   */
  ASANA_RATE_WINDOW_SECONDS: positiveInt.default(60),
});

export type Config = Readonly<
  Omit<z.infer<typeof schema>, 'SCIM_TOKEN' | 'TASK_HANDOVER_TO' | 'ASANA_ALLOWED_EMAIL_DOMAINS'>
> & {
  readonly SCIM_TOKEN: readonly string[];
  readonly TASK_HANDOVER_TO: readonly string[];
  readonly ASANA_ALLOWED_EMAIL_DOMAINS: readonly string[];
  /** Where the store is, for people: the SQLite path, or the PostgreSQL URL without its password. */
  readonly databaseLabel: string;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; a missing or malformed value throws a ConfigError naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const missing = env[name] === undefined || env[name] === '';
      return `${name}: ${missing ? 'is required' : issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const databaseLabel = labelOf(result.data.DATABASE_URL);
  return Object.freeze({
    ...result.data,
    SCIM_TOKEN: Object.freeze([...result.data.SCIM_TOKEN]),
    TASK_HANDOVER_TO: Object.freeze([...result.data.TASK_HANDOVER_TO]),
    ASANA_ALLOWED_EMAIL_DOMAINS: Object.freeze([...result.data.ASANA_ALLOWED_EMAIL_DOMAINS]),
    databaseLabel,
  });
}

function labelOf(databaseUrl: string): string {
  if (databaseUrl.startsWith('file:')) return databaseUrl.slice('file:'.length);
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
