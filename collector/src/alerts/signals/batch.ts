import { DIMENSIONS, fromWithPrices, LEVEL_SQL } from '../../models/sql.js';
import type { Params } from '../../storage/db.js';
import type { SignalContext, SignalSample, WindowMs } from '../contract.js';
import { onePoint, rowsRange, windowLevel } from './grid.js';
import { aggregates, type InferenceSignal, sampleOf } from './inference.js';
import type { Signal } from './schema.js';
import { levelRange, needsRaw } from './where.js';

/**
 * Many signals read by one query (issue 10, item 8). Every engine query costs CPU whatever it
 * reads (a few ms for `SELECT 1`, tens for a rollup read on a loaded machine), so a tick of
 * 1,000 rules over 160 distinct signals must not be 160 queries.
 *
 * The inference kinds on the rollups (or on raw rows without host and attribute filters)
 * batch: the signals with the same stored level, window and end share one scan of the
 * project's rows in that window, each signal's figures computed side by side with the `-If`
 * combinator on its own filters (`aggregates(s, raw, cond)`, the expressions a lone read
 * uses). Cost signals need the price join, so they batch apart. Anything else (GPU, metric,
 * drift, SLO, anomaly, composite, absence, host or attribute filters) is read alone.
 */

/** One signal to read over one window. */
export interface BatchItem {
  signal: Signal;
  window: WindowMs;
}

const INFERENCE_KINDS = new Set([
  'latency',
  'ttft',
  'queueWait',
  'errorRate',
  'throughput',
  'tokens',
  'cost',
  'cacheHitRate',
]);

/** Whether a signal can share a batched read. */
export function batchable(s: Signal): s is InferenceSignal {
  return INFERENCE_KINDS.has(s.kind) && !needsRaw(s as InferenceSignal);
}

/**
 * Key of the batch an item joins: same level, window and end (then the rows are the same),
 * and the price join or not.
 */
export function batchKey(s: InferenceSignal, window: WindowMs): string {
  const windowMs = window.toMs - window.fromMs;
  return JSON.stringify([windowLevel(windowMs), windowMs, window.toMs, s.kind === 'cost']);
}

/** SQL condition of one item's dimension filters; its parameters are prefixed `b<i>_`. */
function filterCond(s: InferenceSignal, i: number, params: Params): string {
  const conds: string[] = [];
  for (const d of DIMENSIONS) {
    const v = s[d];
    if (v === undefined) continue;
    params[`b${i}_${d}`] = v;
    conds.push(`${d} = {b${i}_${d}:String}`);
  }
  return conds.length === 0 ? '1' : `(${conds.join(' AND ')})`;
}

/**
 * Reads batchable signals sharing one {@link batchKey} in one query: one row, two columns
 * (`v<i>`, `n<i>`) per signal. Samples come back in the order of `items`.
 */
export async function inferenceBatch(
  ctx: SignalContext,
  items: readonly { signal: InferenceSignal; window: WindowMs }[],
): Promise<SignalSample[]> {
  const first = items[0];
  if (!first) return [];
  const { toMs } = first.window;
  const windowMs = toMs - first.window.fromMs;
  const level = windowLevel(windowMs);
  const lv = LEVEL_SQL[level];
  const raw = level === 'raw';
  const range = rowsRange(onePoint(toMs), windowMs, level);
  const params: Params = { project: ctx.project, lo: range.fromMs, hi: range.toMs };
  const columns: string[] = [];
  const any: string[] = [];
  items.forEach(({ signal }, i) => {
    const cond = filterCond(signal, i, params);
    any.push(cond);
    const { v, n } = aggregates(signal, raw, cond);
    columns.push(`${v} AS v${i}`, `${n} AS n${i}`);
  });
  const from =
    first.signal.kind === 'cost' ? fromWithPrices(lv, ctx.db.table) : ctx.db.table(lv.table);
  // A window of one point: every row in [lo, hi) is in it (grid.ts), so no arrayJoin.
  const [row] = await ctx.db.rows<Record<string, number | string | null>>(
    `SELECT ${columns.join(',\n       ')}
     FROM ${from}
     WHERE project_id = {project:String} AND ${levelRange(level)}
       AND (${[...new Set(any)].join(' OR ')})`,
    params,
  );
  return items.map(({ signal }, i) => {
    const v = row?.[`v${i}`];
    const n = row?.[`n${i}`] ?? 0;
    return sampleOf(
      signal,
      { v: v === null || v === undefined ? null : Number(v), n },
      toMs,
      windowMs,
      level,
    );
  });
}

/**
 * Every item's sample (or why it failed), in order: batchable items grouped by
 * {@link batchKey} (a group of one is read as a lone read is), the rest through `single`.
 * A failed batch fails its items only.
 */
export async function evaluateMany(
  ctx: SignalContext,
  items: readonly BatchItem[],
  single: (ctx: SignalContext, s: Signal, window: WindowMs) => Promise<SignalSample>,
): Promise<PromiseSettledResult<SignalSample>[]> {
  const out: Promise<SignalSample>[] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach(({ signal, window }, i) => {
    if (!batchable(signal)) {
      out[i] = single(ctx, signal, window);
      return;
    }
    const key = batchKey(signal, window);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  for (const idx of groups.values()) {
    if (idx.length === 1) {
      const { signal, window } = items[idx[0]!]!;
      out[idx[0]!] = single(ctx, signal, window);
      continue;
    }
    const read = inferenceBatch(
      ctx,
      idx.map((i) => items[i] as { signal: InferenceSignal; window: WindowMs }),
    );
    idx.forEach((i, k) => {
      out[i] = read.then((samples) => samples[k]!);
    });
  }
  return Promise.allSettled(out);
}
