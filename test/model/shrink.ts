import type { Op } from './ops.js';

export interface ShrinkBudget {
  /** Give up shrinking (keeping the shortest sequence so far) at this Date.now(). */
  readonly until: number;
  readonly maxRuns: number;
  /** Candidates tried at once (each run mostly waits on timers and sockets). */
  readonly parallel: number;
}

/**
 * The shortest sequence found that still reproduces the failure: removes chunks of operations, from the end,
 * halving the chunk size down to single operations (delta debugging, Zeller's ddmin without the complement step),
 * and keeps a removal after which `reproduces` still holds. Timing makes some failures flaky, so a removal is kept
 * only on a reproduction, never assumed.
 */
export async function shrink(
  ops: readonly Op[],
  reproduces: (candidate: readonly Op[]) => Promise<boolean>,
  budget: ShrinkBudget,
): Promise<{ ops: readonly Op[]; runs: number }> {
  let current = ops;
  let runs = 0;
  const spent = () => runs >= budget.maxRuns || Date.now() >= budget.until;
  const without = (start: number, chunk: number) => [...current.slice(0, start), ...current.slice(start + chunk)];
  for (let chunk = Math.ceil(current.length / 2); chunk >= 1 && !spent(); chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    let start = current.length - chunk;
    while (start >= 0 && !spent()) {
      const starts = Array.from({ length: budget.parallel }, (_, i) => start - i * chunk).filter((s) => s >= 0);
      runs += starts.length;
      const verdicts = await Promise.all(
        starts.map((s) => {
          const candidate = without(s, chunk);
          return candidate.length > 0 ? reproduces(candidate) : Promise.resolve(false);
        }),
      );
      const kept = verdicts.indexOf(true);
      const at = starts[kept === -1 ? starts.length - 1 : kept] as number;
      if (kept !== -1) current = without(at, chunk);
      start = at - chunk;
    }
  }
  return { ops: current, runs };
}
