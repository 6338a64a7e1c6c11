/**
 * Items kept sorted by a string key, so that a page "after key K" is a binary search plus `limit` steps
 * instead of a copy and sort of the whole list. Gids are fixed-width digit strings, so string order is
 * numeric order; appends in gid order (the common case) cost O(1).
 */
export class SortedIndex<T> {
  private readonly items: T[] = [];

  constructor(private readonly keyOf: (item: T) => string) {}

  get size(): number {
    return this.items.length;
  }

  insert(item: T): void {
    const key = this.keyOf(item);
    const last = this.items[this.items.length - 1];
    if (last === undefined || this.keyOf(last) < key) {
      this.items.push(item);
      return;
    }
    this.items.splice(this.firstAfter(key), 0, item);
  }

  remove(item: T): void {
    const key = this.keyOf(item);
    const at = this.firstAfter(key) - 1;
    const found = this.items[at];
    if (found !== undefined && this.keyOf(found) === key) this.items.splice(at, 1);
  }

  /** Items whose key sorts after `key` (all items when it is undefined), in order. */
  *after(key?: string): Generator<T, void, undefined> {
    for (let i = key === undefined ? 0 : this.firstAfter(key); i < this.items.length; i += 1) {
      const item = this.items[i];
      if (item !== undefined) yield item;
    }
  }

  /** Index of the first item whose key is greater than `key`. */
  private firstAfter(key: string): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const item = this.items[mid];
      if (item !== undefined && this.keyOf(item) <= key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
