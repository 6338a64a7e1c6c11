import type { Op } from './ops.js';

export interface ShrinkBudget {
  /** Give up shrinking (keeping the shortest sequence so far) at this Date.now(). */
  readonly until: number;
  readonly maxRuns: number;
}

/**
 * The shortest sequence found that still reproduces the failure: removes chunks of operations, halving the chunk
 * size down to single operations (delta debugging, Zeller's ddmin without the complement step), and keeps each
 * removal after which `reproduces` still holds. Timing makes some failures flaky, so a removal is kept only on a
 * reproduction, never assumed.
 */
export async function shrink(
  ops: readonly Op[],
  reproduces: (candidate: readonly Op[]) => Promise<boolean>,
  budget: ShrinkBudget,
): Promise<{ ops: readonly Op[]; runs: number }> {
  let current = ops;
  let runs = 0;
  const spent = () => runs >= budget.maxRuns || Date.now() >= budget.until;
  for (let chunk = Math.ceil(current.length / 2); chunk >= 1 && !spent(); chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let start = current.length - chunk; start >= 0 && !spent(); start -= chunk) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      runs += 1;
      if (candidate.length > 0 && (await reproduces(candidate))) current = candidate;
    }
  }
  return { ops: current, runs };
}
