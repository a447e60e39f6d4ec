import {
  assembleStats,
  type CategoryRow,
  type CountRow,
  type FeatureStats,
  type TestRow,
} from './features.js';

/**
 * Splits the rows of the windowed queries (sql.ts `countsSql(q, true)`, `categoriesSql(q,
 * true)`, `windowBinsSql`) into per-window inputs of {@link assembleStats}: each window
 * against the reference's rows (`w` -1), as the one-window queries would have answered for
 * that window. Pure.
 */

/** A row of a windowed query: `w` the window's number, -1 the reference's. */
export type Windowed<T> = T & { w: number | string };

/** A row of `windowBinsSql`: one bin's count of one side (or window). */
export interface BinRow {
  w: number | string;
  kind: string;
  feature: string;
  edges: number[];
  bin: number | string;
  n: number | string;
}

const byWindow = <T extends { w: number | string }>(rows: readonly T[]) => {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const w = Number(r.w);
    const list = out.get(w);
    if (list) list.push(r);
    else out.set(w, [r]);
  }
  return out;
};

/** Byte order of UTF-8 text, as the engine's ORDER BY sorts strings. */
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const countKey = (r: { kind: string; feature: string; is_numeric: number | string }) =>
  `${r.kind}\u0000${r.feature}\u0000${Number(r.is_numeric)}`;

/**
 * The counts of each of `windows` windows: every (kind, feature, type) of the reference or
 * the window, with the reference's count and the window's, in the one-window query's order.
 */
export function windowCounts(rows: readonly Windowed<CountRow>[], windows: number): CountRow[][] {
  const by = byWindow(rows);
  const ref = new Map((by.get(-1) ?? []).map((r) => [countKey(r), r]));
  const out: CountRow[][] = [];
  for (let w = 0; w < windows; w++) {
    const cur = new Map((by.get(w) ?? []).map((r) => [countKey(r), r]));
    const keys = [...new Set([...ref.keys(), ...cur.keys()])];
    const counts = keys.map((k) => {
      const r = (ref.get(k) ?? cur.get(k))!;
      return {
        kind: r.kind,
        feature: r.feature,
        is_numeric: Number(r.is_numeric),
        n_ref: Number(ref.get(k)?.n_ref ?? 0),
        n_cur: Number(cur.get(k)?.n_cur ?? 0),
      };
    });
    counts.sort(
      (a, b) => bytes(a.kind, b.kind) || bytes(a.feature, b.feature) || a.is_numeric - b.is_numeric,
    );
    out.push(counts);
  }
  return out;
}

/**
 * The statistics of each window from its counts ({@link windowCounts}), the bins and the
 * categories: PSI, Jensen–Shannon and chi-square as the one-window queries give them; the
 * KS and Wasserstein figures are null (the windowed bins sort no values).
 */
export function windowStats(
  counts: readonly CountRow[][],
  bins: readonly BinRow[],
  categories: readonly Windowed<CategoryRow>[],
): FeatureStats[][] {
  const binsBy = byWindow(bins);
  const catsBy = byWindow(categories);
  // The reference's bins per feature; each window's are zero where it has no values.
  const refBins = binsOf(binsBy.get(-1));
  const refCats = catsBy.get(-1) ?? [];
  return counts.map((windowCounts, w) => {
    const curBins = binsOf(binsBy.get(w));
    const tests: TestRow[] = [...refBins].map(([k, ref]) => {
      const [kind, feature] = k.split('\u0000') as [string, string];
      const cur = curBins.get(k)?.bins ?? new Array<number>(ref.bins.length).fill(0);
      return {
        kind,
        feature,
        n_ref: ref.bins.reduce((a, b) => a + b, 0),
        n_cur: cur.reduce((a, b) => a + b, 0),
        edges: ref.edges,
        ref_std: Number.NaN,
        ref_bins: ref.bins,
        cur_bins: cur,
        ks_d: Number.NaN,
        engine_ks: 1,
        ks_p: null,
        wasserstein: Number.NaN,
      };
    });
    const stats = assembleStats(windowCounts, tests, windowCategories(refCats, catsBy.get(w)));
    return stats.map((s) => ({
      ...s,
      ksStatistic: null,
      ksPValue: null,
      wasserstein: null,
      wassersteinNormed: null,
    }));
  });
}

/** One side's (or window's) bin counts per `kind \0 feature`, with the edges they use. */
function binsOf(rows: readonly BinRow[] = []): Map<string, { edges: number[]; bins: number[] }> {
  const out = new Map<string, { edges: number[]; bins: number[] }>();
  for (const r of rows) {
    const k = `${r.kind}\u0000${r.feature}`;
    let e = out.get(k);
    if (!e) {
      e = { edges: r.edges, bins: new Array<number>(r.edges.length + 1).fill(0) };
      out.set(k, e);
    }
    e.bins[Number(r.bin)] = Number(r.n);
  }
  return out;
}

/** One window's category rows: the reference's and the window's counts per category. */
function windowCategories(
  ref: readonly Windowed<CategoryRow>[],
  cur: readonly Windowed<CategoryRow>[] = [],
): CategoryRow[] {
  const by = new Map<string, CategoryRow>();
  const key = (r: CategoryRow) => `${r.kind}\u0000${r.feature}\u0000${r.cat}`;
  for (const r of ref)
    by.set(key(r), { kind: r.kind, feature: r.feature, cat: r.cat, n_ref: r.n_ref, n_cur: 0 });
  for (const r of cur) {
    const e = by.get(key(r));
    if (e) e.n_cur = r.n_cur;
    else by.set(key(r), { kind: r.kind, feature: r.feature, cat: r.cat, n_ref: 0, n_cur: r.n_cur });
  }
  return [...by.values()].sort(
    (a, b) => bytes(a.kind, b.kind) || bytes(a.feature, b.feature) || bytes(a.cat, b.cat),
  );
}
