import { COST, fromWithPrices, LEVEL_SQL } from '../../models/sql.js';
import type { SignalContext, SignalSample } from '../contract.js';
import { type Grid, gridParams, pointsOfRow, rowsRange, windowLevel } from './grid.js';
import { type BaseSignal, durationMs } from './schema.js';
import { inferenceWhere, levelTsMs, needsRaw } from './where.js';

/**
 * Budgets: USD spent over a rolling window (the signal's own `window`, else the rule's) as a
 * share of `limitUsd`, for the project, or the worst model, or the worst value of a span
 * attribute. Cost is the models module's (stored cost, else tokens at the price in force).
 *
 * Project and model budgets read the rollups (minute rows up to a day, hourly beyond). An
 * attribute (a user id) is on no rollup: its budget joins the raw inference rows of the
 * window with their spans' attribute (otel_traces, same window), so its cost grows with the
 * window's traffic; give such rules a longer `interval`.
 */

type BudgetSignal = Extract<BaseSignal, { kind: 'budget' }>;

/** The budget at every point of `grid`. */
export async function budgetPoints(
  ctx: SignalContext,
  s: BudgetSignal,
  ruleWindowMs: number,
  grid: Grid,
): Promise<SignalSample[]> {
  const windowMs = s.window !== undefined ? durationMs(s.window) : ruleWindowMs;
  const byAttribute = typeof s.by === 'object' ? s.by.attribute : undefined;
  const level = windowLevel(windowMs, needsRaw(s) || byAttribute !== undefined);
  const lv = LEVEL_SQL[level];
  const range = rowsRange(grid, windowMs, level);
  const { kind: _, limitUsd: _l, by: _b, window: _w, ...filters } = s;
  const w = inferenceWhere(ctx.db, ctx.project, filters, level, range);
  const params: Record<string, unknown> = { ...w.params, ...gridParams(grid, windowMs, level) };
  let source = `SELECT *, ${s.by === 'model' ? 'model' : "''"} AS g FROM ${ctx.db.table(lv.table)} WHERE ${w.sql}`;
  if (byAttribute !== undefined) {
    params.by_key = byAttribute;
    source = `SELECT *, a.value AS g FROM ${ctx.db.table(lv.table)}
      INNER JOIN (
        SELECT TraceId AS a_trace, SpanId AS a_span, SpanAttributes[{by_key:String}] AS value
        FROM ${ctx.db.table('otel_traces')}
        WHERE ProjectId = {project:String}
          AND Timestamp >= fromUnixTimestamp64Milli({lo:Int64})
          AND Timestamp < fromUnixTimestamp64Milli({hi:Int64})
          AND mapContains(SpanAttributes, {by_key:String})
      ) AS a ON trace_id = a.a_trace AND span_id = a.a_span
      WHERE ${w.sql}`;
  }
  // The rows with their group, priced: the models module's price join over this source.
  const from = fromWithPrices(lv, (name) =>
    name === lv.table ? `(${source}) AS src` : ctx.db.table(name),
  );
  const rows = await ctx.db.rows<{ k: number | string; g: string; cost: number }>(
    `SELECT arrayJoin(${pointsOfRow(levelTsMs(level))}) AS k, g, ${COST} AS cost
     FROM ${from} GROUP BY k, g ORDER BY k`,
    params,
  );
  const worst = new Map<number, { cost: number; groups: number }>();
  for (const r of rows) {
    const k = Number(r.k);
    const cost = Number(r.cost);
    const prev = worst.get(k);
    worst.set(k, { cost: Math.max(prev?.cost ?? 0, cost), groups: (prev?.groups ?? 0) + 1 });
  }
  return Array.from({ length: grid.n }, (_, k) => {
    const wk = worst.get(k);
    const spent = wk?.cost ?? 0;
    return {
      value: spent / s.limitUsd,
      details: { spentUsd: spent, limitUsd: s.limitUsd, groups: wk?.groups ?? 0 },
    };
  });
}
