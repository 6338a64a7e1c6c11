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
