import type { Logger } from 'pino';
import { AsanaError } from '../asana/asana-error.js';
import type { MappingStore } from '../store/mapping-store.js';
import type { TokenOwner } from './token-owner.js';

/** What the last check found; /readyz, `scim-bridge status` and the admin page show it as it is. */
export interface Readiness {
  readonly ready: boolean;
  /** `ok`, or why the store did not answer. */
  readonly store: string;
  /**
   * `accepted`, `refused` (401/403: the token is wrong or revoked), `notAdmin` (the token's owner does not
   * administer the workspace), `unreachable` or `unchecked`.
   */
  readonly asana: 'accepted' | 'refused' | 'notAdmin' | 'unreachable' | 'unchecked';
  /** Why the bridge is not ready (or what is degraded); null when all is well. */
  readonly reason: string | null;
  readonly checkedAt: string | null;
}

export interface ReadinessDeps {
  readonly store: Pick<MappingStore, 'ping'>;
  /** Learns who the token is and whether they administer the workspace (issue 10). */
  readonly owner: Pick<TokenOwner, 'refresh'>;
  /** Named in the reason an admin reads. */
  readonly workspaceGid: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Readiness (issue 14): the store answers AND Asana accepts the bridge's token AND the token's owner administers
 * the workspace (issue 10: Asana's addUser and removeUser need an admin; without one every write would fail). Checked at start and then every
 * interval, never per probe: an orchestrator polling /readyz must not spend the token's Asana quota.
 *
 * Only a definite refusal (401/403) makes the bridge unready on Asana's account, and it sticks until Asana accepts
 * the token again. While Asana does not answer (a network error, 5xx, 429), the token can be neither accepted nor
 * refused: the bridge stays ready and says so in `reason`. It queues IdPs' writes through an outage
 * (docs/reliability.md), also after a restart during one, which a pod taken out of service could not.
 */
export class ReadinessMonitor {
  private last: Readiness = { ready: false, store: 'unchecked', asana: 'unchecked', reason: 'not checked yet', checkedAt: null };
  private tokenRefused = false;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<Readiness> | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: ReadinessDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get state(): Readiness {
    return this.last;
  }

  /** Checks now, then every interval. */
  start(): Promise<Readiness> {
    this.timer = setInterval(() => void this.check(), this.deps.intervalMs);
    this.timer.unref();
    return this.check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check of both; concurrent callers share it. */
  check(): Promise<Readiness> {
    this.checking ??= this.run().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async run(): Promise<Readiness> {
    let store = 'ok';
    try {
      await this.deps.store.ping();
    } catch (error) {
      store = `not reachable: ${error instanceof Error ? error.message : 'unknown error'}`;
    }
    let asana: Readiness['asana'];
    let asanaProblem: string | null = null;
    try {
      const owner = await this.deps.owner.refresh();
      const workspace = this.deps.workspaceGid;
      if (owner.member && owner.admin) {
        asana = 'accepted';
        this.tokenRefused = false;
      } else {
        asana = 'notAdmin';
        this.tokenRefused = true;
        asanaProblem = owner.member
          ? `the token's owner (Asana user ${owner.gid}) is not an admin of workspace ${workspace}: make them an admin in Asana's admin console, or set ASANA_TOKEN to a workspace admin's personal access token`
          : `the token's owner (Asana user ${owner.gid}) is not an active member of workspace ${workspace}: check ASANA_WORKSPACE_GID, or set ASANA_TOKEN to a personal access token of an admin of that workspace`;
      }
    } catch (error) {
      const status = error instanceof AsanaError ? error.status : 0;
      if (status === 401 || status === 403) {
        asana = 'refused';
        this.tokenRefused = true;
        asanaProblem = `Asana refused the bridge's token (${status}): it is wrong or revoked; set ASANA_TOKEN to a workspace admin's personal access token`;
      } else {
        asana = 'unreachable';
        asanaProblem = this.tokenRefused
          ? `Asana refused the bridge's token before and is not answering now (${status || 'network error'})`
          : `Asana is not answering (${status || 'network error'}); writes are queued until it does`;
      }
    }
    const ready = store === 'ok' && !this.tokenRefused;
    const reason = store !== 'ok' ? `mapping store ${store}` : asanaProblem;
    const next: Readiness = { ready, store, asana, reason, checkedAt: this.now().toISOString() };
    if (next.ready !== this.last.ready || next.reason !== this.last.reason) {
      this.deps.logger[next.ready ? 'info' : 'warn']({ ready, store, asana, reason }, 'readiness changed');
    }
    this.last = next;
    return next;
  }
}
