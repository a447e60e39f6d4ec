import type { MultivariateDrift } from '../api/types.js';
import { fitPca, reconstructionErrors } from './pca.js';

/**
 * The multivariate drift score (issue 9, item 3; docs/api.md "Drift"): PCA reconstruction
 * error, as NannyML's data reconstruction drift. Pure.
 *
 * A PCA fitted on the reference's standardized features keeps the components that explain
 * {@link VARIANCE_SHARE} of the variance: it learns the features' joint structure (which
 * move together). A current row that breaks that structure lands off the kept components
 * and reconstructs badly, even when every feature's own distribution is unchanged; the
 * per-feature tests cannot see that. The score is the current rows' mean reconstruction
 * error; it drifted when it exceeds both the reference's own mean error (on held-out rows,
 * not the rows the PCA was fitted on) plus 3 standard errors of a mean of that many rows,
 * and that mean by {@link MIN_RELATIVE_RISE} (with thousands of rows a negligible change is
 * significant, as for the per-feature distances).
 */

/** Share of the standardized variance the kept components must exceed. */
export const VARIANCE_SHARE = 0.9;
/** Smallest rise of the mean error over the reference's that can be drift (10%). */
export const MIN_RELATIVE_RISE = 0.1;
/** Most joint rows sampled per side. */
export const MAX_JOINT_ROWS = 5000;
/** Most encoded columns used (the most often present features first). */
export const MAX_COLUMNS = 200;
/** Categories of one feature that get a column of their own (its most frequent). */
export const MAX_CATEGORIES = 20;

/** One inference's feature values, as the engine answers them (multivariate-sql.ts). */
export interface JointRow {
  side: number | string;
  features: string[];
  numeric: Array<number | string>;
  nums: number[];
  cats: string[];
}

/** One encoded column: a numeric feature, or one category of a categorical feature. */
interface Column {
  feature: string;
  /** Numeric: the feature's index in {@link Decoded.num}, and the mean imputed when absent. */
  num?: number;
  mean?: number;
  /** Categorical: the feature's index in {@link Decoded.cat}, and the category (1 or 0). */
  cat?: number;
  category?: string;
}

/** One inference's values by feature index: NaN or undefined where absent. */
interface Decoded {
  num: Float64Array;
  cat: Array<string | undefined>;
}

/** Feature names by type, each given an index on first sight. */
class FeatureIndex {
  readonly num = new Map<string, number>();
  readonly cat = new Map<string, number>();

  add(r: JointRow): void {
    for (let i = 0; i < r.features.length; i++) {
      const m = Number(r.numeric[i]) === 1 ? this.num : this.cat;
      if (!m.has(r.features[i]!)) m.set(r.features[i]!, m.size);
    }
  }

  decode(r: JointRow): Decoded {
    const num = new Float64Array(this.num.size).fill(Number.NaN);
    const cat = new Array<string | undefined>(this.cat.size);
    for (let i = 0; i < r.features.length; i++) {
      // A NaN or infinite value (the engine answers null) counts as absent.
      if (Number(r.numeric[i]) === 1) {
        const v = r.nums[i]!;
        if (Number.isFinite(v)) num[this.num.get(r.features[i]!)!] = v;
      } else cat[this.cat.get(r.features[i]!)!] = r.cats[i]!;
    }
    return { num, cat };
  }
}

/**
 * The encoded columns of the fit rows, features the most often present first (at most
 * {@link MAX_COLUMNS} columns): a numeric feature is one column, an absent value imputed
 * with the mean; a categorical feature is one-hot encoded over its
 * {@link MAX_CATEGORIES} most frequent categories (a rarer, unseen or absent value is all
 * zeros). One-hot rather than NannyML's frequency encoding: two equally frequent
 * categories would encode alike, and a reversed link between them would go unseen.
 */
function columnsOf(index: FeatureIndex, fit: readonly Decoded[]): Column[] {
  const features: Array<{ name: string; num?: number; cat?: number; seen: number }> = [];
  for (const [name, j] of index.num) {
    let seen = 0;
    for (const r of fit) if (!Number.isNaN(r.num[j]!)) seen++;
    features.push({ name, num: j, seen });
  }
  for (const [name, j] of index.cat) {
    let seen = 0;
    for (const r of fit) if (r.cat[j] !== undefined) seen++;
    features.push({ name, cat: j, seen });
  }
  features.sort((a, b) => b.seen - a.seen || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Column[] = [];
  for (const f of features) {
    if (f.seen === 0) continue;
    if (f.num !== undefined) {
      let sum = 0;
      for (const r of fit) if (!Number.isNaN(r.num[f.num]!)) sum += r.num[f.num]!;
      out.push({ feature: f.name, num: f.num, mean: sum / f.seen });
    } else {
      const counts = new Map<string, number>();
      for (const r of fit) {
        const v = r.cat[f.cat!];
        if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const top = [...counts.keys()]
        .sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1))
        .slice(0, MAX_CATEGORIES)
        .sort();
      for (const category of top) out.push({ feature: f.name, cat: f.cat!, category });
    }
    if (out.length >= MAX_COLUMNS) break;
  }
  return out.slice(0, MAX_COLUMNS);
}

function encode(columns: readonly Column[], r: Decoded): Float64Array {
  const x = new Float64Array(columns.length);
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j]!;
    if (c.cat !== undefined) x[j] = r.cat[c.cat] === c.category ? 1 : 0;
    else {
      const v = r.num[c.num!]!;
      x[j] = Number.isNaN(v) ? c.mean! : v;
    }
  }
  return x;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(xs.length - 1, 1));
  return { mean, sd };
}

/**
 * The multivariate score of joint rows (side 0 the reference, 1 the current): the
 * reference's rows alternate between fitting the PCA and measuring its own error (the
 * engine returns them in a hashed order, so the halves are random). `insufficient_data`
 * with fewer than `minSamples` rows on either side or fewer than two features that vary.
 */
export function multivariateDrift(
  rows: readonly JointRow[],
  minSamples: number,
): MultivariateDrift {
  const index = new FeatureIndex();
  for (const r of rows) index.add(r);
  const ref: Decoded[] = [];
  const cur: Decoded[] = [];
  for (const r of rows) (Number(r.side) === 0 ? ref : cur).push(index.decode(r));
  const out: MultivariateDrift = {
    method: 'pca_reconstruction',
    score: null,
    threshold: null,
    drifted: null,
    verdict: 'insufficient_data',
    referenceScore: null,
    referenceRows: ref.length,
    currentRows: cur.length,
    features: [],
    components: 0,
    explainedVariance: null,
  };
  if (ref.length < minSamples || cur.length < minSamples || ref.length < 4) return out;
  const fit = ref.filter((_, i) => i % 2 === 0);
  const held = ref.filter((_, i) => i % 2 === 1);
  // Columns that do not vary in the fit rows carry no structure (and cannot be standardized).
  const all = columnsOf(index, fit);
  const fitAll = fit.map((r) => encode(all, r));
  const columns = all.filter((_, j) => fitAll.some((x) => x[j] !== fitAll[0]![j]));
  out.features = [...new Set(columns.map((c) => c.feature))];
  // One feature alone has no joint structure (its own test covers it); two one-hot columns
  // of one feature are only each other's complement.
  if (out.features.length < 2) return out;
  const model = fitPca(
    fit.map((r) => encode(columns, r)),
    VARIANCE_SHARE,
  );
  const heldErrors = reconstructionErrors(
    model,
    held.map((r) => encode(columns, r)),
  );
  const curErrors = reconstructionErrors(
    model,
    cur.map((r) => encode(columns, r)),
  );
  const refStats = meanSd(heldErrors);
  const score = meanSd(curErrors).mean;
  const threshold = Math.max(
    refStats.mean + 3 * refStats.sd * Math.sqrt(1 / curErrors.length + 1 / heldErrors.length),
    refStats.mean * (1 + MIN_RELATIVE_RISE),
  );
  const drifted = score > threshold;
  return {
    ...out,
    score,
    threshold,
    drifted,
    verdict: drifted ? 'drift' : 'no_drift',
    referenceScore: refStats.mean,
    components: model.components.length,
    explainedVariance: model.explained,
  };
}
