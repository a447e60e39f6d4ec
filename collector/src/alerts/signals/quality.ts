import type { SignalContext, SignalSample } from '../contract.js';
import { type Grid, gridParams, pointsOfRow, rowsRange } from './grid.js';
import type { BaseSignal } from './schema.js';
import { inferenceWhere } from './where.js';

/**
 * Model quality kinds: `drift` reads the drift job's stored results (aiobs_drift_results),
 * `accuracy` the feedback received (aiobs_feedback). One query per grid each.
 */

type DriftSignal = Extract<BaseSignal, { kind: 'drift' }>;
type AccuracySignal = Extract<BaseSignal, { kind: 'accuracy' }>;

/** How long after its prediction feedback still counts towards a model's accuracy. */
export const LABEL_DELAY_MS = 7 * 86_400_000;

/**
 * Drift: per (model, version, variant, baseline, feature) the score of the latest window
 * that ended inside the rule's window (a recomputed window: its newest row), then the
 * largest of those (the worst feature, unless `feature` names one). Undefined scores (NaN)
 * are skipped. A rule's window should be at least the drift job's interval, or most
 * evaluations find no result (no data).
 */
export async function driftPoints(
  ctx: SignalContext,
  s: DriftSignal,
  windowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const range = rowsRange(grid, windowMs, 'raw');
  const params: Record<string, unknown> = {
    project: ctx.project,
    lo: range.fromMs,
    hi: range.toMs,
    measure: s.measure,
    ...gridParams(grid, windowMs, 'raw'),
  };
  const conds = [
    'project_id = {project:String}',
    'measure = {measure:String}',
    // A result belongs to the windows its end falls in: (t − W, t].
    'toUnixTimestamp64Milli(window_end) - 1 >= {lo:Int64}',
    'toUnixTimestamp64Milli(window_end) - 1 < {hi:Int64}',
    'window_start < fromUnixTimestamp64Milli({hi:Int64})',
  ];
  for (const key of ['model', 'version', 'variant', 'feature'] as const) {
    const v = s[key];
    if (v === undefined) continue;
    params[`f_${key}`] = v;
    conds.push(`${key} = {f_${key}:String}`);
  }
  const rows = await ctx.db.rows<{ k: number | string; v: number | null; n: number | string }>(
    `SELECT k, max(latest) AS v, count() AS n FROM (
       SELECT arrayJoin(${pointsOfRow('(toUnixTimestamp64Milli(window_end) - 1)')}) AS k,
         model, version, variant, baseline_id, kind, feature,
         argMax(score, (window_end, computed_at)) AS latest
       FROM ${ctx.db.table('aiobs_drift_results')} WHERE ${conds.join(' AND ')}
       GROUP BY k, model, version, variant, baseline_id, kind, feature
     ) WHERE isFinite(latest) GROUP BY k ORDER BY k`,
    params,
  );
  const byK = new Map(rows.map((r) => [Number(r.k), r]));
  return Array.from({ length: grid.n }, (_, k) => {
    const r = byK.get(k);
    return r && r.v !== null
      ? { value: Number(r.v), details: { features: Number(r.n) } }
      : { value: null, details: { features: 0 } };
  });
}

/**
 * Accuracy: the share of feedback received in the window whose `aiobs.feedback.correct`
 * is true. Model filters keep the feedback of predictions made by matching inferences up
 * to {@link LABEL_DELAY_MS} before the window (raw inference rows, bounded by that).
 */
export async function accuracyPoints(
  ctx: SignalContext,
  s: AccuracySignal,
  windowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const range = rowsRange(grid, windowMs, 'raw');
  const params: Record<string, unknown> = {
    project: ctx.project,
    lo: range.fromMs,
    hi: range.toMs,
    ...gridParams(grid, windowMs, 'raw'),
  };
  const conds = [
    'project_id = {project:String}',
    'time >= fromUnixTimestamp64Milli({lo:Int64})',
    'time < fromUnixTimestamp64Milli({hi:Int64})',
    'correct IS NOT NULL',
  ];
  const { kind: _, ...filters } = s;
  if (Object.values(filters).some((v) => v !== undefined)) {
    const w = inferenceWhere(
      ctx.db,
      ctx.project,
      filters,
      'raw',
      { fromMs: Math.max(0, range.fromMs - LABEL_DELAY_MS), toMs: range.toMs },
      { lo: 'p_lo', hi: 'p_hi' },
    );
    Object.assign(params, w.params);
    conds.push(`prediction_id IN (
      SELECT prediction_id FROM ${ctx.db.table('aiobs_inferences')}
      WHERE ${w.sql} AND prediction_id != '')`);
  }
  const rows = await ctx.db.rows<{ k: number | string; v: number | null; n: number | string }>(
    `SELECT arrayJoin(${pointsOfRow('toUnixTimestamp64Milli(time)')}) AS k,
       avg(correct) AS v, count() AS n
     FROM ${ctx.db.table('aiobs_feedback')} WHERE ${conds.join(' AND ')}
     GROUP BY k ORDER BY k`,
    params,
  );
  const byK = new Map(rows.map((r) => [Number(r.k), r]));
  return Array.from({ length: grid.n }, (_, k) => {
    const r = byK.get(k);
    const n = r ? Number(r.n) : 0;
    return { value: n > 0 && r?.v != null ? Number(r.v) : null, details: { feedback: n } };
  });
}
