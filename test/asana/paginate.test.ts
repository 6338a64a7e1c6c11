import t from 'tap';
import { paginate } from '../../src/asana/paginate.js';
import type { NextPage, Page } from '../../src/asana/types.js';

function nextPage(offset: string): NextPage {
  const path = `/users?limit=2&offset=${offset}`;
  return { offset, path, uri: `https://app.asana.com/api/1.0${path}` };
}

t.test('follows next_page.offset until it is null', async (t) => {
  const cases: { name: string; pages: Page<number>[]; items: number[]; offsets: (string | undefined)[] }[] = [
    {
      name: 'three pages',
      pages: [
        { data: [1, 2], next_page: nextPage('a') },
        { data: [3, 4], next_page: nextPage('b') },
        { data: [5], next_page: null },
      ],
      items: [1, 2, 3, 4, 5],
      offsets: [undefined, 'a', 'b'],
    },
    { name: 'one page', pages: [{ data: [1], next_page: null }], items: [1], offsets: [undefined] },
    { name: 'an empty list', pages: [{ data: [], next_page: null }], items: [], offsets: [undefined] },
  ];
  for (const { name, pages, items, offsets } of cases) {
    const asked: (string | undefined)[] = [];
    const seen: number[] = [];
    for await (const item of paginate(async (offset?: string) => {
      asked.push(offset);
      const page = pages[asked.length - 1];
      if (page === undefined) throw new Error('asked past the last page');
      return page;
    })) {
      seen.push(item);
    }
    t.same(seen, items, name);
    t.same(asked, offsets, name);
  }
});

t.test('fetches a page only when the previous one has been consumed', async (t) => {
  let fetched = 0;
  const iterator = paginate(async (offset?: string) => {
    fetched += 1;
    return offset === undefined ? { data: ['a'], next_page: nextPage('next') } : { data: ['b'], next_page: null };
  });
  t.same(await iterator.next(), { value: 'a', done: false });
  t.equal(fetched, 1);
  await iterator.return(undefined);
  t.equal(fetched, 1, 'stopping early fetches nothing more');
});
