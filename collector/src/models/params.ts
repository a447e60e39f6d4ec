import type { SeriesGroupBy, SeriesMetric } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import { MAX_NAME, parseName } from '../query/params.js';
import type { InferenceFilter } from './repo.js';
import { DIMENSIONS } from './sql.js';
import { SERIES_METRICS } from './stats.js';

/**
 * Query parameters of the model routes (beyond the shared `from`/`to`/`limit`/`project`/
 * `step` of query/params.ts). Model, service and other names travel as query parameters
 * because model names contain `/`.
 */

/** `model`, `version`, `variant`, `service`, `provider`, `operation` filters; empty = absent. */
export function parseFilter(q: Record<string, string | undefined>): InferenceFilter {
  const out: InferenceFilter = {};
  for (const d of DIMENSIONS) {
    const v = parseName(q[d], d);
    if (v !== undefined) out[d] = v;
  }
  return out;
}

/** Default metrics of a series when `metric` is absent. */
export const DEFAULT_METRICS: readonly SeriesMetric[] = ['requests', 'errorRate', 'latencyP95'];

/** `metric` (repeated, or comma-separated): known names, each once, in the order given. */
export function parseMetrics(values: readonly string[] | undefined): SeriesMetric[] {
  const names = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (names.length === 0 || names.every((n) => n === '')) return [...DEFAULT_METRICS];
  const out: SeriesMetric[] = [];
  for (const n of names) {
    if (n === '') continue;
    if (!(SERIES_METRICS as readonly string[]).includes(n))
      throw new BadRequestError(
        `unknown metric "${n}"; use ${SERIES_METRICS.join(', ')}`,
        'metric',
      );
    if (!out.includes(n as SeriesMetric)) out.push(n as SeriesMetric);
  }
  return out;
}

const GROUP_BY: readonly SeriesGroupBy[] = [
  'version',
  'variant',
  'provider',
  'service',
  'operation',
  'model',
];

/** `groupBy`: one dimension, or none. */
export function parseGroupBy(value: string | undefined): SeriesGroupBy | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(GROUP_BY as readonly string[]).includes(value))
    throw new BadRequestError(`groupBy must be one of ${GROUP_BY.join(', ')}`, 'groupBy');
  return value as SeriesGroupBy;
}

/** One arm of a comparison. */
export interface Arm {
  dimension: 'version' | 'variant';
  value: string;
}

/** `a`/`b` of a comparison: `version:<v>` or `variant:<v>` (the value may contain `:`). */
export function parseArm(value: string | undefined, field: 'a' | 'b'): Arm {
  const m = value === undefined ? null : /^(version|variant):(.+)$/s.exec(value);
  if (!m)
    throw new BadRequestError(
      `${field} must be version:<version> or variant:<variant>, e.g. ${field}=version:v2`,
      field,
    );
  if (m[2]!.length > MAX_NAME)
    throw new BadRequestError(`${field} must be at most ${MAX_NAME} characters`, field);
  return { dimension: m[1] as Arm['dimension'], value: m[2]! };
}

/** A required parameter. */
export function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw new BadRequestError(`${field} is required`, field);
  return value;
}
