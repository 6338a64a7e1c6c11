import t from 'tap';
import { CI_RUN, modelTest } from './model-test.js';

// The model-based test of the write path in `npm test`: seeds 1–10 of the 60 in write-path-1…6.test.ts (see
// model-test.ts).
t.test('model-based test: the write path converges to what the IdP asked for, under Asana faults', (t) =>
  modelTest(t, { ...CI_RUN, firstSeed: 1 }),
);
