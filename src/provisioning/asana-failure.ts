import { AsanaError } from '../asana/asana-error.js';
import { ScimError } from '../scim/errors.js';

/**
 * How Asana's refusal reaches the IdP (architecture rule 4: AsanaError becomes SCIM only here).
 * The detail names Asana's own message so an admin can act on it; it never carries a token.
 */
export function scimErrorFromAsana(error: AsanaError): ScimError {
  const said = error.messages.length > 0 ? `: ${error.messages.join('; ')}` : '';
  switch (error.status) {
    case 400:
      return ScimError.invalidValue(`Asana refused the change${said}`);
    case 402:
    case 403:
      return new ScimError(403, `Asana does not allow this change for the bridge's token or plan${said}`);
    case 404:
      return ScimError.notFound(`Asana does not know the target${said}`);
    default:
      return new ScimError(502, `Asana failed${said}`);
  }
}

/** A short description of a failure for the sync state, safe to show (no token, no stack). */
export function describeFailure(error: unknown): string {
  if (error instanceof AsanaError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
