import type { LabelQuality, QualityFigures, ReliabilityBin } from '../api/types.js';

/**
 * Model quality from feedback (issue 9, item 6; docs/models.md "Quality from feedback"):
 * turns the additive sums the engine computes per group and bucket (quality-sql.ts) into
 * accuracy, precision/recall/F1, MAE/RMSE, Brier score and reliability bins. Pure.
 *
 * Every input is a sum, so a group's total is the sum of its buckets' sums: the totals are
 * computed from the same rows as the points and cannot disagree with them.
 */

export { DEFAULT_LABEL_DELAY_MS, MAX_LABEL_DELAY_MS } from '../query/params.js';

/** Number of reliability bins of the score, each 0.1 wide (`[0, 0.1)` … `[0.9, 1]`). */
export const RELIABILITY_BINS = 10;
/** Most labels a group's answer lists (macro figures still average over all of them). */
export const MAX_LABELS = 100;

/** Sums of one reliability bin: count, Σ score, Σ score², Σ correct, Σ score·correct. */
export interface BinSums {
  n: number;
  s: number;
  s2: number;
  y: number;
  sy: number;
}

/** Additive sums of a set of predictions and their feedback. */
export interface QualitySums {
  predictions: number;
  labelled: number;
  judged: number;
  correct: number;
  regressed: number;
  absErr: number;
  sqErr: number;
  err: number;
  rated: number;
  ratingSum: number;
  bins: BinSums[];
  /** Confusion counts keyed by {@link confusionKey}(true label, predicted label). */
  confusion: Map<string, number>;
}

/** Sums of nothing. */
export function emptySums(): QualitySums {
  return {
    predictions: 0,
    labelled: 0,
    judged: 0,
    correct: 0,
    regressed: 0,
    absErr: 0,
    sqErr: 0,
    err: 0,
    rated: 0,
    ratingSum: 0,
    bins: Array.from({ length: RELIABILITY_BINS }, () => ({ n: 0, s: 0, s2: 0, y: 0, sy: 0 })),
    confusion: new Map(),
  };
}

const SEP = '\u0000';

/** Key of one confusion cell (labels may contain any character but NUL). */
export function confusionKey(trueLabel: string, predicted: string): string {
  return `${trueLabel}${SEP}${predicted}`;
}

/** Adds `b` into `a`. */
export function addSums(a: QualitySums, b: QualitySums): void {
  a.predictions += b.predictions;
  a.labelled += b.labelled;
  a.judged += b.judged;
  a.correct += b.correct;
  a.regressed += b.regressed;
  a.absErr += b.absErr;
  a.sqErr += b.sqErr;
  a.err += b.err;
  a.rated += b.rated;
  a.ratingSum += b.ratingSum;
  for (let i = 0; i < RELIABILITY_BINS; i++) {
    const x = a.bins[i]!;
    const y = b.bins[i]!;
    x.n += y.n;
    x.s += y.s;
    x.s2 += y.s2;
    x.y += y.y;
    x.sy += y.sy;
  }
  for (const [k, n] of b.confusion) a.confusion.set(k, (a.confusion.get(k) ?? 0) + n);
}

/** The reliability bin of a score in [0, 1] (the engine uses the same expression). */
export function binOf(score: number): number {
  return Math.min(Math.floor(score * RELIABILITY_BINS), RELIABILITY_BINS - 1);
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/**
 * Per-label precision, recall and F1 from the confusion counts, over the union of true and
 * predicted labels, most support first. F1 is 2·TP / (support + predicted), which is
 * defined for every label in the union (scikit-learn's value, 0 where precision or recall
 * is undefined).
 */
export function labelQuality(confusion: Map<string, number>): LabelQuality[] {
  const by = new Map<string, { tp: number; support: number; predicted: number }>();
  const get = (l: string) => {
    let e = by.get(l);
    if (!e) {
      e = { tp: 0, support: 0, predicted: 0 };
      by.set(l, e);
    }
    return e;
  };
  for (const [k, n] of confusion) {
    const [t, p] = k.split(SEP) as [string, string];
    get(t).support += n;
    get(p).predicted += n;
    if (t === p) get(t).tp += n;
  }
  return [...by.entries()]
    .map(([label, e]) => ({
      label,
      support: e.support,
      predicted: e.predicted,
      precision: ratio(e.tp, e.predicted),
      recall: ratio(e.tp, e.support),
      f1: (2 * e.tp) / (e.support + e.predicted),
    }))
    .sort((a, b) => b.support - a.support || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

const TRUTHY = new Set(['1', 'true', 'yes', 'positive', 'pos']);

/**
 * The positive label of a binary problem: `asked` when it is one of the two, else the one
 * that reads as true (`1`, `true`, `yes`, `positive`), else the rarer true label (the
 * usual case: fraud, churn, spam). Null unless there are exactly two labels.
 */
export function positiveLabel(labels: LabelQuality[], asked?: string): LabelQuality | null {
  if (labels.length !== 2) return null;
  const [a, b] = labels as [LabelQuality, LabelQuality];
  if (asked !== undefined) return labels.find((l) => l.label === asked) ?? null;
  const truthy = labels.filter((l) => TRUTHY.has(l.label.toLowerCase()));
  if (truthy.length === 1) return truthy[0]!;
  // Sorted by support, most first: the rarer is the second (ties: the later name).
  return b.support <= a.support ? b : a;
}

/** The ten reliability bins. */
export function reliability(bins: BinSums[]): ReliabilityBin[] {
  return bins.map((b, i) => ({
    lower: i / RELIABILITY_BINS,
    upper: (i + 1) / RELIABILITY_BINS,
    count: b.n,
    meanScore: ratio(b.s, b.n),
    accuracy: ratio(b.y, b.n),
  }));
}

/** The figures of a set of sums. */
export function qualityFigures(s: QualitySums): QualityFigures {
  const labels = labelQuality(s.confusion);
  const classified = labels.reduce((a, l) => a + l.support, 0);
  const macro = (f: (l: LabelQuality) => number | null) =>
    labels.length > 0 ? labels.reduce((a, l) => a + (f(l) ?? 0), 0) / labels.length : null;
  let scored = 0;
  let brierSum = 0;
  let eceSum = 0;
  for (const b of s.bins) {
    scored += b.n;
    // Σ(s − y)² = Σs² − 2Σsy + Σy, since y is 0 or 1.
    brierSum += b.s2 - 2 * b.sy + b.y;
    if (b.n > 0) eceSum += Math.abs(b.y - b.s);
  }
  return {
    predictions: s.predictions,
    labelled: s.labelled,
    coverage: ratio(s.labelled, s.predictions),
    judged: s.judged,
    accuracy: ratio(s.correct, s.judged),
    classified,
    macroPrecision: macro((l) => l.precision),
    macroRecall: macro((l) => l.recall),
    macroF1: macro((l) => l.f1),
    regressed: s.regressed,
    mae: ratio(s.absErr, s.regressed),
    rmse: s.regressed > 0 ? Math.sqrt(Math.max(0, s.sqErr) / s.regressed) : null,
    meanError: ratio(s.err, s.regressed),
    scored,
    brier: scored > 0 ? Math.max(0, brierSum) / scored : null,
    // Σ_b (n_b/N)·|acc_b − conf_b| = Σ_b |Σy_b − Σs_b| / N.
    ece: ratio(eceSum, scored),
    rated: s.rated,
    meanFeedbackScore: ratio(s.ratingSum, s.rated),
  };
}
