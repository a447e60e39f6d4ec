/**
 * A Map that holds at most `maxSize` entries and drops the least recently used one to make
 * room. `get` counts as a use. Map iteration order is insertion order, so moving an entry to
 * the end on use keeps the least recently used one first: every operation is O(1).
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxSize: number) {
    if (!(maxSize >= 1)) throw new RangeError('maxSize must be at least 1');
  }

  /** The value of `key`, marked as just used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Whether `key` is held, without marking it as used. */
  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Stores `value` as the most recently used entry, dropping the oldest one when full. */
  set(key: K, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.maxSize) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
