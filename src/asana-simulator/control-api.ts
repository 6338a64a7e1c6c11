import { parseFaultOptions, type FaultInjector } from './fault-injector.js';
import { parseJson } from './http-io.js';
import type { RequestLog } from './request-log.js';
import type { Reply } from './route.js';
import { SimHttpError } from './sim-http-error.js';
import type { SimStore } from './sim-store.js';
import { addTasks, listTasks, parseTaskSeed } from './task-seeding.js';

/**
 * The simulator's own HTTP control surface under /_simulator/, so a separate process (the sandbox, an IdP
 * test run) can inspect state and drive faults. These requests are not rate-limited, faulted or logged.
 */
export const CONTROL_PREFIX = '/_simulator/';

export interface ControlDeps {
  store: SimStore;
  log: RequestLog;
  faults: FaultInjector;
}

const NO_CONTENT: Reply = { status: 204, body: undefined };

export function handleControl(deps: ControlDeps, method: string, path: string, body: string): Reply {
  const { store, log, faults } = deps;
  switch (`${method} ${path.slice(CONTROL_PREFIX.length)}`) {
    case 'GET state':
      return {
        status: 200,
        body: {
          data: {
            workspace: { ...store.workspace },
            users: store.users(),
            teams: store.teams(),
            faults: faults.current(),
          },
        },
      };
    case 'GET tasks':
      return { status: 200, body: { data: listTasks(store) } };
    case 'POST tasks':
      return { status: 201, body: { data: addTasks(store, parseTaskSeed(parseJson(body === '' ? '{}' : body))) } };
    case 'GET requests':
      return { status: 200, body: { data: log.list() } };
    case 'DELETE requests':
      log.clear();
      return NO_CONTENT;
    case 'PUT faults':
      // A plain JSON object of FaultOptions; it replaces the current faults, as setFaults does.
      faults.set(parseFaultOptions(parseJson(body === '' ? '{}' : body)));
      return { status: 200, body: { data: faults.current() } };
    case 'DELETE faults':
      faults.clear();
      return NO_CONTENT;
    default:
      throw SimHttpError.noRoute();
  }
}
