import { z } from 'zod';
import type { FaultOptions, SimulatorOptions } from './types.js';

/**
 * SimulatorOptions with every default filled in, in one visible place. The limits are Asana's for a paid
 * organization (facts.md §2.7): 1,500 requests per minute, 50 concurrent reads, 15 concurrent writes.
 * Asana publishes no figure for the cost limit or for how long a pagination offset lives; the defaults here are
 * the simulator's: a cost of one full page (100 objects) per request at the request limit, and ten minutes.
 */
const settingsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  token: z.string().min(1).default('simulator-token'),
  workspaceGid: z.string().regex(/^\d+$/).default('1000000000000001'),
  workspaceName: z.string().min(1).default('Example Org'),
  emailDomains: z.array(z.string().min(1)).min(1).default(['example.com']),
  rateLimitPerMinute: z.number().int().min(1).default(1500),
  rateWindowMs: z.number().int().min(1).default(60_000),
  maxConcurrentReads: z.number().int().min(1).default(50),
  maxConcurrentWrites: z.number().int().min(1).default(15),
  removeNonMember: z.enum(['ok', 'error']).default('ok'),
  tokenMode: z.enum(['serviceAccount', 'pat']).default('pat'),
  tokenOwner: z.object({ name: z.string().min(1), email: z.string().includes('@') }).optional(),
  costLimitPerMinute: z.number().int().min(1).default(150_000),
  offsetTtlMs: z.number().int().min(1).default(600_000),
  seedUsers: z
    .union([z.number().int().min(0), z.array(z.object({ name: z.string().min(1), email: z.string().includes('@') }))])
    .default(0),
  // Checked by the fault injector, which owns their meaning.
  faults: z.custom<FaultOptions>().default({}),
  seed: z.number().int().default(1),
});

export type SimulatorSettings = z.output<typeof settingsSchema>;

/** Throws a TypeError naming the first bad option. */
export function resolveSettings(options: SimulatorOptions): SimulatorSettings {
  const parsed = settingsSchema.safeParse(options);
  if (!parsed.success) throw new TypeError(`Invalid simulator options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** seedUsers as a list: a number N means user1@<first domain> … userN@<first domain>. */
export function seedList(settings: SimulatorSettings): Array<{ name: string; email: string }> {
  if (typeof settings.seedUsers !== 'number') return settings.seedUsers;
  const domain = settings.emailDomains[0] ?? 'example.com';
  return Array.from({ length: settings.seedUsers }, (_, i) => ({ name: `User ${i + 1}`, email: `user${i + 1}@${domain}` }));
}

/** Who the token belongs to: a service account, or (PAT) the workspace admin whose personal access token it is. */
export function tokenOwner(settings: SimulatorSettings): { name: string; email: string } {
  if (settings.tokenOwner !== undefined) return settings.tokenOwner;
  const domain = settings.emailDomains[0] ?? 'example.com';
  return settings.tokenMode === 'pat'
    ? { name: 'Simulator Admin', email: `admin@${domain}` }
    : { name: 'Simulator Service Account', email: `service-account@${domain}` };
}
