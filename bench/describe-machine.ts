import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

/**
 * The machine a figure was measured on, for docs/benchmarks.md. os.cpus() lists every online CPU even inside
 * `taskset` (nproc and os.availableParallelism() would report only the pinned one).
 */
export function describeMachine(): string {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return [
    `CPUs: ${cpus().length} (${model})`,
    `RAM: ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `kernel: ${release()}`,
    `node: ${process.version}`,
  ].join(', ');
}
