import { ScimError } from '../scim/errors.js';
import { ifMatchSatisfied } from '../scim/version.js';
import { StoreConflict } from '../store/mapping-store.js';

/** Lost-update protection: a write re-reads and retries when another write to the same resource won the race. */
export const MAX_WRITE_ATTEMPTS = 5;

/** RFC 7644 §3.14: If-Match must name the current version, else 412. */
export function assertIfMatch(ifMatch: string | undefined, version: number, label: string): void {
  if (!ifMatchSatisfied(ifMatch, version)) throw ScimError.preconditionFailed(`${label} has changed (version ${version})`);
}

/** Without If-Match a racing write is simply re-applied on the new state; with it, the client asked for 412. */
export function shouldRetryWrite(error: unknown, ifMatch: string | undefined, attempt: number): boolean {
  return (
    error instanceof StoreConflict && error.reason === 'version' && ifMatch === undefined && attempt < MAX_WRITE_ATTEMPTS
  );
}

/** A store conflict in SCIM's words; other errors pass through. */
export function conflictToScim(error: unknown, label: string, uniqueAttribute: string): unknown {
  if (!(error instanceof StoreConflict)) return error;
  switch (error.reason) {
    case 'missing':
      return ScimError.notFound(`${label} not found`);
    case 'version':
      return ScimError.preconditionFailed(`${label} has changed`);
    case 'uniqueness':
      return ScimError.uniqueness(`${uniqueAttribute} is already taken`);
    case 'reference':
      return ScimError.invalidValue('a referenced member does not exist');
  }
}
