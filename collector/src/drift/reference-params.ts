import type { DriftSide } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import { parseName, parseTime } from '../query/params.js';
import type { SideFilter } from './sql.js';

/** The parameters that name a time-range reference, in the order they are checked. */
const REFERENCE_FIELDS = ['refFrom', 'refTo', 'refVersion', 'refVariant'] as const;

/**
 * The time-range reference a drift query names: `refFrom`/`refTo` (ISO 8601 or Unix ms,
 * `refFrom` before `refTo`) with `refVersion`/`refVariant`, which default to the current
 * side's `version`/`variant`. Undefined when the query names none of them (the caller then
 * wants a baseline). A stored baseline is a whole reference: naming `baseline` beside any of
 * them is a 400 naming the first one given. `GET /api/v1/drift`, `/drift/series` and
 * `/drift/histogram` share it (docs/api.md "Drift").
 *
 * @example
 * parseTimeReference({ refFrom: '0', refTo: '3600000', version: 'v2' })
 * // → { fromMs: 0, toMs: 3600000, version: 'v2' }
 */
export function parseTimeReference(q: Record<string, string | undefined>): SideFilter | undefined {
  const given = REFERENCE_FIELDS.find((f) => q[f] !== undefined);
  if (given === undefined) return undefined;
  if (q.baseline !== undefined)
    throw new BadRequestError(
      `${given} cannot be given with baseline: a baseline is the whole reference`,
      given,
    );
  if (q.refFrom === undefined)
    throw new BadRequestError(`refFrom is required with ${given}`, 'refFrom');
  if (q.refTo === undefined) throw new BadRequestError('refTo is required with refFrom', 'refTo');
  const fromMs = parseTime(q.refFrom, 'refFrom');
  const toMs = parseTime(q.refTo, 'refTo');
  if (fromMs >= toMs) throw new BadRequestError('refFrom must be before refTo', 'refFrom');
  const version = parseName(q.refVersion, 'refVersion') ?? parseName(q.version, 'version');
  const variant = parseName(q.refVariant, 'refVariant') ?? parseName(q.variant, 'variant');
  return {
    fromMs,
    toMs,
    ...(version !== undefined ? { version } : {}),
    ...(variant !== undefined ? { variant } : {}),
  };
}

/** A side of a comparison as answered: its time range and filters. */
export function sideOf(s: SideFilter): DriftSide & { from: string; to: string } {
  const out: DriftSide & { from: string; to: string } = {
    from: new Date(s.fromMs).toISOString(),
    to: new Date(s.toMs).toISOString(),
  };
  if (s.version !== undefined) out.version = s.version;
  if (s.variant !== undefined) out.variant = s.variant;
  return out;
}
