import type { Logger } from 'pino';
import { AsanaError } from '../asana/asana-error.js';
import type { AsanaApi } from '../asana/types.js';
import type { MappingStore } from '../store/mapping-store.js';

/** What the last check found; /readyz, `scim-bridge status` and the admin page show it as it is. */
export interface Readiness {
  readonly ready: boolean;
  /** `ok`, or why the store did not answer. */
  readonly store: string;
  /** `accepted`, `refused` (401/403: the token is wrong or revoked), `unreachable` or `unchecked`. */
  readonly asana: 'accepted' | 'refused' | 'unreachable' | 'unchecked';
  /** Why the bridge is not ready (or what is degraded); null when all is well. */
  readonly reason: string | null;
  readonly checkedAt: string | null;
}

export interface ReadinessDeps {
  readonly store: Pick<MappingStore, 'ping'>;
  readonly asana: Pick<AsanaApi, 'getUser'>;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Readiness (issue 14): the store answers AND Asana accepts the bridge's token. Checked at start and then every
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
      await this.deps.asana.getUser('me', { opt_fields: ['gid'] });
      asana = 'accepted';
      this.tokenRefused = false;
    } catch (error) {
      const status = error instanceof AsanaError ? error.status : 0;
      if (status === 401 || status === 403) {
        asana = 'refused';
        this.tokenRefused = true;
        asanaProblem = `Asana refused the bridge's token (${status}): check ASANA_TOKEN`;
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
