import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** A GET's answer as sent: its JSON text, and whatever else the route needs to send it (a resource's version). */
export interface Answer {
  readonly body: string;
}

/** What kept answers may cost, in bytes, at most, all entries together. */
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** Larger answers (pages of an import walk, each read once) are not worth keeping. */
const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024;
/** The cache's entry and the answer's record, beyond the key and the text. */
const ENTRY_OVERHEAD_BYTES = 200;
/** Keys up to this many characters are kept as they are; longer ones as their SHA-256 (43 characters). */
const MAX_PLAIN_KEY = 256;

/**
 * Serialized answers to SCIM GETs, kept while the store says nothing a read can see has changed (its read
 * generation, MappingStore.readGeneration), so an IdP's repeated lookups (`userName eq "…"` before each change,
 * `GET /Users/{id}`) skip the query, the resource's rendering and JSON serialization. Every hook still runs first:
 * the token, the request rate limit, metrics and the log see a kept answer like any other.
 *
 * The key is the base URL (answers carry `meta.location`) and the request's path and query, so a kept answer is
 * exactly what computing it again would give; a long one is kept as its SHA-256, so no key costs more than a short
 * one (hashing every key cost 2 % of a kept answer's CPU). Bounded in bytes, like the store's read cache
 * (docs/reliability.md, "Input caps"); the least recently used answers go first. With no generation (PostgreSQL)
 * nothing is kept. Why answers are kept here: docs/decisions.md, "Reads: answers kept as text between writes".
 */
export class AnswerCache {
  private readonly entries: LRUCache<string, Answer>;
  private generation: number | undefined;

  constructor(
    private readonly readGeneration: () => number | undefined,
    maxBytes = DEFAULT_MAX_BYTES,
    maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES,
  ) {
    this.entries = new LRUCache({ maxSize: maxBytes, maxEntrySize: maxAnswerBytes });
  }

  /** The kept answer to `url` under `baseUrl`, else `compute()`'s, kept when small and still current. */
  async answer<A extends Answer>(baseUrl: string, url: string, compute: () => Promise<A>): Promise<A> {
    const generation = this.readGeneration();
    if (generation === undefined) return compute();
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const text = `${baseUrl} ${url}`;
    const key = text.length <= MAX_PLAIN_KEY ? text : hash('sha256', text, 'base64url');
    // One URL is always answered by the same route, so what is kept under its key has that route's shape.
    const kept = this.entries.get(key);
    if (kept !== undefined) return kept as A;
    const answer = await compute();
    // A write that committed while this answer was computed may or may not show in it: keep it only if none did.
    // Two bytes a character: V8 keeps non-Latin-1 text as UTF-16. Over maxAnswerBytes, nothing is kept.
    if (this.readGeneration() === generation) {
      this.entries.set(key, answer, { size: (key.length + answer.body.length) * 2 + ENTRY_OVERHEAD_BYTES });
    }
    return answer;
  }
}
