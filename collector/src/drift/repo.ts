import type { Db } from '../storage/db.js';
import {
  assembleStats,
  type BinRow,
  type CategoryRow,
  type CountRow,
  type FeatureStats,
  type TestRow,
} from './features.js';
import type { JointRow } from './multivariate.js';
import { type JointSides, jointRowsSql, jointSizesSql, keepRate } from './multivariate-sql.js';
import type { RankAgainst } from './ranking.js';
import {
  accuracyParams,
  accuracySql,
  errorRateSql,
  type QualityWindowsQuery,
} from './ranking-sql.js';
import {
  categoriesSql,
  countsSql,
  type DriftQuery,
  driftParams,
  numericBinsSql,
  numericTestsSql,
  referenceChunksSql,
  type SideFilter,
} from './sql.js';
import {
  type ChunkRow,
  chunkKey,
  limitsOf,
  MAX_CHUNKS,
  MIN_CHUNKS,
  type ReferenceLimits,
} from './thresholds.js';

/** A drift query as callers give it: the reference a time range or a stored baseline's id. */
export interface DriftRequest {
  project: string;
  model: string;
  reference: SideFilter | { baselineId: string };
  current: SideFilter;
  /** Only this feature (of either kind). */
  feature?: string;
}

/** Reads of the typed feature rows for drift. */
export interface DriftRepo {
  /** Per-feature drift statistics of one model: reference against current. */
  featureStats(q: DriftRequest): Promise<FeatureStats[]>;
  /**
   * Limits from the reference's chunk-to-chunk variation per feature (thresholds.ts), keyed
   * by {@link chunkKey}; null where fewer than six whole chunks of the current size fit.
   */
  referenceLimits(
    q: DriftRequest,
    stats: readonly FeatureStats[],
  ): Promise<Map<string, ReferenceLimits | null>>;
  /**
   * Up to `limit` inferences per side with their input features, sampled at random
   * (multivariate-sql.ts); only one side's with `sides`. The reference is rows of the
   * feature table: a baseline's copy keeps no inference ids.
   */
  jointRows(
    q: DriftRequest & { reference: SideFilter },
    limit: number,
    sides?: JointSides,
  ): Promise<JointRow[]>;
  /**
   * The model's error rate (from the inference rollups) or accuracy (from feedback) per
   * bucket of `q.stepMs`, keyed by the bucket's start (ranking-sql.ts); buckets without
   * requests (or judged predictions) absent.
   */
  qualityWindows(q: QualityWindowsQuery, against: RankAgainst): Promise<Map<number, number>>;
  /** The (version, variant) pairs of a model with values in `[fromMs, toMs)`. */
  groups(
    project: string,
    model: string,
    fromMs: number,
    toMs: number,
  ): Promise<Array<{ version: string; variant: string }>>;
}

/** Most values (both sides) one KS/Wasserstein query sorts at once. */
export const TEST_BATCH_VALUES = 2_000_000;

/** Numeric features in batches of at most {@link TEST_BATCH_VALUES} values (one may exceed it alone). */
export function testBatches(counts: readonly CountRow[]): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let size = 0;
  for (const c of counts) {
    if (Number(c.is_numeric) !== 1) continue;
    const n = Number(c.n_ref) + Number(c.n_cur);
    if (batch.length > 0 && size + n > TEST_BATCH_VALUES) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(`${c.kind}\u0000${c.feature}`);
    size += n;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** Creates the drift repository over the query helpers (every query under the limits). */
export function createDriftRepo(db: Db): DriftRepo {
  const toQuery = (query: DriftRequest): DriftQuery => {
    const r = query.reference;
    return {
      ...query,
      table: db.table('aiobs_feature_values'),
      reference:
        'baselineId' in r
          ? { baselineId: r.baselineId, table: db.table('aiobs_baseline_values') }
          : r,
    };
  };
  return {
    async referenceLimits(query, stats) {
      const out = new Map<string, ReferenceLimits | null>();
      // Only features whose reference holds six whole chunks: the others get no limits, and
      // cutting their reference would be wasted work.
      const wanted = stats.filter(
        (s) => s.currentCount > 0 && s.referenceCount >= MIN_CHUNKS * s.currentCount,
      );
      for (const s of stats) out.set(chunkKey(s), null);
      if (wanted.length === 0) return out;
      const q = toQuery(query);
      const rows = await db.rows<ChunkRow>(referenceChunksSql(q), {
        ...driftParams(q),
        chunkKeys: wanted.map(chunkKey),
        chunkSizes: wanted.map((s) => s.currentCount),
        maxChunks: MAX_CHUNKS,
      });
      const by = new Map<string, ChunkRow[]>();
      for (const r of rows) {
        const k = `${r.kind}\u0000${r.feature}\u0000${Number(r.is_numeric)}`;
        const list = by.get(k);
        if (list) list.push(r);
        else by.set(k, [r]);
      }
      for (const s of wanted) out.set(chunkKey(s), limitsOf(s, by.get(chunkKey(s)) ?? []));
      return out;
    },
    async featureStats(query) {
      const q = toQuery(query);
      const params = driftParams(q);
      // One at a time: the embedded engine runs one query at a time anyway.
      const counts = await db.rows<CountRow>(countsSql(q), params);
      if (counts.length === 0) return [];
      const bins = await db.rows<BinRow>(numericBinsSql(q), params);
      // The KS and Wasserstein query holds each feature's sorted values in memory
      // (~110 bytes a value): features are taken a few at a time so that a large window
      // stays under --query-max-memory-bytes.
      const tests: TestRow[] = [];
      for (const keys of testBatches(counts)) {
        const sql = numericTestsSql(q, true);
        tests.push(...(await db.rows<TestRow>(sql, { ...params, testKeys: keys })));
      }
      const categories = await db.rows<CategoryRow>(categoriesSql(q), params);
      return assembleStats(counts, bins, tests, categories);
    },
    async jointRows(query, limit, sides = 'both') {
      const q = toQuery(query) as DriftQuery & { reference: SideFilter };
      const params = driftParams(q);
      // About how many inferences each side holds (the most values of one feature): it sets
      // the sampling rate, so that only about `limit` inferences are grouped.
      const sizes = await db.rows<{ side: number | string; n: number | string }>(
        jointSizesSql(q, sides),
        params,
      );
      const size = (side: number) => Number(sizes.find((r) => Number(r.side) === side)?.n ?? 0);
      if (sizes.length === 0) return [];
      return db.rows<JointRow>(jointRowsSql(q, sides), {
        ...params,
        rKeep: keepRate(size(0), limit),
        cKeep: keepRate(size(1), limit),
        limit,
      });
    },
    async qualityWindows(q, against) {
      let rows: Array<{ bucket: number | string; value: number }>;
      if (against === 'error_rate') {
        const { labelDelayMs: _, ...params } = q;
        rows = await db.rows(errorRateSql(db.table('aiobs_inference_1m'), q), params);
      } else {
        const { filter, params } = accuracyParams(q);
        const tables = {
          inferences: db.table('aiobs_inferences'),
          feedback: db.table('aiobs_feedback'),
          features: db.table('aiobs_feature_values'),
        };
        rows = await db.rows(accuracySql(tables, filter), { ...params });
      }
      return new Map(rows.map((r) => [Number(r.bucket), Number(r.value)]));
    },
    async groups(project, model, fromMs, toMs) {
      return db.rows<{ version: string; variant: string }>(
        `SELECT DISTINCT version, variant FROM ${db.table('aiobs_feature_values')}
         WHERE project_id = {project:String} AND model = {model:String}
           AND time >= fromUnixTimestamp64Milli({from:Int64})
           AND time < fromUnixTimestamp64Milli({to:Int64})
         ORDER BY version, variant`,
        { project, model, from: fromMs, to: toMs },
      );
    },
  };
}
