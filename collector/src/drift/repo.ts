import { allInOrder } from '../query/in-order.js';
import type { Db } from '../storage/db.js';
import {
  assembleStats,
  type CategoryRow,
  type CountRow,
  type FeatureStats,
  type TestRow,
} from './features.js';
import { KS_EXACT_MAX } from './ks-pvalue.js';
import type { JointRow } from './multivariate.js';
import { type JointSides, jointRowsSql, jointSizesSql, keepRate } from './multivariate-sql.js';
import {
  categoriesSql,
  countsSql,
  type DriftQuery,
  driftParams,
  numericTestsSql,
  referenceChunksSql,
  SAMPLE_RANGE,
  type SideFilter,
  windowBinsSql,
} from './sql.js';
import {
  type ChunkRow,
  chunkKey,
  limitsOf,
  MAX_CHUNKS,
  MIN_CHUNKS,
  type ReferenceLimits,
} from './thresholds.js';
import { type BinRow, type Windowed, windowCounts, windowStats } from './windows.js';

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
   * The count-based statistics (PSI, Jensen–Shannon, chi-square; KS and Wasserstein null) of
   * each window of `stepMs` from the current side's start to its end, against a stored
   * baseline or a time range (its numeric values sampled above the cap as
   * {@link featureStats} samples them): three statements whatever the number of windows
   * (windows.ts), where {@link featureStats} per window costs three or more each.
   */
  windowStats(q: DriftRequest, stepMs: number): Promise<FeatureStats[][]>;
  /** The (version, variant) pairs of a model with values in `[fromMs, toMs)`. */
  groups(
    project: string,
    model: string,
    fromMs: number,
    toMs: number,
  ): Promise<Array<{ version: string; variant: string }>>;
}

/** Most values (both sides) one numeric-statistics query sorts at once. */
export const TEST_BATCH_VALUES = 2_000_000;

/**
 * Most numeric values per feature and side the statistics read (docs/drift.md "Sampling
 * above the cap"); above it a uniform sample of about this many. The same as a baseline's
 * cap (baselines-repo.ts), so a baseline's copy is never sampled again.
 */
export const SAMPLE_CAP = 100_000;

/** Options of {@link createDriftRepo}. */
export interface DriftRepoOptions {
  /** Sampling cap per numeric feature and side (tests lower it); default {@link SAMPLE_CAP}. */
  sampleCap?: number;
}

/** How one numeric feature's values are read by the statistics query. */
export interface TestPlan {
  /** `kind \0 feature`. */
  key: string;
  feature: string;
  /** Kept share of each side's values as a threshold on the 32-bit hash; null: every value. */
  refKeep: number | null;
  curKeep: number | null;
  /** Values expected in the query (both sides, after sampling). */
  size: number;
  /** Both sides at most {@link KS_EXACT_MAX} values: the engine's exact KS p-value applies. */
  exact: boolean;
}

/**
 * The plan per numeric feature with reference values: above `cap` values a side keeps
 * a share `cap / n` (a baseline's copy is never above the cap; `sampleReference` false
 * says it is one, whose rows carry no hash key).
 */
export function testPlans(
  counts: readonly CountRow[],
  cap: number,
  sampleReference: boolean,
): TestPlan[] {
  const keep = (n: number) => (n > cap ? Math.floor((cap / n) * SAMPLE_RANGE) : null);
  const out: TestPlan[] = [];
  for (const c of counts) {
    const nr = Number(c.n_ref);
    const nc = Number(c.n_cur);
    // A feature without current values still gets the reference's bins (histograms).
    if (Number(c.is_numeric) !== 1 || nr === 0) continue;
    const refKeep = sampleReference ? keep(nr) : null;
    const curKeep = keep(nc);
    const r = refKeep === null ? nr : cap;
    const k = curKeep === null ? nc : cap;
    out.push({
      key: `${c.kind}\u0000${c.feature}`,
      feature: c.feature,
      refKeep,
      curKeep,
      size: r + k,
      // The engine's KS refuses an empty sample as it finalizes.
      exact: k > 0 && r <= KS_EXACT_MAX && k <= KS_EXACT_MAX,
    });
  }
  return out;
}

/**
 * Plans in batches of at most {@link TEST_BATCH_VALUES} values (one may exceed it alone),
 * the exact-KS features apart from the others (the engine's KS runs only in their batches).
 */
export function testBatches(plans: readonly TestPlan[]): TestPlan[][] {
  const out: TestPlan[][] = [];
  for (const exact of [true, false]) {
    let batch: TestPlan[] = [];
    let size = 0;
    for (const p of plans) {
      if (p.exact !== exact) continue;
      if (batch.length > 0 && size + p.size > TEST_BATCH_VALUES) {
        out.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.size;
    }
    if (batch.length > 0) out.push(batch);
  }
  return out;
}

/** The bound parameters of one batch of {@link numericTestsSql}. */
export function batchParams(batch: readonly TestPlan[]): Record<string, unknown> {
  // Rates by feature name (the engine looks them up per distinct name): where a name is both
  // a feature and a prediction output, the larger rate (a larger, still uniform sample).
  const rates = (side: 'refKeep' | 'curKeep') => {
    const by = new Map<string, number>();
    for (const p of batch) {
      const keep = p[side] ?? SAMPLE_RANGE;
      by.set(p.feature, Math.max(by.get(p.feature) ?? 0, keep));
    }
    return [...by].filter(([, keep]) => keep < SAMPLE_RANGE);
  };
  const r = rates('refKeep');
  const c = rates('curKeep');
  return {
    testKeys: batch.map((p) => p.key),
    testFeatures: [...new Set(batch.map((p) => p.feature))],
    rSampleKeys: r.map(([f]) => f),
    rSampleKeep: r.map(([, k]) => k),
    cSampleKeys: c.map(([f]) => f),
    cSampleKeep: c.map(([, k]) => k),
  };
}

/** Creates the drift repository over the query helpers (every query under the limits). */
export function createDriftRepo(db: Db, opts: DriftRepoOptions = {}): DriftRepo {
  const cap = opts.sampleCap ?? SAMPLE_CAP;
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
      // The chunks match the size the current figures used (the sample above the cap).
      const sized = stats.map((s) => (s.sampled ? { ...s, currentCount: s.sampled.current } : s));
      const wanted = sized.filter(
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
      const counts = await db.rows<CountRow>(countsSql(q), params);
      if (counts.length === 0) return [];
      // One query per batch of numeric features reads their (sampled) values once for the
      // deciles, bins, KS and Wasserstein; the sorted values cost ~110 bytes each in memory,
      // so batches keep a query under --query-max-memory-bytes, and run one after another
      // (side by side they would hold several batches' values at once).
      const plans = testPlans(counts, cap, !('baselineId' in query.reference));
      const numeric = async () => {
        const tests: TestRow[] = [];
        for (const batch of testBatches(plans)) {
          const sql = numericTestsSql(q, batch[0]!.exact);
          tests.push(...(await db.rows<TestRow>(sql, { ...params, ...batchParams(batch) })));
        }
        return tests;
      };
      const catFeatures = [
        ...new Set(counts.filter((c) => Number(c.is_numeric) !== 1).map((c) => c.feature)),
      ];
      // The categories need only the counts: read beside the numeric batches (the engine's
      // client spreads statements over several connections).
      const [tests, categories] = await allInOrder([
        numeric(),
        catFeatures.length > 0
          ? db.rows<CategoryRow>(categoriesSql(q), { ...params, catFeatures })
          : Promise.resolve([] as CategoryRow[]),
      ]);
      return assembleStats(counts, tests, categories);
    },
    async windowStats(query, stepMs) {
      const q = toQuery(query);
      const windows = Math.ceil((q.current.toMs - q.current.fromMs) / stepMs);
      const params = { ...driftParams(q), step: stepMs };
      const counts = windowCounts(
        await db.rows<Windowed<CountRow>>(countsSql(q, true), params),
        windows,
      );
      // Each window's numeric values sampled as featureStats samples that window alone; a
      // time-range reference's as featureStats samples it (the same in every window).
      const sampleReference = !('baselineId' in query.reference);
      const rates = new Map<string, number>();
      const refRates = new Map<string, number>();
      for (const [w, c] of counts.entries())
        for (const p of testPlans(c, cap, sampleReference)) {
          if (p.curKeep !== null) {
            const k = `${w}\u0000${p.feature}`;
            rates.set(k, Math.max(rates.get(k) ?? 0, p.curKeep));
          }
          // By name, the larger rate where a name is of both kinds (as batchParams).
          const keep = p.refKeep ?? SAMPLE_RANGE;
          refRates.set(p.feature, Math.max(refRates.get(p.feature) ?? 0, keep));
        }
      const refSampled = [...refRates].filter(([, keep]) => keep < SAMPLE_RANGE);
      const all = counts.flat();
      const named = (numeric: boolean) => [
        ...new Set(
          all
            .filter(
              (c) => (Number(c.is_numeric) === 1) === numeric && (!numeric || Number(c.n_ref) > 0),
            )
            .map((c) => c.feature),
        ),
      ];
      const [testFeatures, catFeatures] = [named(true), named(false)];
      const [bins, categories] = await allInOrder([
        testFeatures.length > 0
          ? db.rows<BinRow>(windowBinsSql(q, rates.size > 0), {
              ...params,
              testFeatures,
              ...(rates.size > 0
                ? { cSampleKeys: [...rates.keys()], cSampleKeep: [...rates.values()] }
                : {}),
              ...(sampleReference
                ? {
                    rSampleKeys: refSampled.map(([f]) => f),
                    rSampleKeep: refSampled.map(([, keep]) => keep),
                  }
                : {}),
            })
          : Promise.resolve([] as BinRow[]),
        catFeatures.length > 0
          ? db.rows<Windowed<CategoryRow>>(categoriesSql(q, true), { ...params, catFeatures })
          : Promise.resolve([] as Windowed<CategoryRow>[]),
      ]);
      return windowStats(counts, bins, categories);
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
