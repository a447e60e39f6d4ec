import type { FeatureDriftResponse } from '../api/types.js';
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
export interface BinRow {
  kind: string;
  feature: string;
  edges: number[];
  ref_std: number;
  side: number | string;
  bin: number | string;
  n: number | string;
}
export interface TestRow {
  kind: string;
  feature: string;
  ks_d: number;
  ks_p: number;
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
  bins: BinRow[],
  tests: TestRow[],
  categories: CategoryRow[],
): FeatureStats[] {
  const binsBy = new Map<string, { edges: number[]; sd: number; ref: number[]; cur: number[] }>();
  for (const b of bins) {
    const k = key(b.kind, b.feature);
    let e = binsBy.get(k);
    if (!e) {
      e = { edges: b.edges, sd: b.ref_std, ref: Array(10).fill(0), cur: Array(10).fill(0) };
      binsBy.set(k, e);
    }
    (Number(b.side) === 0 ? e.ref : e.cur)[Number(b.bin)] = Number(b.n);
  }
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
      const b = binsBy.get(k);
      const t = testsBy.get(k);
      const ok = b !== undefined && base.currentCount > 0;
      const w = t ? t.wasserstein : null;
      return {
        ...base,
        type: 'numeric',
        psi: ok ? finite(psi(b.ref, b.cur)) : null,
        jensenShannon: ok ? finite(jensenShannon(b.ref, b.cur)) : null,
        ksStatistic: t ? t.ks_d : null,
        ksPValue: t ? t.ks_p : null,
        wasserstein: w,
        // A constant reference has no spread to norm by: undefined, not infinite.
        wassersteinNormed: w !== null && b && b.sd > 0 ? w / b.sd : null,
        chiSquarePValue: null,
        bins: { reference: b?.ref ?? [], current: b?.cur ?? [], edges: b?.edges ?? [] },
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
      bins: { reference: e.ref, current: e.cur, categories: e.cats },
    };
  });
}
