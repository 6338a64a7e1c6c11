import { z } from 'zod';
import type { FaultOptions, SimulatorOptions } from './types.js';

/**
 * The stand-alone simulator's settings from SIMULATOR_* environment variables. It stands apart from the
 * bridge, so it has its own small reader instead of the bridge's config.
 */
const integer = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const seedUsers = z.string().transform((text, context) => {
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return z.array(z.object({ name: z.string(), email: z.string() })).parse(JSON.parse(text));
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a number or a JSON list of {name, email}' });
    return z.NEVER;
  }
});

const envSchema = z.object({
  SIMULATOR_HOST: z.string().min(1).optional(),
  SIMULATOR_PORT: integer.optional(),
  SIMULATOR_TOKEN: z.string().min(1).optional(),
  SIMULATOR_RATE_LIMIT_PER_MINUTE: integer.optional(),
  SIMULATOR_SEED_USERS: seedUsers.optional(),
  SIMULATOR_ERROR_RATE: z.string().regex(/^\d*\.?\d+$/, 'must be a number from 0 to 1').transform(Number).optional(),
  SIMULATOR_LATENCY_MS: integer.optional(),
  SIMULATOR_TOKEN_MODE: z.enum(['serviceAccount', 'pat']).optional(),
  SIMULATOR_TOKEN_OWNER_NAME: z.string().min(1).optional(),
  SIMULATOR_TOKEN_OWNER_EMAIL: z.string().includes('@').optional(),
  SIMULATOR_COST_LIMIT_PER_MINUTE: integer.optional(),
  SIMULATOR_OFFSET_TTL_MS: integer.optional(),
});

/** Throws a TypeError naming the bad variable. Unset variables keep the simulator's defaults. */
export function readSimulatorEnv(env: Record<string, string | undefined>): SimulatorOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new TypeError(`Invalid simulator environment: ${z.prettifyError(parsed.error)}`);
  const vars = parsed.data;
  const { SIMULATOR_TOKEN_OWNER_NAME: ownerName, SIMULATOR_TOKEN_OWNER_EMAIL: ownerEmail } = vars;
  if ((ownerName === undefined) !== (ownerEmail === undefined)) {
    throw new TypeError('Invalid simulator environment: set both SIMULATOR_TOKEN_OWNER_NAME and _EMAIL, or neither');
  }
  const faults: FaultOptions = {
    ...(vars.SIMULATOR_ERROR_RATE !== undefined && { errorRate: vars.SIMULATOR_ERROR_RATE }),
    ...(vars.SIMULATOR_LATENCY_MS !== undefined && { latencyMs: vars.SIMULATOR_LATENCY_MS }),
  };
  return {
    ...(vars.SIMULATOR_HOST !== undefined && { host: vars.SIMULATOR_HOST }),
    ...(vars.SIMULATOR_PORT !== undefined && { port: vars.SIMULATOR_PORT }),
    ...(vars.SIMULATOR_TOKEN !== undefined && { token: vars.SIMULATOR_TOKEN }),
    ...(vars.SIMULATOR_RATE_LIMIT_PER_MINUTE !== undefined && { rateLimitPerMinute: vars.SIMULATOR_RATE_LIMIT_PER_MINUTE }),
    ...(vars.SIMULATOR_SEED_USERS !== undefined && { seedUsers: vars.SIMULATOR_SEED_USERS }),
    ...(vars.SIMULATOR_TOKEN_MODE !== undefined && { tokenMode: vars.SIMULATOR_TOKEN_MODE }),
    ...(ownerName !== undefined && ownerEmail !== undefined && { tokenOwner: { name: ownerName, email: ownerEmail } }),
    ...(vars.SIMULATOR_COST_LIMIT_PER_MINUTE !== undefined && { costLimitPerMinute: vars.SIMULATOR_COST_LIMIT_PER_MINUTE }),
    ...(vars.SIMULATOR_OFFSET_TTL_MS !== undefined && { offsetTtlMs: vars.SIMULATOR_OFFSET_TTL_MS }),
    faults,
  };
}
