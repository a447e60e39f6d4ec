/**
 * Plain types the storage layer shares with the layers above it. They live here, at the
 * bottom, so repositories never import from `query/` or `auth/` (dependencies point one
 * way: routes → module logic → storage); the upper layers import or re-export them.
 */

/** A time range in Unix milliseconds. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** What a credential may do: write telemetry for one project, or read the API. */
export type KeyKind = 'ingest' | 'admin';
