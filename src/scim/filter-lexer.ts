import { ScimError } from './errors.js';

/**
 * Tokens of the filter grammar, RFC 7644 §3.4.2.2. A `word` is an attribute path, an operator, a keyword
 * (and/or/not) or a non-string literal (true/false/null/number); the parser decides which from its position,
 * because the ABNF's keywords are not reserved (`not` is only a keyword in front of "(").
 */
export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: '(' | ')' | '[' | ']' | 'end'; readonly at: number };

/**
 * Characters of a word: ATTRNAME and subAttr (RFC 7644 §3.4.2.2: ALPHA, DIGIT, "-", "_", "."), the schema URN
 * prefix (":"), `$ref` (RFC 7643 §2.4), JSON numbers ("+", "-", ".") and "@", so an unquoted address is one word
 * (src/scim/filter.ts reads unquoted values). Anything else outside a string is a syntax error rather than a word
 * boundary, so `userName=="x"` fails loudly.
 */
const WORD_CHAR = /[A-Za-z0-9_.:$+@-]/;
const WHITESPACE = /\s/;

/** Splits a filter into tokens in one left-to-right pass (no backtracking); throws only ScimError. */
export function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (WHITESPACE.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ kind: ch, at: i });
      i += 1;
    } else if (ch === '"') {
      const end = endOfString(text, i);
      tokens.push({ kind: 'string', value: decodeString(text.slice(i, end), i), at: i });
      i = end;
    } else if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text.charAt(i))) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
    } else {
      throw ScimError.invalidFilter(`Unexpected character '${ch}' at position ${i} of the filter.`);
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/** The index just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i += 1;
  }
  throw ScimError.invalidFilter(`Unterminated string starting at position ${start} of the filter.`);
}

/** RFC 7644 §3.4.2.2: compValue strings are JSON strings (RFC 7159 §7), escapes included. */
function decodeString(literal: string, at: number): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw ScimError.invalidFilter(`Invalid string literal at position ${at} of the filter.`);
  }
}
