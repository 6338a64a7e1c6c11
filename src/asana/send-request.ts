import type { Dispatcher } from 'undici';
import { AsanaError } from './asana-error.js';

export interface AsanaRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Below the base path, segments already encoded, e.g. `/teams/123/addUser`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  /** Wrapped as `{"data": …}`, the only top-level request key Asana accepts besides `options`. */
  readonly data?: unknown;
}

/** Asana's response envelope: `{data}`, plus `next_page` on paginated lists when `limit` was given. */
export interface AsanaEnvelope {
  readonly data: unknown;
  readonly next_page?: unknown;
}

export type AttemptOutcome =
  | { readonly ok: true; readonly status: number; readonly envelope: AsanaEnvelope }
  | { readonly ok: false; readonly error: AsanaError; readonly notSent: boolean };

export interface SendContext {
  readonly dispatcher: Dispatcher;
  /** The base URL's path, e.g. `/api/1.0`. */
  readonly basePath: string;
  readonly token: string;
  /** The whole exchange (connect, headers and body) must end within this, not only each idle gap. */
  readonly timeoutMs: number;
  /** How long a write that got no answer may still be carried out by Asana (AsanaClientOptions). */
  readonly landingWindowMs: number;
  /** A response body longer than this is not read: the connection is closed and the outcome is unknown. */
  readonly maxResponseBytes: number;
}

/**
 * A `Retry-After` above this is read as this. Asana's own limits are per minute; an hours-long value comes from a
 * proxy or a fault, and obeying it would hold this item (and, through the limiter, every call) for hours.
 */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Failures that happen before a connection exists: nothing was written, so Asana cannot have acted.
 * A reset or closed socket (UND_ERR_SOCKET, ECONNRESET) or a timeout may come after the request left.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One HTTP exchange with Asana; never throws, so the caller decides about retries in one place.
 *
 * Only a 4xx other than 429 is a refusal (`retryable: false`). Every other answer that carries no usable
 * `{data}` leaves the outcome unknown and is retryable: a 3xx (the bridge follows no redirect: Asana's API
 * answers in place, so a redirect is a proxy or a wrong ASANA_BASE_URL), a 2xx without a `{data}` envelope, a
 * body over `maxResponseBytes` whatever its status, or no complete answer within `timeoutMs`.
 */
export async function sendRequest(context: SendContext, request: AsanaRequest): Promise<AttemptOutcome> {
  let response: Dispatcher.ResponseData;
  let text: string | undefined;
  try {
    response = await context.dispatcher.request({
      method: request.method,
      path: context.basePath + request.path + queryString(request.query),
      headers: {
        authorization: `Bearer ${context.token}`,
        accept: 'application/json',
        ...(request.data === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.data === undefined ? null : JSON.stringify({ data: request.data }),
      headersTimeout: context.timeoutMs,
      bodyTimeout: context.timeoutMs,
      // undici's timeouts above only catch idle gaps; a body that trickles in must still end in time.
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    text = await readBounded(response, context.maxResponseBytes);
  } catch (cause) {
    const code = errorCode(cause);
    // Status 0: no answer from Asana. Whether the request got there is unknown, so repeating may succeed. A write
    // that may have got there can still be carried out after we stopped waiting: its retry waits the landing window
    // (retryAfterMs), so neither the retry's answer nor the person's next call can be overtaken by it.
    const notSent = NOT_SENT_CODES.has(code);
    const landing = notSent || request.method === 'GET' ? undefined : context.landingWindowMs;
    const error = new AsanaError(0, [redact(code, context.token)], true, landing);
    return { ok: false, error, notSent };
  }

  const status = response.statusCode;
  if (text === undefined) {
    return unknownOutcome(status, `response body over ${context.maxResponseBytes} bytes, not read`);
  }
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (!isEnvelope(body)) return unknownOutcome(status, 'response is not a {data} envelope');
    return { ok: true, status, envelope: body };
  }
  if (status < 400 || status > 599) return unknownOutcome(status, 'unexpected answer (a redirect is not followed)');
  const retryable = status === 429 || status >= 500;
  const error = new AsanaError(
    status,
    errorMessages(body).map((message) => redact(message, context.token)),
    retryable,
    retryAfterMs(response.headers['retry-after']),
  );
  return { ok: false, error, notSent: false };
}

/** Asana answered, but not with anything that says whether it acted: retryable, never a refusal. */
function unknownOutcome(status: number, message: string): AttemptOutcome {
  return { ok: false, error: new AsanaError(status, [message], true), notSent: false };
}

/**
 * The body as text, or undefined when it is longer than `maxBytes`; then the body is destroyed, which closes the
 * connection (a half-read response cannot be reused) instead of reading the rest.
 */
async function readBounded(response: Dispatcher.ResponseData, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers['content-length']);
  const chunks: Buffer[] = [];
  let length = 0;
  if (!(declared > maxBytes)) {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      length += buffer.length;
      if (length > maxBytes) break;
      chunks.push(buffer);
    }
    if (length <= maxBytes) return Buffer.concat(chunks).toString('utf8');
  }
  // Destroying aborts the request, which the body reports as an error that nobody is left to read.
  response.body.on('error', () => {});
  response.body.destroy();
  return undefined;
}

function queryString(query: AsanaRequest['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || (typeof value === 'object' && value.length === 0)) continue;
    // Asana takes opt_fields as one comma-separated list of field paths.
    params.set(name, typeof value === 'object' ? value.join(',') : String(value));
  }
  const encoded = params.toString();
  return encoded === '' ? '' : `?${encoded}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isEnvelope(body: unknown): body is AsanaEnvelope {
  return typeof body === 'object' && body !== null && 'data' in body;
}

/** Asana's error body: `{"errors": [{"message", "help", "phrase"?}]}`; anything else (a proxy's page) has none. */
function errorMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('errors' in body) || !Array.isArray(body.errors)) return [];
  return body.errors.flatMap((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'message' in entry && typeof entry.message === 'string'
      ? [entry.message]
      : [],
  );
}

/** Asana sends `Retry-After: <seconds>` with a 429; capped at MAX_RETRY_AFTER_MS. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(value) * 1000));
}

function errorCode(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return cause instanceof Error ? cause.name : 'network error';
}

/** The token must never reach an error or a log line, even if a server were to echo it back. */
function redact(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[redacted]');
}
