import { DECILES } from './stats.js';

/**
 * The SQL that computes drift inputs inside ClickHouse, over `aiobs_feature_values`: decile
 * edges and bin counts, category counts, the KS test and the Wasserstein-1 integral per
 * feature. Pure text: every value is bound as a `{name:Type}` parameter by the repository.
 * Rows of the reference carry `side = 0`, rows of the current window `side = 1`.
 */

/** Which rows make up one side (reference or current). */
export interface SideFilter {
  /** Inclusive start, Unix ms. */
  fromMs: number;
  /** Exclusive end, Unix ms. */
  toMs: number;
  version?: string;
  variant?: string;
}

/** What a drift query compares: one model of one project, a reference and a current side. */
export interface DriftQuery {
  /** Qualified name of the feature table (`db.aiobs_feature_values`). */
  table: string;
  project: string;
  model: string;
  /** The reference: rows of the feature table, or a stored baseline's own copy. */
  reference: SideFilter | { baselineId: string; table: string };
  current: SideFilter;
  /** Only this feature (of either kind): histograms and one-feature series. */
  feature?: string;
}

/** The WHERE condition of one side, with its parameters (prefix `r` or `c`). */
export function sideCondition(prefix: 'r' | 'c', side: SideFilter, feature: boolean): string {
  const parts = [
    'project_id = {project:String}',
    'model = {model:String}',
    `time >= fromUnixTimestamp64Milli({${prefix}From:Int64})`,
    `time < fromUnixTimestamp64Milli({${prefix}To:Int64})`,
  ];
  if (side.version !== undefined) parts.push(`version = {${prefix}Version:String}`);
  if (side.variant !== undefined) parts.push(`variant = {${prefix}Variant:String}`);
  if (feature) parts.push('feature = {feature:String}');
  return parts.join(' AND ');
}

/** Bound parameters of a query. */
export function driftParams(q: DriftQuery): Record<string, unknown> {
  const p: Record<string, unknown> = {
    project: q.project,
    model: q.model,
    cFrom: q.current.fromMs,
    cTo: q.current.toMs,
  };
  const r = q.reference;
  if ('baselineId' in r) p.baseline = r.baselineId;
  else {
    p.rFrom = r.fromMs;
    p.rTo = r.toMs;
    if (r.version !== undefined) p.rVersion = r.version;
    if (r.variant !== undefined) p.rVariant = r.variant;
  }
  if (q.current.version !== undefined) p.cVersion = q.current.version;
  if (q.current.variant !== undefined) p.cVariant = q.current.variant;
  if (q.feature !== undefined) p.feature = q.feature;
  return p;
}

/** Largest number (exclusive) of the sampling hash's range: its low 32 bits. */
export const SAMPLE_RANGE = 2 ** 32;

/**
 * The condition that keeps a uniform pseudo-random share of one side's numeric values
 * (docs/drift.md "Sampling above the cap"): a value is kept when the low 32 bits of
 * `cityHash64(time, num)` fall under its feature's rate (`{rSampleKeep}` / `{cSampleKeep}`,
 * aligned with the feature names `{rSampleKeys}` / `{cSampleKeys}`); features not named
 * keep every value. The same rows keep the same sample. Keyed by the name alone: the
 * function then runs once per distinct name of the `LowCardinality` column, not per row.
 */
function sampleCondition(prefix: 'r' | 'c'): string {
  return `cityHash64(time, num) % ${SAMPLE_RANGE} < transform(feature,
      {${prefix}SampleKeys:Array(String)}, {${prefix}SampleKeep:Array(UInt64)}, toUInt64(${SAMPLE_RANGE}))`;
}

/**
 * Which values a subquery keeps: all, the numeric values of the features named in
 * `{testFeatures}` (sampled: {@link sampleCondition}), or the categorical values of those in
 * `{catFeatures}`. Naming the features lets the sort key `(project_id, model, feature, …)`
 * skip the others' rows.
 */
type Only = 'all' | 'numeric' | 'categorical';

function onlyCondition(only: Only): string {
  if (only === 'numeric') return ' AND is_numeric = 1 AND feature IN {testFeatures:Array(String)}';
  if (only === 'categorical')
    return ' AND is_numeric = 0 AND feature IN {catFeatures:Array(String)}';
  return '';
}

/**
 * The reference's rows `(kind, feature, is_numeric, num, cat)` as a subquery, those `only`
 * names (a baseline's copy is never larger than the cap, so it is never sampled).
 */
function refRows(q: DriftQuery, only: Only = 'all'): string {
  const r = q.reference;
  if ('baselineId' in r)
    return `(SELECT kind, feature, is_numeric, num, cat FROM ${r.table}
      WHERE project_id = {project:String} AND baseline_id = {baseline:String}${q.feature !== undefined ? ' AND feature = {feature:String}' : ''}${onlyCondition(only)})`;
  const sample = only === 'numeric' ? ` AND ${sampleCondition('r')}` : '';
  return `(SELECT kind, feature, is_numeric, num, cat FROM ${q.table} WHERE ${sideCondition('r', r, q.feature !== undefined)}${onlyCondition(only)}${sample})`;
}

/**
 * A row's window in a windowed query: whole windows of `{step}` ms from the current side's
 * start, numbered from 0 (the reference's rows carry -1).
 */
const WINDOW = 'toInt64(intDiv(toUnixTimestamp64Milli(time) - {cFrom:Int64}, {step:Int64}))';

/**
 * The windowed form of {@link sampleCondition}: the rate of each window's feature
 * (`{cSampleKeys}` are `window \0 feature`); none where no window's feature is sampled.
 */
function windowSampleCondition(sampled: boolean): string {
  if (!sampled) return '';
  return ` AND cityHash64(time, num) % ${SAMPLE_RANGE} < transform(concat(toString(w), '\\0', feature),
      {cSampleKeys:Array(String)}, {cSampleKeep:Array(UInt64)}, toUInt64(${SAMPLE_RANGE}))`;
}

/** The reference's rows in a windowed query: window -1. */
const REF_WINDOW = 'toInt64(-1) AS w, ';

/**
 * The current window's rows as a subquery; `only` as for {@link refRows}. `windowed`: the
 * rows of the whole current side, each with its window `w` ({@link WINDOW}), the numeric
 * values sampled per window where `sampled` (the rates of {@link windowSampleCondition}).
 */
function curRows(q: DriftQuery, only: Only = 'all', windowed = false, sampled = false): string {
  const sample =
    only !== 'numeric'
      ? ''
      : windowed
        ? windowSampleCondition(sampled)
        : ` AND ${sampleCondition('c')}`;
  return `(SELECT ${windowed ? `${WINDOW} AS w, ` : ''}kind, feature, is_numeric, num, cat FROM ${q.table} WHERE ${sideCondition('c', q.current, q.feature !== undefined)}${onlyCondition(only)}${sample})`;
}

/** The two kinds of value a feature row holds (features and the model's outputs). */
const KINDS = ['feature', 'prediction'] as const;

/**
 * Values per feature and side, numeric and categorical apart: rows `(kind, feature,
 * is_numeric, n_ref, n_cur)`, the true counts (never sampled). Grouped by the feature
 * alone with a count per kind, type and side: grouping by three keys cost five times as
 * much CPU on 10 million rows (bench/drift.mjs). `windowed`: per window `w` of the current
 * side ({@link WINDOW}), the reference's counts as window -1.
 */
export function countsSql(q: DriftQuery, windowed = false): string {
  const w = windowed ? 'w, ' : '';
  const combos = KINDS.flatMap((k) => [1, 0].map((t) => [k, t] as const));
  const cols = combos
    .flatMap(([k, t], i) =>
      [0, 1].map(
        (side) =>
          `countIf(side = ${side} AND kind = '${k}' AND is_numeric = ${t}) AS c${i}_${side}`,
      ),
    )
    .join(',\n      ');
  const tuples = combos.map(([k, t], i) => `('${k}', ${t}, c${i}_0, c${i}_1)`).join(', ');
  return `SELECT ${w}tupleElement(c, 1) AS kind, feature, tupleElement(c, 2) AS is_numeric,
    tupleElement(c, 3) AS n_ref, tupleElement(c, 4) AS n_cur
  FROM (
    SELECT ${w}feature,
      ${cols}
    FROM (
      SELECT ${windowed ? REF_WINDOW : ''}kind, feature, is_numeric, 0 AS side FROM ${refRows(q)}
      UNION ALL
      SELECT ${w}kind, feature, is_numeric, 1 AS side FROM ${curRows(q, 'all', windowed)}
    )
    GROUP BY ${w}feature
  )
  ARRAY JOIN [${tuples}] AS c
  WHERE n_ref + n_cur > 0
  ORDER BY ${w}kind, feature, is_numeric`;
}

/**
 * Everything about the numeric features named in `{testFeatures}` / `{testKeys}` (each
 * `kind \0 feature`) in one aggregation per feature over the values of both sides (sampled
 * above the cap: {@link sampleCondition}), then one sorted array per feature. The
 * reference's decile edges join the values as markers (tag 2 beside the sides' 0 and 1), and
 * the values are sorted as numbers, the tags by the same values (`arraySort(func, …)`, a
 * numeric key; within a run of ties the order is arbitrary, so every figure is read where a
 * run ends, or from the runs before it):
 *
 * - the reference's deciles (`quantilesExactInclusive`, linear interpolation as numpy's
 *   default) and population standard deviation;
 * - the bin counts of each side over the 10 bins `[e_i, e_{i+1})`, the outer ones open
 *   (a value's bin is the number of edges at or below it): each side's count of values in
 *   the runs before an element (its running count before the run's first element, carried
 *   through the run by `arrayFill`), read at the markers, is its count below each edge. One
 *   linear pass: counting below each edge with a lambda per edge copied the values per edge
 *   and cost most of the query (bench/drift.mjs);
 * - the Wasserstein-1 distance ∫|F_ref − F_cur| (SciPy's `wasserstein_distance`): integer
 *   running counts of each side give F_ref − F_cur after every element, and the integral is
 *   Σ |F_ref − F_cur|·(v_{i+1} − v_i) (ties add 0; a marker splits a step without changing
 *   F_ref − F_cur, so it adds only rounding);
 * - the KS statistic, the largest |F_ref − F_cur| after the last element of a run of ties
 *   (where v_{i+1} > v_i: inside a run the running counts are not yet both ECDFs; a marker
 *   repeats the figure before it);
 * - with `engineKs`, also the engine's `kolmogorovSmirnovTest('two-sided')` (exact up to
 *   10,000 values per side, as SciPy's `ks_2samp`), for the p-value where it is exact; above
 *   that the repository computes SciPy's asymptotic p-value (ks-pvalue.ts), which the
 *   engine's differs from. The engine's KS refuses an empty sample: the repository asks
 *   for it only where both sides have values (a feature without current values still gets
 *   its reference's bins; its tests come out NaN and are dropped).
 *
 * Rows `(kind, feature, n_ref, n_cur, edges, ref_std, engine_ks, ref_bins, cur_bins, ks_d,
 * ks_p, wasserstein)`, `ks_p` NaN without `engineKs`, `n_ref`/`n_cur` the values used.
 */
export function numericTestsSql(q: DriftQuery, engineKs: boolean): string {
  const ks = engineKs ? "kolmogorovSmirnovTest('two-sided')(num, side)" : '(nan, nan)';
  // A side's count of values below each edge (read at the markers), then per bin.
  const bins = (cum: string, n: string) =>
    `arrayPopFront(arrayDifference(arrayConcat([toUInt64(0)],
      arrayFilter((c, x) -> x = 2, arrayFill((c, g) -> g > 0, arrayConcat([toUInt64(0)], arrayPopBack(${cum})), steps), tags),
      [toUInt64(${n})])))`;
  return `SELECT kind, feature, n0 AS n_ref, n1 AS n_cur, edges, ref_std, ${engineKs ? 1 : 0} AS engine_ks,
    ${bins('cum0', 'n0')} AS ref_bins,
    ${bins('cum1', 'n1')} AS cur_bins,
    ${engineKs ? 'tupleElement(t, 1)' : 'arrayMax(arrayMap((d, g) -> if(g > 0, abs(d), 0), arrayPopBack(diffs), gaps))'} AS ks_d,
    tupleElement(t, 2) AS ks_p,
    arraySum(arrayMap((d, g) -> abs(d) * g, arrayPopBack(diffs), gaps)) AS wasserstein
  FROM (
    SELECT kind, feature, t, n0, n1, edges, ref_std,
      arrayConcat(raw_vals, edges) AS all_vals,
      arraySort(all_vals) AS vals,
      arraySort((s, v) -> v, arrayConcat(raw_sides, arrayWithConstant(length(edges), 2)), all_vals) AS tags,
      arrayCumSum(arrayMap(x -> x = 0, tags)) AS cum0,
      arrayCumSum(arrayMap(x -> x = 1, tags)) AS cum1,
      arrayMap((a, b) -> a / n0 - b / n1, cum0, cum1) AS diffs,
      arrayDifference(vals) AS steps,
      arrayPopFront(steps) AS gaps
    FROM (
      SELECT kind, feature, ${ks} AS t,
        countIf(side = 0) AS n0, countIf(side = 1) AS n1,
        quantilesExactInclusiveIf(${DECILES.join(', ')})(num, side = 0) AS edges,
        stddevPopIf(num, side = 0) AS ref_std,
        groupArray(num) AS raw_vals, groupArray(side) AS raw_sides
      FROM (
        SELECT kind, feature, num, 0 AS side FROM ${refRows(q, 'numeric')}
        UNION ALL
        SELECT kind, feature, num, 1 AS side FROM ${curRows(q, 'numeric')}
      )
      WHERE concat(kind, '\\0', feature) IN {testKeys:Array(String)}
      GROUP BY kind, feature
    )
  )
  ORDER BY kind, feature`;
}

/**
 * Category counts per categorical feature named in `{catFeatures}` and side: rows `(kind,
 * feature, cat, n_ref, n_cur)`, every value (never sampled). `windowed`: per window `w`, as
 * {@link countsSql}.
 */
export function categoriesSql(q: DriftQuery, windowed = false): string {
  const w = windowed ? 'w, ' : '';
  return `SELECT ${w}kind, feature, cat, countIf(side = 0) AS n_ref, countIf(side = 1) AS n_cur
  FROM (
    SELECT ${windowed ? REF_WINDOW : ''}kind, feature, cat, 0 AS side FROM ${refRows(q, 'categorical')}
    UNION ALL
    SELECT ${w}kind, feature, cat, 1 AS side FROM ${curRows(q, 'categorical', windowed)}
  )
  GROUP BY ${w}kind, feature, cat
  ORDER BY ${w}kind, feature, cat`;
}

/**
 * Bin counts of the numeric features named in `{testFeatures}` for the reference (`w` -1)
 * and each window of the current side ({@link WINDOW}), over the reference's decile edges
 * as {@link numericTestsSql} bins them (a value's bin is the number of edges at or below
 * it). The current values sampled per window and feature where `sampled`
 * ({@link windowSampleCondition}), as {@link numericTestsSql} samples one window. One pass
 * over the range: the count-based measures (PSI, Jensen–Shannon) of every window, not the
 * tests, which need each window's values sorted. Rows `(w, kind, feature, edges, bin, n)`.
 */
export function windowBinsSql(q: DriftQuery, sampled: boolean): string {
  return `WITH ref_edges AS (
    SELECT kind, feature, quantilesExactInclusive(${DECILES.join(', ')})(num) AS cuts
    FROM ${refRows(q, 'numeric')}
    GROUP BY kind, feature
  )
  SELECT w, kind, feature, any(cuts) AS edges, arrayCount(e -> e <= num, cuts) AS bin, count() AS n
  FROM (
    SELECT ${REF_WINDOW}kind, feature, num FROM ${refRows(q, 'numeric')}
    UNION ALL
    SELECT w, kind, feature, num FROM ${curRows(q, 'numeric', true, sampled)}
  ) AS v INNER JOIN ref_edges USING (kind, feature)
  GROUP BY w, kind, feature, bin
  ORDER BY w, kind, feature, bin`;
}

/**
 * The reference split into chunks of the current window's size, for limits from the
 * reference's own variation (thresholds.ts): per feature, rows numbered in a pseudo-random
 * order (a hash of each row's read position, as the baseline copy keeps no time) and cut
 * into consecutive chunks of `{chunkSizes}` rows (aligned with `{chunkKeys}`, each
 * `kind \0 feature \0 is_numeric`); the first `{maxChunks}` chunks only. Counts per chunk and
 * decile bin (numeric, the reference's edges as in {@link numericTestsSql}) or category:
 * rows `(kind, feature, is_numeric, chunk, key, n)`, `key` the bin number or the category.
 */
export function referenceChunksSql(q: DriftQuery): string {
  const key = "concat(kind, '\\0', feature, '\\0', toString(is_numeric))";
  return `WITH ref_edges AS (
    SELECT kind, feature, quantilesExactInclusive(${DECILES.join(', ')})(num) AS edges
    FROM ${refRows(q)}
    WHERE is_numeric = 1
    GROUP BY kind, feature
  ),
  chunked AS (
    SELECT kind, feature, is_numeric, num, cat,
      intDiv(row_number() OVER (PARTITION BY kind, feature, is_numeric ORDER BY cityHash64(pos), pos) - 1,
             transform(${key}, {chunkKeys:Array(String)}, {chunkSizes:Array(UInt64)}, toUInt64(1))) AS chunk
    FROM (SELECT kind, feature, is_numeric, num, cat, rowNumberInAllBlocks() AS pos FROM ${refRows(q)})
    WHERE ${key} IN {chunkKeys:Array(String)}
  )
  SELECT kind, feature, is_numeric, chunk,
    if(is_numeric = 1, toString(arrayCount(e -> e <= num, edges)), cat) AS key, count() AS n
  FROM chunked LEFT JOIN ref_edges USING (kind, feature)
  WHERE chunk < {maxChunks:UInt32}
  GROUP BY kind, feature, is_numeric, chunk, key
  ORDER BY kind, feature, is_numeric, chunk, key`;
}
