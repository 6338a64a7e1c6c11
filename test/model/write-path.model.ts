import t from 'tap';
import { CI_RUN, modelTest } from './model-test.js';

// `npm run test:model`: the model-based test for exploration and replays, chosen by the environment (see
// model-test.ts). By default seeds 61–260, the 200 after those `npm test` runs.
const env = process.env;
const firstSeed = Number(env['MODEL_SEED'] ?? 61);
const seeds = Number(env['MODEL_SEEDS'] ?? (env['MODEL_SEED'] ? 1 : 200));
const replay = env['MODEL_REPLAY'];
const ops = Number(env['MODEL_OPS'] ?? CI_RUN.ops);

t.test('model-based test: the write path converges to what the IdP asked for, under Asana faults', (t) =>
  modelTest(t, {
    firstSeed,
    seeds,
    ops,
    // About 34 of every 40 generated operations apply (the rest name an empty slot); a replay or one seed, at least 1.
    minOperations: replay || seeds < 10 ? 1 : Math.floor((seeds * ops * 34) / 40),
    ...(replay ? { replay } : {}),
    trace: env['MODEL_TRACE'] !== undefined,
    ...(env['MODEL_PARALLEL'] ? { parallel: Number(env['MODEL_PARALLEL']) } : {}),
  }),
);
