import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = {
  SCIM_TOKEN: 'a-scim-token-of-32-characters-xx',
  ASANA_TOKEN: 'asana-token',
  ASANA_WORKSPACE_GID: '12345',
};

t.test('defaults are applied and the result is frozen', async (t) => {
  const config = loadConfig(valid);
  t.equal(config.PORT, 8080);
  t.equal(config.HOST, '0.0.0.0');
  t.equal(config.ASANA_BASE_URL, 'https://app.asana.com/api/1.0');
  t.equal(config.DATABASE_URL, 'file:./data/scim-bridge.db');
  t.equal(config.databaseLabel, './data/scim-bridge.db');
  t.equal(config.ASANA_RATE_LIMIT_PER_MINUTE, 1500);
  t.equal(config.LOG_LEVEL, 'info');
  t.same(config.SCIM_TOKEN, [valid.SCIM_TOKEN]);
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.SCIM_TOKEN));
});

t.test('a comma-separated SCIM_TOKEN holds several tokens for rotation', async (t) => {
  const config = loadConfig({ ...valid, SCIM_TOKEN: `${valid.SCIM_TOKEN}, second-token-0123456789` });
  t.same(config.SCIM_TOKEN, [valid.SCIM_TOKEN, 'second-token-0123456789']);
});

t.test('deprovisioning settings (issue 12): defaults, and TASK_HANDOVER_TO as an ordered list', async (t) => {
  const config = loadConfig(valid);
  t.same(config.TASK_HANDOVER_TO, [], 'no handover by default');
  t.equal(config.TASK_HANDOVER_MAX_MINUTES, 15);
  t.equal(config.DEPROVISION_BRAKE_LIMIT, 50);
  t.equal(config.DEPROVISION_BRAKE_WINDOW_MINUTES, 60);
  t.equal(config.ASANA_WRITES, 'on');
  const set = loadConfig({ ...valid, TASK_HANDOVER_TO: ' manager , it-archive@example.com ', DEPROVISION_BRAKE_LIMIT: '0', ASANA_WRITES: 'off' });
  t.same(set.TASK_HANDOVER_TO, ['manager', 'it-archive@example.com']);
  t.ok(Object.isFrozen(set.TASK_HANDOVER_TO));
  t.equal(set.DEPROVISION_BRAKE_LIMIT, 0, '0 turns the brake off');
  t.equal(set.ASANA_WRITES, 'off');
});

t.test('ASANA_ALLOWED_EMAIL_DOMAINS: empty allows any; a comma-separated list, trimmed and lower-cased', async (t) => {
  t.same(loadConfig(valid).ASANA_ALLOWED_EMAIL_DOMAINS, []);
  const config = loadConfig({ ...valid, ASANA_ALLOWED_EMAIL_DOMAINS: ' Example.com, @example.org ,' });
  t.same(config.ASANA_ALLOWED_EMAIL_DOMAINS, ['example.com', 'example.org']);
  t.ok(Object.isFrozen(config.ASANA_ALLOWED_EMAIL_DOMAINS));
});

t.test('DATABASE_URL=postgres://… chooses PostgreSQL; its password never shows in the label', async (t) => {
  const config = loadConfig({ ...valid, DATABASE_URL: 'postgres://bridge:s3cret@db.internal:5432/scim' });
  t.equal(config.DATABASE_URL, 'postgres://bridge:s3cret@db.internal:5432/scim');
  t.equal(config.databaseLabel, 'postgres://bridge:***@db.internal:5432/scim');
  t.equal(loadConfig({ ...valid, DATABASE_URL: 'postgresql://db/scim' }).databaseLabel, 'postgresql://db/scim');
});

const invalid: Array<[string, Record<string, string | undefined>, string]> = [
  ['missing SCIM_TOKEN', { ...valid, SCIM_TOKEN: undefined }, 'SCIM_TOKEN'],
  ['short SCIM_TOKEN', { ...valid, SCIM_TOKEN: 'short' }, 'SCIM_TOKEN'],
  ['missing ASANA_TOKEN', { ...valid, ASANA_TOKEN: undefined }, 'ASANA_TOKEN'],
  ['missing ASANA_WORKSPACE_GID', { ...valid, ASANA_WORKSPACE_GID: undefined }, 'ASANA_WORKSPACE_GID'],
  ['non-numeric ASANA_WORKSPACE_GID', { ...valid, ASANA_WORKSPACE_GID: 'abc' }, 'ASANA_WORKSPACE_GID'],
  ['PORT not a number', { ...valid, PORT: 'eighty' }, 'PORT'],
  ['PORT out of range', { ...valid, PORT: '70000' }, 'PORT'],
  ['ASANA_BASE_URL not a URL', { ...valid, ASANA_BASE_URL: 'not a url' }, 'ASANA_BASE_URL'],
  ['DATABASE_URL of an unsupported kind', { ...valid, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  ['rate limit zero', { ...valid, ASANA_RATE_LIMIT_PER_MINUTE: '0' }, 'ASANA_RATE_LIMIT_PER_MINUTE'],
  ['unknown LOG_LEVEL', { ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ['a TASK_HANDOVER_TO entry neither manager nor an address', { ...valid, TASK_HANDOVER_TO: 'manager,boss' }, 'TASK_HANDOVER_TO'],
  ['negative DEPROVISION_BRAKE_LIMIT', { ...valid, DEPROVISION_BRAKE_LIMIT: '-1' }, 'DEPROVISION_BRAKE_LIMIT'],
  ['DEPROVISION_BRAKE_WINDOW_MINUTES zero', { ...valid, DEPROVISION_BRAKE_WINDOW_MINUTES: '0' }, 'DEPROVISION_BRAKE_WINDOW_MINUTES'],
  ['ASANA_WRITES neither on nor off', { ...valid, ASANA_WRITES: 'maybe' }, 'ASANA_WRITES'],
  ['an address for a domain', { ...valid, ASANA_ALLOWED_EMAIL_DOMAINS: 'jane@example.com' }, 'ASANA_ALLOWED_EMAIL_DOMAINS'],
];

for (const [name, env, variable] of invalid) {
  t.test(`${name} stops the start, naming ${variable}`, async (t) => {
    t.throws(() => loadConfig(env), ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      t.match((error as Error).message, new RegExp(`\\b${variable}\\b`));
      t.notMatch((error as Error).message, /a-scim-token-of-32/, 'never echoes a secret');
    }
  });
}
