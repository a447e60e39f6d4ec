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

/**
 * What a stored credential is: a project's ingest key (writes telemetry), the instance admin
 * token, a project's read-only token, or a user's personal API token.
 */
export type KeyKind = 'ingest' | 'admin' | 'read' | 'personal';
