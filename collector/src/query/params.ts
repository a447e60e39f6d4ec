import { BadRequestError } from '../errors.js';
import type { TimeRange } from '../storage/types.js';

export type { TimeRange } from '../storage/types.js';

/**
 * Parsing of the query parameters every API route shares, with errors that name the
 * field: `from`/`to` (ISO 8601 or Unix milliseconds), `limit`, `cursor`, `project`,
 * `step` and `attr.<key>=<value>` filters.
 */

/**
 * Latest time the API accepts: 2262-04-11T23:47:16.854Z. Timestamps are stored as
 * DateTime64(9) and compared as Int64 nanoseconds, which end there; a later `to` (or a
 * duration that long) would overflow inside the engine instead of being refused here.
 */
export const MAX_TIME_MS = 9_223_372_036_854;

/** Parses an ISO 8601 timestamp or Unix milliseconds, from 1970 to {@link MAX_TIME_MS}. */
export function parseTime(value: string, field: string): number {
  const v = value.trim();
  let ms = Number.NaN;
  if (/^-?\d+(\.\d+)?$/.test(v)) ms = Math.floor(Number(v));
  else if (/^\d{4}-\d{2}-\d{2}/.test(v)) ms = Date.parse(v);
  if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS) return ms;
  throw new BadRequestError(
    `${field} must be an ISO 8601 timestamp (2026-01-31T12:00:00Z) or Unix milliseconds between 1970 and 2262, got "${value.length > 100 ? `${value.slice(0, 100)}…` : value}"`,
    field,
  );
}

/** `from`/`to` with defaults (`to` = now, `from` = `to` - `defaultSpanMs`). */
export function parseRange(
  q: Record<string, string | undefined>,
  defaultSpanMs = 3_600_000,
): TimeRange {
  const toMs = q.to !== undefined ? parseTime(q.to, 'to') : Date.now();
  const fromMs =
    q.from !== undefined ? parseTime(q.from, 'from') : Math.max(0, toMs - defaultSpanMs);
  if (fromMs > toMs) throw new BadRequestError('from must not be after to', 'from');
  return { fromMs, toMs };
}

/** `limit` within [1, max]. */
export function parseLimit(value: string | undefined, def = 50, max = 1000): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new BadRequestError(`limit must be an integer from 1 to ${max}, got "${value}"`, 'limit');
  return n;
}

/**
 * Longest duration filter (about 104 days). Span durations are compared in nanoseconds, bound
 * as numbers, and the embedded engine's client refuses integers past 2^53 rather than round
 * them; no span filter needs more.
 */
export const MAX_DURATION_FILTER_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1e6);

/** A non-negative number up to `max` (by default {@link MAX_TIME_MS}, for durations in ms). */
export function parseNonNegative(
  value: string | undefined,
  field: string,
  max = MAX_TIME_MS,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max)
    throw new BadRequestError(`${field} must be a number from 0 to ${max}`, field);
  return n;
}

/** `project` (default `default`). */
export function parseProject(value: string | undefined): string {
  if (value === undefined || value === '') return 'default';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value))
    throw new BadRequestError('project must be 1-64 letters, digits, ".", "_" or "-"', 'project');
  return value;
}

/** Longest model, version, variant or other name accepted in a filter (bounds abuse). */
export const MAX_NAME = 256;

/** An optional name parameter (`model`, `version`, ...): undefined when absent or empty. */
export function parseName(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_NAME)
    throw new BadRequestError(`${field} must be at most ${MAX_NAME} characters`, field);
  return value;
}

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What one element of a cursor must be: any string, a number, or `int64`, a decimal string
 * of a non-negative Int64 (nanosecond times, row keys) that the engine binds without error.
 */
export type CursorPart = 'string' | 'number' | 'int64';

const INT64_MAX = 9_223_372_036_854_775_807n;

function matches(k: unknown, part: CursorPart): boolean {
  if (part !== 'int64') return typeof k === part;
  return typeof k === 'string' && /^\d{1,19}$/.test(k) && BigInt(k) <= INT64_MAX;
}

/** Decodes a cursor made by `encodeCursor`, checking its shape. */
export function decodeCursor(
  value: string | undefined,
  shape: CursorPart[],
): unknown[] | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(key) &&
      key.length === shape.length &&
      key.every((k, i) => matches(k, shape[i]!))
    )
      return key;
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('cursor is not one this API returned', 'cursor');
}

/** Durations like `10s`, `500ms`, `1m`, `1h`, `1d` or plain milliseconds. */
export function parseDuration(value: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m)
    throw new BadRequestError(
      `${field} must be a duration like 10s, 500ms, 5m, 1h or milliseconds`,
      field,
    );
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const ms = n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  if (ms < 1) throw new BadRequestError(`${field} must be at least 1ms`, field);
  if (!(ms <= MAX_TIME_MS))
    throw new BadRequestError(`${field} must be at most ${MAX_TIME_MS} ms`, field);
  return Math.round(ms);
}

/** `attr.<key>=<value>` pairs from a query string, in order. */
export function parseAttrFilters(url: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of new URL(url).searchParams) {
    if (!k.startsWith('attr.')) continue;
    const key = k.slice(5);
    if (key === '')
      throw new BadRequestError(
        'attr. filter needs a key, e.g. attr.gen_ai.request.model=gpt-4o',
        k,
      );
    out.push([key, v]);
  }
  if (out.length > 20) throw new BadRequestError('at most 20 attr.<key> filters', 'attr');
  return out;
}

/** Formats Unix nanoseconds (a decimal string) as ISO 8601 UTC with nanoseconds. */
export function isoFromNanos(ns: string | number): string {
  const s = String(ns);
  if (!/^\d+$/.test(s)) return new Date(Number(ns) / 1e6).toISOString();
  const padded = s.padStart(10, '0');
  const secs = Number(padded.slice(0, -9));
  const frac = padded.slice(-9);
  return `${new Date(secs * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Most buckets a series may have. */
export const MAX_SERIES_POINTS = 2000;

/**
 * `step` for a series over `range`: the given duration, or range / 120 (at least 1 s);
 * refused when it would make more than `MAX_SERIES_POINTS` buckets.
 */
export function parseStep(value: string | undefined, range: TimeRange): number {
  const span = range.toMs - range.fromMs;
  const stepMs =
    value !== undefined ? parseDuration(value, 'step') : Math.max(1000, Math.ceil(span / 120));
  if (span / stepMs > MAX_SERIES_POINTS)
    throw new BadRequestError(
      `step is too small: at most ${MAX_SERIES_POINTS} points per series`,
      'step',
    );
  return stepMs;
}

/** Default label delay: feedback recorded up to 7 days after its prediction counts. */
export const DEFAULT_LABEL_DELAY_MS = 7 * 86_400_000;
/** Longest label delay accepted (a year): the feedback scan grows with it. */
export const MAX_LABEL_DELAY_MS = 366 * 86_400_000;

/** `labelDelay`: how long after a prediction its feedback still counts (default 7 days). */
export function parseLabelDelay(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LABEL_DELAY_MS;
  const ms = parseDuration(value, 'labelDelay');
  if (ms > MAX_LABEL_DELAY_MS)
    throw new BadRequestError('labelDelay must be at most 366d', 'labelDelay');
  return ms;
}
