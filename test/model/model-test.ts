import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { runSequence, type RunResult } from './executor.js';
import { generateOps } from './generator.js';
import { describeOps, type Op } from './ops.js';
import { shrink } from './shrink.js';

/**
 * Issue 9, the model-based test of the whole write path: seeded random sequences of SCIM writes, reconciliation
 * passes and restarts, interleaved with Asana faults, each run against a fresh simulator and bridge and a reference
 * model of what the IdP asked for (test/model/reference-model.ts); after Asana heals and the queue drains, the
 * checker (checker.ts) compares the model, the bridge and Asana. A failing seed is shrunk to the shortest sequence
 * that still fails the same way, and printed with its seed.
 *
 * `npm test` runs seeds 1–60 in write-path-1…6.test.ts (10 seeds each); `npm run test:model`
 * runs write-path.model.ts, for longer exploration, where the environment chooses: MODEL_SEED=<n> the first seed
 * (alone unless MODEL_SEEDS=<k> says how many), MODEL_OPS=<n> the length of each sequence, MODEL_REPLAY=<file.json>
 * a printed sequence to replay with MODEL_SEED, MODEL_TRACE=1 every write's answer, the sync state that follows and
 * the writes Asana saw.
 */
export interface ModelRun {
  readonly firstSeed: number;
  readonly seeds: number;
  /** Operations in each generated sequence. */
  readonly ops: number;
  /** The least number of operations the run must carry out (skipped ones do not count). */
  readonly minOperations: number;
  /** A sequence (a JSON file) to replay with `firstSeed` instead of generated ones. */
  readonly replay?: string;
  readonly trace?: boolean;
  /** Sequences run at once (each mostly waits on timers and sockets). */
  readonly parallel?: number;
  /** Shrinking failures stops this long after it started, keeping the shortest sequences found so far. */
  readonly shrinkMs?: number;
}

/**
 * What `npm test` runs in each of its six files: 10 seeds of 40 operations (about 34 of each 40 apply; the rest
 * name an empty slot), so 60 seeds and over 2,000 operations in all. Six files rather than one so that each ends
 * well inside tap's per-file timeout also on a heavily loaded machine (tap runs two at once); a failure is shrunk
 * for at most 45 s.
 */
export const CI_RUN = { seeds: 10, ops: 40, minOperations: 340, shrinkMs: 45_000 } as const;

/**
 * How long the queue may take to drain after Asana heals. Not a bound on speed: draining usually takes well under
 * a second and ends as soon as the queue is empty; a loaded machine may stretch it, and only work that never
 * finishes (a queue that spins) takes this long to report.
 */
const DRAIN_MS = 60_000;

export async function modelTest(t: Test, run: ModelRun): Promise<void> {
  const parallel = run.parallel ?? 5;
  const started = Date.now();
  const sequences: Array<{ seed: number; ops: readonly Op[] }> = run.replay
    ? [{ seed: run.firstSeed, ops: JSON.parse(readFileSync(run.replay, 'utf8')) as Op[] }]
    : Array.from({ length: run.seeds }, (_, i) => ({ seed: run.firstSeed + i, ops: generateOps(run.firstSeed + i, run.ops) }));

  const results = new Map<number, RunResult>();
  let next = 0;
  const worker = async () => {
    while (next < sequences.length) {
      const { seed, ops } = sequences[next++]!;
      results.set(seed, await runSequence(seed, ops, DRAIN_MS, run.trace ? (line) => t.comment(`seed ${seed} ${line}`) : undefined));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));

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
  t.ok(figures.operations >= run.minOperations, `at least ${run.minOperations} operations ran`);

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
  const shrinkMs = run.shrinkMs ?? 150_000;
  const shrinkUntil = Date.now() + shrinkMs;
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
      { until: Math.min(shrinkUntil, Date.now() + shrinkMs / byCategory.size), maxRuns: 200, parallel },
    );
    t.comment(
      `seed ${seed} fails (${category}); shortest sequence found (${shrunk.ops.length} of ${generated} ` +
        `operations, ${shrunk.runs} shrink runs):\n${describeOps(shrunk.ops)}\n  → ${detail}\n` +
        `replay: MODEL_SEED=${seed} MODEL_REPLAY=<file holding the next line> npm run test:model\n` +
        JSON.stringify(shrunk.ops),
    );
  }
}
