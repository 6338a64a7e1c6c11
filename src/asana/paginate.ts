import { AsanaError } from './asana-error.js';
import type { Page } from './types.js';

/**
 * Every item of a paginated Asana list, fetching page after page by following `next_page.offset` until it is null.
 * Asana only returns `next_page` when the request gave a `limit`, so `fetchPage` must pass one (at most 100).
 * Offsets are opaque and expire, so iterate promptly rather than storing them.
 *
 * An offset the walk has already followed would page the same items again, forever: the walk stops there with a
 * retryable AsanaError (the list may page correctly next time), never an endless loop.
 *
 *   for await (const user of paginate((offset) => client.getUsers({ workspace, limit: 100, offset }))) { … }
 */
export async function* paginate<T>(
  fetchPage: (offset?: string) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  const followed = new Set<string>();
  let offset: string | undefined;
  do {
    const page = await fetchPage(offset);
    yield* page.data;
    offset = page.next_page?.offset;
    if (offset !== undefined && followed.has(offset)) {
      throw new AsanaError(200, ['Asana repeated a pagination offset; the list was not walked to its end'], true);
    }
    if (offset !== undefined) followed.add(offset);
  } while (offset !== undefined);
}
