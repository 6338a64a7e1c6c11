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
  readonly timeoutMs: number;
}

/**
 * Failures that happen before a connection exists: nothing was written, so Asana cannot have acted.
 * A reset or closed socket (UND_ERR_SOCKET, ECONNRESET) or a timeout may come after the request left.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** One HTTP exchange with Asana; never throws, so the caller decides about retries in one place. */
export async function sendRequest(context: SendContext, request: AsanaRequest): Promise<AttemptOutcome> {
  let response: Dispatcher.ResponseData;
  let text: string;
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
    });
    text = await response.body.text();
  } catch (cause) {
    const code = errorCode(cause);
    // Status 0: no answer from Asana. Whether the request got there is unknown, so repeating may succeed.
    const error = new AsanaError(0, [redact(code, context.token)], true);
    return { ok: false, error, notSent: NOT_SENT_CODES.has(code) };
  }

  const status = response.statusCode;
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (!isEnvelope(body)) {
      return { ok: false, error: new AsanaError(status, ['response is not a {data} envelope'], false), notSent: false };
    }
    return { ok: true, status, envelope: body };
  }
  const retryable = status === 429 || status >= 500;
  const error = new AsanaError(
    status,
    errorMessages(body).map((message) => redact(message, context.token)),
    retryable,
    retryAfterMs(response.headers['retry-after']),
  );
  return { ok: false, error, notSent: false };
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

/** Asana sends `Retry-After: <seconds>` with a 429. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value) * 1000);
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
