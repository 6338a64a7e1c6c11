import { readFileSync } from 'node:fs';
import t from 'tap';
import { runSequence, type RunResult } from './executor.js';
import { generateOps } from './generator.js';
import { describeOps, type Op } from './ops.js';
import { shrink } from './shrink.js';

/**
 * Issue 9, the model-based test of the whole write path: seeded random sequences of SCIM writes, reconciliation
 * passes and restarts, interleaved with Asana faults, each run against a fresh simulator and bridge and a reference
 * model of what the IdP asked for (test/model/reference-model.ts); after Asana heals and the queue drains, the
 * checker (checker.ts) compares the model, the bridge and Asana. A failing seed is shrunk to the shortest sequence
 * that still fails the same way, and printed.
 *
 * MODEL_SEED=<n> runs seed n alone (MODEL_SEEDS=<k> runs k seeds from it); MODEL_OPS=<n> sets the length of each
 * sequence; MODEL_REPLAY=<file.json> replays a printed sequence (a JSON array of operations) with MODEL_SEED;
 * MODEL_TRACE=1 prints every write's answer and the sync state that follows.
 */
const env = process.env;
const FIRST_SEED = Number(env['MODEL_SEED'] ?? 1);
const SEEDS = Number(env['MODEL_SEEDS'] ?? (env['MODEL_SEED'] ? 1 : 60));
const OPS = Number(env['MODEL_OPS'] ?? 40);
const PARALLEL = Number(env['MODEL_PARALLEL'] ?? 5);
const REPLAY = env['MODEL_REPLAY'];
const TRACE = env['MODEL_TRACE'] !== undefined;
/** Long enough for the backoff (at most 200 ms here) to retry everything several times after Asana heals. */
const DRAIN_MS = 3_000;
/** Failing runs are shrunk for at most this long in all, so that the failure report comes in reasonable time. */
const SHRINK_MS = 150_000;

t.setTimeout(600_000);

t.test('model-based test: the write path converges to what the IdP asked for, under Asana faults', async (t) => {
  const started = Date.now();
  const sequences: Array<{ seed: number; ops: readonly Op[] }> = REPLAY
    ? [{ seed: FIRST_SEED, ops: JSON.parse(readFileSync(REPLAY, 'utf8')) as Op[] }]
    : Array.from({ length: SEEDS }, (_, i) => ({ seed: FIRST_SEED + i, ops: generateOps(FIRST_SEED + i, OPS) }));

  const results = new Map<number, RunResult>();
  let next = 0;
  const worker = async () => {
    while (next < sequences.length) {
      const { seed, ops } = sequences[next++]!;
      results.set(seed, await runSequence(seed, ops, DRAIN_MS, TRACE ? (line) => t.comment(`seed ${seed} ${line}`) : undefined));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  const all = [...results.values()];
  const sum = (key: keyof RunResult['stats']) => all.reduce((n, r) => n + r.stats[key], 0);
  const failing = sequences.filter(({ seed }) => (results.get(seed)?.divergences.length ?? 0) > 0);
  const figures = {
    seeds: sequences.length,
    operations: sum('ops'),
    skipped: sum('skipped'),
    writes: sum('writes'),
    refusedWrites: sum('refusedWrites'),
    faults: sum('faults'),
    reconciles: sum('reconciles'),
    restarts: sum('restarts'),
    failedResources: sum('failedResources'),
    failingSeeds: failing.map((s) => s.seed),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  t.comment(`model figures: ${JSON.stringify(figures)}`);
  t.ok(figures.operations >= (REPLAY || env['MODEL_SEED'] ? 1 : 2_000), 'enough operations ran');

  for (const { seed } of failing) {
    const { divergences } = results.get(seed)!;
    const categories = [...new Set(divergences.map((d) => d.category))];
    t.fail(`seed ${seed}: ${categories.join(', ')}: ${categories.map((c) => divergences.find((d) => d.category === c)!.detail).join(' | ')}`);
  }
  // Shrink the first failing seed of each kind of divergence: the shortest sequence that still breaks that promise.
  const byCategory = new Map<string, { seed: number; ops: readonly Op[] }>();
  for (const { seed } of failing) {
    const result = results.get(seed)!;
    for (const { category } of result.divergences) {
      // The operations up to the first divergence reproduce that one; a later one may need them all.
      const ops = category === result.divergences[0]!.category ? result.prefix : sequences.find((s) => s.seed === seed)!.ops;
      if (!byCategory.has(category)) byCategory.set(category, { seed, ops });
    }
  }
  const shrinkUntil = Date.now() + SHRINK_MS;
  for (const [category, { seed, ops }] of byCategory) {
    const generated = sequences.find((s) => s.seed === seed)!.ops.length;
    let detail = results.get(seed)!.divergences.find((d) => d.category === category)!.detail;
    const shrunk = await shrink(
      ops,
      async (candidate) => {
        const found = (await runSequence(seed, candidate, DRAIN_MS)).divergences.find((d) => d.category === category);
        if (found) detail = found.detail;
        return found !== undefined;
      },
      { until: Math.min(shrinkUntil, Date.now() + SHRINK_MS / byCategory.size), maxRuns: 200, parallel: PARALLEL },
    );
    t.comment(
      `seed ${seed} fails (${category}); shortest sequence found (${shrunk.ops.length} of ${generated} ` +
        `operations, ${shrunk.runs} shrink runs):\n${describeOps(shrunk.ops)}\n  → ${detail}\n` +
        `replay: MODEL_SEED=${seed} MODEL_REPLAY=<file holding the next line> npx tap test/model/write-path.model.ts\n` +
        JSON.stringify(shrunk.ops),
    );
  }
});
