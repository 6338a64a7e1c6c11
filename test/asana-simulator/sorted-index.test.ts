import t from 'tap';
import { SortedIndex } from '../../src/asana-simulator/sorted-index.js';

t.test('keeps items in key order and pages after a key', async (t) => {
  const index = new SortedIndex<string>((item) => item);
  for (const item of ['b', 'd', 'a', 'c', 'e']) index.insert(item);
  const cases: Array<{ after: string | undefined; expected: string[] }> = [
    { after: undefined, expected: ['a', 'b', 'c', 'd', 'e'] },
    { after: 'b', expected: ['c', 'd', 'e'] },
    { after: 'bb', expected: ['c', 'd', 'e'] },
    { after: 'e', expected: [] },
    { after: '0', expected: ['a', 'b', 'c', 'd', 'e'] },
  ];
  for (const { after, expected } of cases) t.same([...index.after(after)], expected, `after ${after}`);
  index.remove('c');
  index.remove('zzz');
  t.same([...index.after()], ['a', 'b', 'd', 'e']);
  t.equal(index.size, 4);
});
