/**
 * A failed Asana call: the HTTP status (0 when no response arrived), Asana's error messages, and whether
 * repeating the same call is safe and may succeed (429, 5xx, timeouts, dropped connections).
 * Provisioning translates it to SCIM; nothing else does.
 */
export class AsanaError extends Error {
  override readonly name = 'AsanaError';

  constructor(
    readonly status: number,
    readonly messages: readonly string[],
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(messages.length > 0 ? `Asana ${status || 'network error'}: ${messages.join('; ')}` : `Asana ${status}`);
  }

  /** 400/402/403/404 and the like: Asana said no, and saying it again changes nothing. */
  get permanent(): boolean {
    return !this.retryable;
  }
}
