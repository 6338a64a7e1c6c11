import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * CPU accounting from /proc, so a figure taken on a shared machine says how much CPU it actually got. Both files
 * count in USER_HZ ticks (100 per second on Linux), so ratios need no conversion.
 */
export interface CpuSnapshot {
  /** utime + stime of the process. */
  readonly processTicks: number;
  /** Busy and total ticks of each core, by core number. */
  readonly cores: ReadonlyMap<number, { readonly busy: number; readonly total: number }>;
}

export interface CpuUse {
  /** The process's CPU time over the elapsed time of its core, 0..1. */
  readonly process: number;
  /** Each core's busy share over the interval, 0..1, including the process's own. */
  readonly coreBusy: ReadonlyMap<number, number>;
  readonly processSeconds: number;
}

const USER_HZ = 100;

export function cpuSnapshot(pid: number): CpuSnapshot {
  // /proc/<pid>/stat: the command name is in parentheses and may contain spaces; fields after it are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const processTicks = Number(fields[11]) + Number(fields[12]);
  const cores = new Map<number, { busy: number; total: number }>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+) (.+)$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]
      .split(' ')
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    cores.set(Number(match[1]), { busy, total: busy + idle + iowait });
  }
  return { processTicks, cores };
}

/** What happened between two snapshots; `core` is the core the process is pinned to. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, core: number): CpuUse {
  const coreBusy = new Map<number, number>();
  for (const [n, end] of after.cores) {
    const start = before.cores.get(n);
    if (start && end.total > start.total) coreBusy.set(n, (end.busy - start.busy) / (end.total - start.total));
  }
  const own = after.processTicks - before.processTicks;
  const elapsed = (after.cores.get(core)?.total ?? 0) - (before.cores.get(core)?.total ?? 0);
  return { process: elapsed > 0 ? own / elapsed : 0, coreBusy, processSeconds: own / USER_HZ };
}

/**
 * Waits until every core was at most `threshold` busy over one second, or `maxWaitMs` passed: on a shared machine
 * a run started in a lull measures the code, not the neighbours. Resolves with the busiest core's last share.
 */
export async function waitForQuietCores(threshold = 0.1, maxWaitMs = 120_000): Promise<number> {
  const until = performance.now() + maxWaitMs;
  for (;;) {
    const before = cpuSnapshot(process.pid);
    await sleep(1000);
    const busiest = Math.max(...cpuBetween(before, cpuSnapshot(process.pid), 0).coreBusy.values());
    if (busiest <= threshold || performance.now() >= until) return busiest;
  }
}
