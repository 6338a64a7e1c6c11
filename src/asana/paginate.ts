import type { Page } from './types.js';

/**
 * Every item of a paginated Asana list, fetching page after page by following `next_page.offset` until it is null.
 * Asana only returns `next_page` when the request gave a `limit`, so `fetchPage` must pass one (at most 100).
 * Offsets are opaque and expire, so iterate promptly rather than storing them.
 *
 *   for await (const user of paginate((offset) => client.getUsers({ workspace, limit: 100, offset }))) { … }
 */
export async function* paginate<T>(
  fetchPage: (offset?: string) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  let offset: string | undefined;
  do {
    const page = await fetchPage(offset);
    yield* page.data;
    offset = page.next_page?.offset;
  } while (offset !== undefined);
}
