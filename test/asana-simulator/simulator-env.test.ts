import t from 'tap';
import { readSimulatorEnv } from '../../src/asana-simulator/simulator-env.js';

t.test('SIMULATOR_* variables become simulator options', async (t) => {
  const cases: Array<{ env: Record<string, string>; expected: unknown }> = [
    { env: {}, expected: { faults: {} } },
    { env: { PATH: '/bin', PORT: '80' }, expected: { faults: {} } },
    {
      env: {
        SIMULATOR_HOST: '0.0.0.0',
        SIMULATOR_PORT: '4010',
        SIMULATOR_TOKEN: 'sandbox',
        SIMULATOR_RATE_LIMIT_PER_MINUTE: '150',
        SIMULATOR_SEED_USERS: '25',
        SIMULATOR_ERROR_RATE: '0.05',
        SIMULATOR_LATENCY_MS: '20',
      },
      expected: {
        host: '0.0.0.0',
        port: 4010,
        token: 'sandbox',
        rateLimitPerMinute: 150,
        seedUsers: 25,
        faults: { errorRate: 0.05, latencyMs: 20 },
      },
    },
    {
      env: {
        SIMULATOR_TOKEN_MODE: 'pat',
        SIMULATOR_TOKEN_OWNER_NAME: 'Ada Admin',
        SIMULATOR_TOKEN_OWNER_EMAIL: 'ada@example.com',
        SIMULATOR_COST_LIMIT_PER_MINUTE: '5000',
        SIMULATOR_OFFSET_TTL_MS: '60000',
      },
      expected: {
        tokenMode: 'pat',
        tokenOwner: { name: 'Ada Admin', email: 'ada@example.com' },
        costLimitPerMinute: 5000,
        offsetTtlMs: 60000,
        faults: {},
      },
    },
    {
      env: { SIMULATOR_SEED_USERS: '[{"name":"Ada","email":"ada@example.com"}]' },
      expected: { seedUsers: [{ name: 'Ada', email: 'ada@example.com' }], faults: {} },
    },
  ];
  for (const { env, expected } of cases) t.same(readSimulatorEnv(env), expected, JSON.stringify(env));
});

t.test('a bad variable is refused', async (t) => {
  const cases = [
    { SIMULATOR_PORT: 'eighty' },
    { SIMULATOR_RATE_LIMIT_PER_MINUTE: '-5' },
    { SIMULATOR_SEED_USERS: '{"name":"Ada"}' },
    { SIMULATOR_SEED_USERS: 'many' },
    { SIMULATOR_ERROR_RATE: 'often' },
    { SIMULATOR_LATENCY_MS: '1.5' },
    { SIMULATOR_TOKEN_MODE: 'oauth' },
    { SIMULATOR_TOKEN_OWNER_NAME: 'Ada Admin' },
    { SIMULATOR_TOKEN_OWNER_EMAIL: 'not-an-email' },
  ];
  for (const env of cases) t.throws(() => readSimulatorEnv(env), TypeError, JSON.stringify(env));
});
