import type { ReconcilePhase } from '../provisioning/reconcile-report.js';

const WIDTH = 30;

/**
 * Progress of a reconciliation pass on stderr: a bar redrawn in place on a terminal, else one line per step
 * (a log collector or CI gets lines, not carriage returns). Written by hand, see docs/decisions.md.
 */
export function progressReporter(stream: NodeJS.WriteStream): { update(p: ReconcilePhase): void; done(): void } {
  let last = '';
  let drawn = false;
  return {
    update({ phase, done, total }) {
      if (!stream.isTTY) {
        const line = `compared ${done}/${total} ${phase}`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
        return;
      }
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(share * WIDTH);
      stream.write(`\r${phase.padEnd(5)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}  `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
