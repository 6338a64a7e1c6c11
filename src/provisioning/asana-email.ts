import { isEmailAddress } from '../scim/email-address.js';
import { ScimError } from '../scim/errors.js';
import { isJsonObject } from '../scim/json-value.js';
import type { ScimResource } from '../scim/resource-input.js';
import type { UserRecord } from '../store/mapping-store.js';

/**
 * The address a SCIM user has in Asana, where people are identified and invited by email: the userName when it is
 * an address (Okta's and Entra's defaults), else the `primary` address in `emails`, else the `work` one, else the
 * first (custom Okta usernames, authentik's and JumpCloud's logins, Microsoft's collection: docs/idps.md). Values
 * of `emails` that are no address are skipped. `input` is normalized (canonical attribute names).
 */
export function asanaEmailOf(input: ScimResource): string {
  const userName = input['userName'];
  if (isEmailAddress(userName)) return userName;
  const addresses = (Array.isArray(input['emails']) ? input['emails'] : [])
    .filter(isJsonObject)
    .filter((email) => isEmailAddress(email['value']));
  const chosen =
    addresses.find((email) => email['primary'] === true) ??
    addresses.find((email) => typeof email['type'] === 'string' && email['type'].toLowerCase() === 'work') ??
    addresses[0];
  if (chosen === undefined) {
    throw ScimError.invalidValue(
      'An Asana email is required: userName is not an email address and emails holds no address (Asana invites people by email).',
    );
  }
  return chosen['value'] as string;
}

/**
 * The address Asana knows the person by: the one they were invited with until Asana is seen to hold a new one.
 * Their Asana work is ordered by it (work-keys.ts personKey), whichever SCIM record asked.
 */
export function personEmailOf(user: UserRecord): string {
  return user.emailInAsana ?? user.asanaEmail;
}

export function sameAddress(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

/**
 * What an admin must do when Asana still holds an address the IdP has since changed: Asana's REST API cannot
 * change another person's email (its users have no writable email: see docs/idps.md, Renames).
 */
export const RENAME_ACTION =
  'Asana still holds the previous address: the person changes it in their Asana profile settings, or an Asana ' +
  'admin changes it in the admin console; the next reconciliation then confirms it.';

/**
 * ASANA_ALLOWED_EMAIL_DOMAINS (issue 10): Asana makes an address outside the organisation's domains a guest,
 * silently, and bills the seat (facts.md §5, Guests). With domains configured, an Asana email outside them is
 * 400 invalidValue; the domain must match exactly (a subdomain is another domain to Asana). The message names
 * the setting, not the address (errors carry no personal data).
 */
export function assertAllowedDomain(address: string, allowed: readonly string[]): void {
  if (allowed.length === 0) return;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!allowed.includes(domain)) {
    throw ScimError.invalidValue(
      'The Asana email is outside the email domains this bridge may invite (ASANA_ALLOWED_EMAIL_DOMAINS); Asana ' +
        'would make the person a guest.',
    );
  }
}
