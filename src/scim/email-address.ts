/** Any white space, as `\s` defines it; a single character class, so the search is linear. */
const WHITESPACE = /\s/;

/**
 * `local@domain.tld`: one "@", something before it, a "." inside the domain with something on either side, no
 * white space. RFC 5322 is looser, but Asana invites by address and its own SCIM requires userName to be one.
 * Written as index checks rather than one pattern: `^[^\s@]+@[^\s@]+\.[^\s@]+$` backtracks quadratically on a
 * long domain of dots that does not end well (60 KB of "." and a space took 3 s to 21 s; issue 15).
 */
export function isEmailAddress(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const at = text.indexOf('@');
  if (at < 1 || text.indexOf('@', at + 1) !== -1 || WHITESPACE.test(text)) return false;
  const domain = text.slice(at + 1);
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}
