import { z } from 'zod';
import type { FaultOptions, SimulatorOptions } from './types.js';

/**
 * SimulatorOptions with every default filled in, in one visible place. The limits are Asana's for a paid
 * organization (facts.md §2.7): 1,500 requests per minute, 50 concurrent reads, 15 concurrent writes.
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
