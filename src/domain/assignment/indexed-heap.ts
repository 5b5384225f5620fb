// A binary min-heap that knows where each item sits, so a changed or departed item is fixed in O(log n)
// instead of rebuilding: agents' loads change on every assignment and queued conversations leave on claims.
// Hand-written because the npm heaps either lack positional removal or allocate per operation.

export class IndexedHeap<T> {
  readonly #items: T[] = [];
  readonly #pos = new Map<T, number>();
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  has(item: T): boolean {
    return this.#pos.has(item);
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    if (this.#pos.has(item)) {
      this.update(item);
      return;
    }
    this.#items.push(item);
    this.#pos.set(item, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes the item if present; returns whether it was there. */
  remove(item: T): boolean {
    const i = this.#pos.get(item);
    if (i === undefined) return false;
    const last = this.#items.pop() as T;
    this.#pos.delete(item);
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#pos.set(last, i);
      this.#down(i);
      this.#up(i);
    }
    return true;
  }

  /** Restores heap order after the item's sort key changed in place. */
  update(item: T): void {
    const i = this.#pos.get(item);
    if (i === undefined) return;
    this.#down(i);
    this.#up(this.#pos.get(item) as number);
  }

  values(): readonly T[] {
    return this.#items;
  }

  #up(i: number): void {
    const items = this.#items;
    const item = items[i] as T;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!this.#less(item, p)) break;
      items[i] = p;
      this.#pos.set(p, i);
      i = parent;
    }
    items[i] = item;
    this.#pos.set(item, i);
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const item = items[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && this.#less(items[r] as T, items[l] as T)) child = r;
      const c = items[child] as T;
      if (!this.#less(c, item)) break;
      items[i] = c;
      this.#pos.set(c, i);
      i = child;
    }
    items[i] = item;
    this.#pos.set(item, i);
  }
}
