import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRouter } from './api-router.js';
import { CostLimiter } from './cost-limiter.js';
import { FaultInjector } from './fault-injector.js';
import { PageTokens } from './paging.js';
import { RateLimiter } from './rate-limiter.js';
import { RecordRenderer } from './record-renderer.js';
import { API_BASE_PATH, createRequestHandler } from './request-handler.js';
import { RequestLog } from './request-log.js';
import type { RouteDeps } from './route.js';
import { createRandom } from './seeded-random.js';
import { addTasks, listTasks } from './task-seeding.js';
import { SimStore, toSimTeam, toSimUser } from './sim-store.js';
import { resolveSettings, seedList, tokenOwner } from './simulator-settings.js';
import { taskRoutes } from './task-routes.js';
import { teamRoutes } from './team-routes.js';
import { TokenAccess } from './token-access.js';
import type { AsanaSimulator, SimulatorOptions } from './types.js';
import { userRoutes } from './user-routes.js';
import { workspaceMembershipRoutes } from './workspace-membership-routes.js';
import { workspaceRoutes } from './workspace-routes.js';

/**
 * Starts a simulated Asana REST API (the subset the bridge uses) on a real HTTP server and wires its parts
 * together in this one place. Resolves once it listens; `url` is then the Asana base URL to use.
 */
export async function startAsanaSimulator(options: SimulatorOptions = {}): Promise<AsanaSimulator> {
  const settings = resolveSettings(options);
  const store = new SimStore(
    { gid: settings.workspaceGid, name: settings.workspaceName, emailDomains: settings.emailDomains },
    { ...tokenOwner(settings), serviceAccount: settings.tokenMode === 'serviceAccount' },
  );
  for (const user of seedList(settings)) store.seedMember(user.name, user.email);
  const faults = new FaultInjector(settings.seed);
  faults.set(settings.faults);
  const log = new RequestLog();
  const limiter = new RateLimiter({
    perWindow: settings.rateLimitPerMinute,
    windowMs: settings.rateWindowMs,
    maxConcurrentReads: settings.maxConcurrentReads,
    maxConcurrentWrites: settings.maxConcurrentWrites,
  });
  const costs = new CostLimiter(settings.costLimitPerMinute, settings.rateWindowMs);

  const server = createServer();
  let closing = false;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const url = `${origin}${API_BASE_PATH}`;

  const routeDeps: RouteDeps = {
    store,
    access: new TokenAccess(settings.tokenMode, store),
    render: new RecordRenderer(store.workspace, origin),
    pages: new PageTokens(settings.offsetTtlMs),
    baseUrl: url,
    removeNonMember: settings.removeNonMember,
  };
  const router = new ApiRouter([
    ...userRoutes(routeDeps),
    ...workspaceRoutes(routeDeps),
    ...workspaceMembershipRoutes(routeDeps),
    ...teamRoutes(routeDeps),
    ...taskRoutes(routeDeps),
  ]);
  // Attached right after listen resolves: no connection can be served before this synchronous continuation.
  server.on(
    'request',
    createRequestHandler({
      router,
      limiter,
      costs,
      log,
      faults,
      store,
      phraseRandom: createRandom(settings.seed + 1),
      token: settings.token,
      origin,
      closing: () => closing,
    }),
  );

  return {
    url,
    origin,
    token: settings.token,
    workspaceGid: store.workspace.gid,
    tokenOwnerGid: store.me.gid,
    setFaults: (next) => {
      faults.set(next);
    },
    clearFaults: () => {
      faults.clear();
    },
    requests: () => log.list(),
    clearRequests: () => {
      log.clear();
    },
    users: () => store.users(),
    teams: () => store.teams(),
    addUser: ({ name, email }) => toSimUser(store.seedMember(name, email)),
    changeEmail: (gid, email) => toSimUser(store.changeEmail(gid, email)),
    addTasks: (seed) => addTasks(store, seed),
    tasks: () => listTasks(store),
    addTeam: ({ name, visibility = 'public', memberGids = [] }) => {
      const team = store.createTeam({ name, visibility });
      for (const gid of memberGids) store.addToTeam(team, store.getUser(gid));
      return toSimTeam(team);
    },
    deleteTeam: (gid) => {
      store.deleteTeam(gid);
    },
    setTokenOwnerAdmin: (admin) => {
      store.me.membership.admin = admin;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // Idle keep-alive sockets would hold close() open; requests in flight still get their answers.
        server.closeIdleConnections();
      }),
  };
}
