import type { LabelSet } from '../model/labels.js';

/**
 * A hash table of items by label set (`LabelSet.hash`, confirmed with `LabelSet.equals`), for the store's series
 * identity. Unlike a `Map` keyed by `LabelSet.key`, it needs no key string per stored series (≈ 400 B for a Flink
 * reporter series, bench/README.md). Items with colliding hashes (rare: a 32-bit hash over ~10⁵ series) go to a
 * second map of short lists. Iteration order: insertion order of the first item per hash, then the colliding ones.
 */
export class LabelIndex<T extends { readonly labels: LabelSet }> {
  private readonly first = new Map<number, T>();
  private readonly more = new Map<number, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The item whose label set equals `labels`, or undefined. O(labels). */
  get(labels: LabelSet): T | undefined {
    const h = labels.hash;
    const item = this.first.get(h);
    if (item === undefined) return undefined;
    if (item.labels.equals(labels)) return item;
    const others = this.more.get(h);
    if (others !== undefined) for (const o of others) if (o.labels.equals(labels)) return o;
    return undefined;
  }

  /** Adds `item`; the caller has checked with {@link get} that no item with equal labels is present. */
  add(item: T): void {
    const h = item.labels.hash;
    this.count++;
    if (!this.first.has(h)) {
      this.first.set(h, item);
      return;
    }
    const others = this.more.get(h);
    if (others === undefined) this.more.set(h, [item]);
    else others.push(item);
  }

  /** Removes `item` (the instance); a no-op when it is not present. */
  delete(item: T): void {
    const h = item.labels.hash;
    const others = this.more.get(h);
    if (this.first.get(h) === item) {
      this.count--;
      // A colliding item moves up, so `first` holds an item for every hash present.
      const next = others?.shift();
      if (next === undefined) this.first.delete(h);
      else {
        this.first.set(h, next);
        if (others?.length === 0) this.more.delete(h);
      }
      return;
    }
    const i = others?.indexOf(item) ?? -1;
    if (others === undefined || i < 0) return;
    this.count--;
    others.splice(i, 1);
    if (others.length === 0) this.more.delete(h);
  }

  /** Every item; like a `Map` iterator, it stays valid while items are added or deleted. */
  values(): IterableIterator<T> {
    return this.more.size === 0 ? this.first.values() : this.all();
  }

  private *all(): IterableIterator<T> {
    yield* this.first.values();
    for (const list of [...this.more.values()]) yield* list;
  }
}
