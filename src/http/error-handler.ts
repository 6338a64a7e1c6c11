import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { SCIM_CONTENT_TYPE } from './content-type.js';

/** Fastify's own client errors, in SCIM's words (RFC 7644 §3.12). */
function fromFastify(error: FastifyError): ScimError | undefined {
  if (error.validation) return ScimError.invalidSyntax(`Invalid request: ${error.message}`);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ScimError.payloadTooLarge('The request body exceeds the size limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ScimError.unsupportedMediaType('Send application/scim+json or application/json.');
    case 'FST_ERR_BAD_URL':
      return ScimError.badRequest('The request path is not a valid URL (a broken percent-encoding).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ScimError(414, 'A path segment is longer than any resource id.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.invalidSyntax('The request body is empty or malformed.');
    default:
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? new ScimError(error.statusCode, 'The request could not be processed.')
        : undefined;
  }
}

/** Sends an error as a SCIM error body (RFC 7644 §3.12); anything unknown is a 500 that reveals nothing. */
function sendError(error: FastifyError | ScimError, request: FastifyRequest, reply: FastifyReply) {
  const scim = error instanceof ScimError ? error : fromFastify(error);
  if (!scim) request.log.error({ err: error }, 'unhandled error');
  const answer = scim ?? ScimError.internal();
  return reply.code(answer.status).type(SCIM_CONTENT_TYPE).send(answer.toBody());
}

/**
 * Fastify's `frameworkErrors` option: errors its router raises before any route or hook runs (a broken
 * percent-encoding, an over-long path segment), which Fastify would otherwise answer with its own JSON.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendError(error, request, reply);
}

/**
 * The one place errors become HTTP (architecture rule 5): known errors as SCIM error bodies, anything else a 500
 * that reveals nothing, its detail only in the log.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(SCIM_CONTENT_TYPE)
      .send(ScimError.notFound(`No route for ${request.method} ${request.url.split('?', 1)[0]}`).toBody()),
  );
}
