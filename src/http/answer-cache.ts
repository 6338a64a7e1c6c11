import { hash } from 'node:crypto';

/** A GET's answer as sent: its JSON text, and whatever else the route needs to send it (a resource's version). */
export interface Answer {
  readonly body: string;
}

/** What kept answers may cost, in bytes, at most, all entries together. */
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** Larger answers (pages of an import walk, each read once) are not worth keeping. */
const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024;
/** A Map entry and the entry record, beyond the key and the text. */
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
 * one (hashing every key cost 2 % of a cached read). Bounded in bytes, like the store's read cache
 * (docs/reliability.md, "Input caps"); the oldest answers go first. With no generation (PostgreSQL) nothing is kept.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { readonly answer: Answer; readonly bytes: number }>();
  private bytes = 0;
  private generation: number | undefined;

  constructor(
    private readonly readGeneration: () => number | undefined,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
    private readonly maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES,
  ) {}

  /** The kept answer to `url` under `baseUrl`, else `compute()`'s, kept when small and still current. */
  async answer<A extends Answer>(baseUrl: string, url: string, compute: () => Promise<A>): Promise<A> {
    const generation = this.readGeneration();
    if (generation === undefined) return compute();
    if (generation !== this.generation) this.startOver(generation);
    const text = `${baseUrl} ${url}`;
    const key = text.length <= MAX_PLAIN_KEY ? text : hash('sha256', text, 'base64url');
    const kept = this.entries.get(key);
    // One URL is always answered by the same route, so what is kept under its key has that route's shape.
    if (kept !== undefined) return kept.answer as A;
    const answer = await compute();
    // A write that committed while this answer was computed may or may not show in it: keep it only if none did.
    if (this.readGeneration() === generation) this.keep(key, answer);
    return answer;
  }

  private startOver(generation: number): void {
    this.entries.clear();
    this.bytes = 0;
    this.generation = generation;
  }

  private keep(key: string, answer: Answer): void {
    // Two bytes a character: V8 keeps non-Latin-1 text as UTF-16.
    const bytes = (key.length + answer.body.length) * 2 + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxAnswerBytes) return;
    this.entries.set(key, { answer, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}
