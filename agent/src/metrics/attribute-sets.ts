import type { Attributes, AttributeValue } from './model.js';

/** Distinct sets kept before the cache starts over (a bound for hosts whose devices churn). */
const MAX_SETS = 10_000;

/** The empty attribute set, shared by every series without attributes. */
export const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * Hands out the same frozen attributes object for the same series on every collection. A
 * host's series repeat every interval; with stable objects the OTLP encoder finds their bytes
 * by identity and nothing is rebuilt or left for the garbage collector (at a 1 s interval the
 * ~390 attribute objects built per collection were a large part of the agent's GC time;
 * docs/benchmarks.md, ## Agent). Keys keep the order they are added in, as in a literal.
 *
 * @example
 * const sets = new AttributeSets();
 * const gpu = sets.with(sets.with(NO_ATTRIBUTES, 'hw.id', uuid), 'hw.type', 'gpu');
 * sets.with(gpu, 'hw.gpu.task', 'general') === sets.with(gpu, 'hw.gpu.task', 'general'); // true
 */
export class AttributeSets {
  private children = new WeakMap<Attributes, Map<string, Map<AttributeValue, Attributes>>>();
  private count = 0;

  /** `parent` plus `key: value` (a later key replaces an earlier one, as a spread does). */
  with(parent: Attributes, key: string, value: AttributeValue): Attributes {
    if (this.count > MAX_SETS) {
      this.children = new WeakMap();
      this.count = 0;
    }
    let byKey = this.children.get(parent);
    if (!byKey) {
      byKey = new Map();
      this.children.set(parent, byKey);
    }
    let byValue = byKey.get(key);
    if (!byValue) {
      byValue = new Map();
      byKey.set(key, byValue);
    }
    let set = byValue.get(value);
    if (!set) {
      set = Object.freeze({ ...parent, [key]: value });
      byValue.set(value, set);
      this.count++;
    }
    return set;
  }

  /** A set from entries in order: `of([['a', 1], ['b', 'x']])` equals `{ a: 1, b: 'x' }`. */
  of(entries: readonly (readonly [string, AttributeValue])[]): Attributes {
    let set = NO_ATTRIBUTES;
    for (const [k, v] of entries) set = this.with(set, k, v);
    return set;
  }
}
