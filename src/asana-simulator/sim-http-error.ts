/**
 * An answer the simulator gives as an Asana error: `{"errors":[{"message","help"}]}` (+ `phrase` on 500),
 * per shared/reference/asana/facts.md §2.6. The simulator stands alone, so it has its own error type
 * instead of the bridge's AsanaError.
 */
export const ERRORS_HELP =
  'For more information on API status codes and how to handle them, read the docs on errors: ' +
  'https://developers.asana.com/docs/errors';

export const RATE_LIMIT_MESSAGE =
  "You've made too many requests and hit a rate limit. Please retry after the given amount of time.";

/** Messages for statuses injected by faults, worded as Asana's spec describes them. */
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Not Authorized',
  402: 'This feature is only available to premium organizations and workspaces.',
  403: 'Forbidden',
  404: 'No matching route for request',
  429: RATE_LIMIT_MESSAGE,
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  static missingInput(param: string): SimHttpError {
    return new SimHttpError(400, `${param}: Missing input`);
  }

  static invalid(param: string, detail: string): SimHttpError {
    return new SimHttpError(400, `${param}: ${detail}`);
  }

  static notRecognized(type: string, gid: string): SimHttpError {
    return new SimHttpError(404, `${type}: Not a recognized ID: ${gid}`);
  }

  static noRoute(): SimHttpError {
    return new SimHttpError(404, 'No matching route for request');
  }

  static notAuthorized(): SimHttpError {
    return new SimHttpError(401, 'Not Authorized');
  }

  static forbidden(detail: string): SimHttpError {
    return new SimHttpError(403, detail);
  }

  static tooManyRequests(retryAfterSeconds: number): SimHttpError {
    return new SimHttpError(429, RATE_LIMIT_MESSAGE, retryAfterSeconds);
  }

  /** An injected failure (failNext, errorRate) with the status's stock message. */
  static forStatus(status: number, retryAfterSeconds?: number): SimHttpError {
    return new SimHttpError(status, STATUS_MESSAGES[status] ?? 'Error', retryAfterSeconds);
  }
}

export interface ErrorBody {
  errors: Array<{ message: string; help: string; phrase?: string }>;
}

/** Asana adds a support `phrase` to 500s only (facts.md §2.6). */
export function errorBody(status: number, message: string, phrase: () => string): ErrorBody {
  return { errors: [status === 500 ? { message, help: ERRORS_HELP, phrase: phrase() } : { message, help: ERRORS_HELP }] };
}
