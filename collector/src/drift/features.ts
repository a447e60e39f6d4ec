import type { FeatureDriftResponse } from '../api/types.js';
import { ksTwoSampleAsympP } from './ks-pvalue.js';
import { chiSquare, jensenShannon, psi } from './stats.js';

/**
 * Turns the engine's per-feature inputs (sql.ts) into drift statistics per feature. Pure.
 */

/** Engine rows as sql.ts names them (numbers may arrive as strings: 64-bit counts). */
export interface CountRow {
  kind: string;
  feature: string;
  is_numeric: number | string;
  n_ref: number | string;
  n_cur: number | string;
}
/** A row of sql.ts `numericTestsSql`: one numeric feature's bins, tests and sample sizes. */
export interface TestRow {
  kind: string;
  feature: string;
  /** Values the row's figures used (fewer than the counts where a side was sampled). */
  n_ref: number | string;
  n_cur: number | string;
  edges: number[];
  ref_std: number;
  ref_bins: Array<number | string>;
  cur_bins: Array<number | string>;
  ks_d: number;
  /** 1 where the engine's exact KS ran (`ks_p` its p-value); else ks-pvalue.ts computes it. */
  engine_ks: number | string;
  ks_p: number | null;
  wasserstein: number;
}
export interface CategoryRow {
  kind: string;
  feature: string;
  cat: string;
  n_ref: number | string;
  n_cur: number | string;
}

/**
 * Drift statistics of one feature (or prediction output); null where not defined. The
 * answer's statistics (api/types.ts) less the verdict, plus what the verdict and the
 * charts need: the kind, the raw Wasserstein distance and the bins.
 */
export type FeatureStats = Omit<
  FeatureDriftResponse,
  'verdict' | 'measure' | 'score' | 'threshold' | 'limits'
> & {
  kind: string;
  wasserstein: number | null;
  /** Numeric: the reference's decile edges; categorical: the categories. */
  bins: { reference: number[]; current: number[]; edges?: number[]; categories?: string[] };
};

const key = (kind: string, feature: string) => `${kind}\u0000${feature}`;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Assembles per-feature statistics from the four queries' rows, in (kind, feature) order. */
export function assembleStats(
  counts: CountRow[],
  tests: TestRow[],
  categories: CategoryRow[],
): FeatureStats[] {
  const testsBy = new Map(tests.map((t) => [key(t.kind, t.feature), t]));
  const catsBy = new Map<string, { cats: string[]; ref: number[]; cur: number[] }>();
  for (const c of categories) {
    const k = key(c.kind, c.feature);
    let e = catsBy.get(k);
    if (!e) {
      e = { cats: [], ref: [], cur: [] };
      catsBy.set(k, e);
    }
    e.cats.push(c.cat);
    e.ref.push(Number(c.n_ref));
    e.cur.push(Number(c.n_cur));
  }
  return counts.map((c): FeatureStats => {
    const k = key(c.kind, c.feature);
    const base = {
      kind: c.kind,
      feature: c.feature,
      referenceCount: Number(c.n_ref),
      currentCount: Number(c.n_cur),
    };
    if (Number(c.is_numeric) === 1) {
      // Features with reference values have a row; its tests only with current values too.
      const row = testsBy.get(k);
      const t = row && base.currentCount > 0 ? row : undefined;
      const ref = row ? row.ref_bins.map(Number) : [];
      const cur = row ? row.cur_bins.map(Number) : [];
      const used = t ? { reference: Number(t.n_ref), current: Number(t.n_cur) } : null;
      const w = t ? t.wasserstein : null;
      const p = t ? t.ks_p : null;
      return {
        ...base,
        type: 'numeric',
        psi: t ? finite(psi(ref, cur)) : null,
        jensenShannon: t ? finite(jensenShannon(ref, cur)) : null,
        ksStatistic: t ? t.ks_d : null,
        // The engine's where exact (≤ 10,000 values a side), else SciPy's asymptotic one.
        ksPValue: !t
          ? null
          : Number(t.engine_ks) === 1
            ? p === null
              ? null
              : finite(Number(p))
            : ksTwoSampleAsympP(t.ks_d, used!.reference, used!.current),
        wasserstein: w,
        // A constant reference has no spread to norm by: undefined, not infinite.
        wassersteinNormed: w !== null && t && t.ref_std > 0 ? w / t.ref_std : null,
        chiSquarePValue: null,
        sampled:
          used && (used.reference < base.referenceCount || used.current < base.currentCount)
            ? used
            : null,
        bins: { reference: ref, current: cur, edges: row?.edges ?? [] },
      };
    }
    const e = catsBy.get(k) ?? { cats: [], ref: [], cur: [] };
    const both = base.referenceCount > 0 && base.currentCount > 0;
    return {
      ...base,
      type: 'categorical',
      psi: both ? finite(psi(e.ref, e.cur)) : null,
      jensenShannon: both ? finite(jensenShannon(e.ref, e.cur)) : null,
      ksStatistic: null,
      ksPValue: null,
      wasserstein: null,
      wassersteinNormed: null,
      chiSquarePValue: both ? finite(chiSquare(e.ref, e.cur).pValue) : null,
      sampled: null,
      bins: { reference: e.ref, current: e.cur, categories: e.cats },
    };
  });
}
