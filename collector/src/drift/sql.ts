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

/** The reference's rows `(kind, feature, is_numeric, num, cat)` as a subquery. */
function refRows(q: DriftQuery): string {
  const r = q.reference;
  if ('baselineId' in r)
    return `(SELECT kind, feature, is_numeric, num, cat FROM ${r.table}
      WHERE project_id = {project:String} AND baseline_id = {baseline:String}${q.feature !== undefined ? ' AND feature = {feature:String}' : ''})`;
  return `(SELECT kind, feature, is_numeric, num, cat FROM ${q.table} WHERE ${sideCondition('r', r, q.feature !== undefined)})`;
}

/** The current window's rows as a subquery. */
function curRows(q: DriftQuery): string {
  return `(SELECT kind, feature, is_numeric, num, cat FROM ${q.table} WHERE ${sideCondition('c', q.current, q.feature !== undefined)})`;
}

/**
 * Both sides' rows of one value type, tagged with `side`. A reference and a current
 * window may overlap (a model compared with itself): a row then counts on both sides.
 */
function both(q: DriftQuery, numeric: boolean, columns: string): string {
  const type = `is_numeric = ${numeric ? 1 : 0}`;
  return `(
    SELECT kind, feature, ${columns}, 0 AS side FROM ${refRows(q)} WHERE ${type}
    UNION ALL
    SELECT kind, feature, ${columns}, 1 AS side FROM ${curRows(q)} WHERE ${type}
  )`;
}

/** Values per feature and side, numeric and categorical apart: `(kind, feature, is_numeric, n_ref, n_cur)`. */
export function countsSql(q: DriftQuery): string {
  return `SELECT kind, feature, is_numeric, sum(side = 0) AS n_ref, sum(side = 1) AS n_cur FROM (
    SELECT kind, feature, is_numeric, 0 AS side FROM ${refRows(q)}
    UNION ALL
    SELECT kind, feature, is_numeric, 1 AS side FROM ${curRows(q)}
  ) GROUP BY kind, feature, is_numeric ORDER BY kind, feature, is_numeric`;
}

/**
 * Numeric bins: the reference's deciles (`quantilesExactInclusive`, linear interpolation as
 * numpy's default), its population standard deviation, and per side the count in each of
 * the 10 bins `[e_i, e_{i+1})`, the outer ones open: a value's bin is the number of edges
 * at or below it. Rows `(kind, feature, edges, ref_std, side, bin, n)`.
 */
export function numericBinsSql(q: DriftQuery): string {
  return `WITH ref_edges AS (
    SELECT kind, feature, quantilesExactInclusive(${DECILES.join(', ')})(num) AS edges,
           stddevPop(num) AS ref_std
    FROM ${refRows(q)}
    WHERE is_numeric = 1
    GROUP BY kind, feature
  )
  SELECT kind, feature, any(cut) AS edges, any(sd) AS ref_std, side, bin, count() AS n
  FROM (
    SELECT kind, feature, side, edges AS cut, ref_std AS sd, arrayCount(e -> e <= num, edges) AS bin
    FROM ${both(q, true, 'num')} AS v
    INNER JOIN ref_edges USING (kind, feature)
  )
  GROUP BY kind, feature, side, bin
  ORDER BY kind, feature, side, bin`;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic and two-sided p-value per numeric feature
 * (ClickHouse's `auto` method: exact up to 10,000 values per side, as SciPy's
 * `ks_2samp`), and the Wasserstein-1 distance: the integral of |F_ref − F_cur| over the
 * sorted values of both sides, F the cumulative shares (SciPy's `wasserstein_distance`).
 * Features with values on both sides only. Rows `(kind, feature, ks_d, ks_p, wasserstein)`.
 *
 * One aggregation per feature: the values of both sides sorted once as `(value, side)`
 * pairs; integer running counts of each side give F_ref − F_cur after every value, and the
 * integral is Σ |F_ref − F_cur|·(v_{i+1} − v_i) (ties add 0). Window functions over the
 * distinct values did the same but ran ten times slower (bench/drift.mjs).
 */
export function numericTestsSql(q: DriftQuery, batched = false): string {
  // Batched: only the features named in {testKeys} (`kind \0 feature`), so that the sorted
  // arrays of a few features at a time stay within the query's memory limit.
  const only = batched ? " AND concat(kind, '\\0', feature) IN {testKeys:Array(String)}" : '';
  // The engine's KS refuses an empty sample as it finalizes, before HAVING could drop the
  // feature: features with values on one side only are filtered out first.
  return `SELECT kind, feature, tupleElement(t, 1) AS ks_d, tupleElement(t, 2) AS ks_p,
    arraySum(arrayMap((d, dv) -> abs(d) * dv,
      arrayPopBack(arrayMap((a, b) -> a / n0 - b / n1,
        arrayCumSum(arrayMap(p -> toUInt64(p.2 = 0), sorted)),
        arrayCumSum(arrayMap(p -> toUInt64(p.2 = 1), sorted)))),
      arrayPopFront(arrayDifference(arrayMap(p -> p.1, sorted))))) AS wasserstein
  FROM (
    SELECT kind, feature, kolmogorovSmirnovTest('two-sided')(num, side) AS t,
      arraySort(groupArray((num, side))) AS sorted, countIf(side = 0) AS n0, countIf(side = 1) AS n1
    FROM ${both(q, true, 'num')}
    WHERE (kind, feature) IN (
      SELECT kind, feature FROM ${both(q, true, 'num')}
      WHERE 1${only}
      GROUP BY kind, feature
      HAVING countIf(side = 0) > 0 AND countIf(side = 1) > 0
    )${only}
    GROUP BY kind, feature
  )
  ORDER BY kind, feature`;
}

/** Category counts per categorical feature and side: rows `(kind, feature, cat, n_ref, n_cur)`. */
export function categoriesSql(q: DriftQuery): string {
  return `SELECT kind, feature, cat, countIf(side = 0) AS n_ref, countIf(side = 1) AS n_cur
  FROM ${both(q, false, 'cat')}
  GROUP BY kind, feature, cat
  ORDER BY kind, feature, cat`;
}

/**
 * The reference split into chunks of the current window's size, for limits from the
 * reference's own variation (thresholds.ts): per feature, rows numbered in a pseudo-random
 * order (a hash of each row's read position, as the baseline copy keeps no time) and cut
 * into consecutive chunks of `{chunkSizes}` rows (aligned with `{chunkKeys}`, each
 * `kind \0 feature \0 is_numeric`); the first `{maxChunks}` chunks only. Counts per chunk and
 * decile bin (numeric, the reference's edges as in {@link numericBinsSql}) or category:
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
