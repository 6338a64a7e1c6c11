/** One HTTP exchange with Asana, as the client saw it: what metrics and the audit log are made of. */
export interface AsanaAttempt {
  /** Asana's operationId, e.g. addUserForWorkspace. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly durationMs: number;
}

/**
 * Told of every attempt, retries included, after it ends. Called synchronously on the caller's async context,
 * so an observer may attribute the call to the request or work item that caused it (see provisioning/audit-trail).
 */
export interface AsanaCallObserver {
  onAttempt(attempt: AsanaAttempt): void;
}
