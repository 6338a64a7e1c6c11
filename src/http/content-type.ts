import type { FastifyInstance } from 'fastify';
import { ScimError } from '../scim/errors.js';

/** RFC 7644 §3.1: SCIM bodies are `application/scim+json`; IdPs also send `application/json`. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Parses both JSON media types, with or without parameters such as charset, and nothing else (415). Stock Fastify answers 415 to
 * application/scim+json and 400 to an empty JSON body; IdPs send DELETE with a JSON content type and no body
 * (../shared/reference/idp/idp-behaviour.md §0.1), so an empty body parses as "no body".
 * Entra's DELETE with a JSON content type and no body: test/idp/entra/delete-user.json; Okta's GETs with one:
 * test/idp/okta/spec-test-transport.json.
 */
export function registerScimContentTypes(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/scim+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(ScimError.invalidSyntax('The request body is not valid JSON.'), undefined);
      }
    },
  );
}
