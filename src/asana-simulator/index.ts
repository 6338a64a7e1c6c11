/**
 * The Asana simulator: a stand-alone HTTP server that behaves like the subset of Asana's REST API the bridge
 * uses, with rate limits and fault injection. It imports nothing from the rest of src/.
 */
export { startAsanaSimulator } from './start-asana-simulator.js';
export type {
  AsanaSimulator,
  FailNext,
  FaultOptions,
  LoggedRequest,
  SimTask,
  SimTeam,
  TaskSeedInput,
  SimUser,
  SimulatorOptions,
} from './types.js';
