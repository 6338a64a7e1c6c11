/**
 * Stand-alone entry: `tsx src/asana-simulator/main.ts`. Options come from SIMULATOR_* environment
 * variables (see simulator-env.ts); it prints where it listens and stops cleanly on SIGTERM or SIGINT.
 */
import { readSimulatorEnv } from './simulator-env.js';
import { startAsanaSimulator } from './start-asana-simulator.js';

const simulator = await startAsanaSimulator(readSimulatorEnv(process.env));
process.stdout.write(
  [
    'Asana simulator listening',
    `  url:           ${simulator.url}`,
    `  token:         ${simulator.token}`,
    `  workspace gid: ${simulator.workspaceGid}`,
    `  token owner:   ${simulator.tokenOwnerGid}`,
    `  control API:   ${simulator.origin}/_simulator/state`,
    '',
  ].join('\n'),
);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: closing the Asana simulator\n`);
  await simulator.close();
}
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));
