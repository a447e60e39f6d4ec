import type { RangeSearch } from './search.js';
import type { ResolvedRange } from './time-range.js';

/**
 * One GET over the URL's time range, described without React: its cache key (before the
 * range, see {@link rangeKey}) and its API path once the range is resolved. A page's query
 * (use-range.ts `callQuery`) and the boot script (boot.ts) build the same request from it, so
 * an answer the boot script asked for is the page's.
 */
export interface RangeCall {
  key: readonly unknown[];
  path: (r: ResolvedRange) => string;
  /** The page keeps the answer with the instant it was asked for (see {@link SentCall}). */
  timed?: true;
}

/** The query key of `key` over `search`'s range: the URL's range, not the resolved instants. */
export function rangeKey(search: RangeSearch, key: readonly unknown[]): unknown[] {
  return [...key, search.from, search.to];
}

/** One GET that does not depend on the range: its cache key and its API path. */
export interface FixedCall {
  key: readonly unknown[];
  path: string;
}

/**
 * A paged (infinite) query over the URL's range: its path for a page (`cursor`: the one
 * the previous page answered; none for the first). Each page keeps the range it was asked
 * over (`{ ...answer, range }`), so the pages after the first continue the same list while a
 * relative range moves on.
 */
export interface PagedRangeCall extends RangeCall {
  path: (r: ResolvedRange, cursor?: string) => string;
  paged: true;
}

/**
 * A call sent before the app runs (the boot script's): the query key it answers and its
 * API path; with `pageRange`, the first page of a {@link PagedRangeCall}, asked over that
 * range; with `timed`, an answer the page's query keeps as `{ ...answer, requestedAtMs }`.
 */
export interface SentCall extends FixedCall {
  pageRange?: ResolvedRange;
  /** The page keeps the answer with the instant it was asked for, `requestedAtMs`. */
  timed?: true;
}
