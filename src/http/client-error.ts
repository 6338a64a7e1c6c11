import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { SCIM_CONTENT_TYPE } from './content-type.js';

/** An error Node's HTTP server raises before a request exists (a `clientError` event). */
interface ConnectionError extends Error {
  readonly code?: string;
}

function toScim(error: ConnectionError): ScimError {
  switch (error.code) {
    // REQUEST_TIMEOUT_MS ran out before the whole request arrived: a slow or stalled client.
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, 'The request did not arrive in time.');
    // RFC 6585 §5: the request line and headers together exceed Node's limit (16 KiB).
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(431, 'The request line and headers are too large.');
    default:
      return ScimError.invalidSyntax('The request is not valid HTTP/1.1.');
  }
}

/** Writes a SCIM error straight onto the socket and closes it: the stream cannot be trusted any further. */
function answerOnSocket(socket: Duplex, scim: ScimError): void {
  if (socket.writable) {
    const body = JSON.stringify(scim.toBody());
    socket.write(
      `HTTP/1.1 ${scim.status} ${STATUS_CODES[scim.status] ?? ''}\r\n` +
        `Content-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Answers requests that never reach Fastify's router (malformed HTTP, oversized heads, timeouts) with a SCIM error
 * body (RFC 7644 §3.12) instead of Fastify's own JSON. Only the error code is logged: Node attaches the raw bytes
 * (`rawPacket`), which may hold the Authorization header.
 */
export function scimClientErrorHandler(logger: FastifyBaseLogger) {
  return function answerClientError(error: ConnectionError, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const scim = toScim(error);
    logger.debug({ code: error.code, status: scim.status }, 'client error');
    answerOnSocket(socket, scim);
  };
}

/**
 * A server `connect` listener. CONNECT (RFC 9110 §9.3.6) asks for a tunnel, and the bridge is no proxy; Node hands
 * such requests to this event only, and without a listener drops the connection with no answer at all.
 */
export function refuseTunnel(_request: IncomingMessage, socket: Duplex): void {
  answerOnSocket(socket, ScimError.badRequest('CONNECT is not supported: this is a SCIM server, not a proxy.'));
}
