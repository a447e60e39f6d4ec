import type {
  DriftBaseline,
  DriftHistogramResponse,
  DriftSeriesResponse,
  FeatureDriftResponse,
} from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/**
 * The reference the page compares against: the baseline named in the URL, else the model's
 * default, else its newest; undefined when the model has none.
 */
export function pickBaseline(
  baselines: DriftBaseline[],
  model: string,
  requested?: string,
): DriftBaseline | undefined {
  const mine = baselines.filter((b) => b.model === model);
  return (
    mine.find((b) => b.id === requested) ??
    mine.find((b) => b.isDefault) ??
    [...mine].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
    )[0]
  );
}

/** Without a baseline: the window of the same length just before the current one. */
export function previousWindow(fromMs: number, toMs: number): { refFrom: string; refTo: string } {
  return {
    refFrom: new Date(fromMs - (toMs - fromMs)).toISOString(),
    refTo: new Date(fromMs).toISOString(),
  };
}

const RANK: Record<FeatureDriftResponse['verdict'], number> = {
  drift: 0,
  moderate: 1,
  no_drift: 2,
  insufficient_data: 3,
};

/** Features worst first (drift, moderate, no drift, too few values), then by name. */
export function sortFeatures(features: FeatureDriftResponse[]): FeatureDriftResponse[] {
  return [...features].sort(
    (a, b) =>
      RANK[a.verdict] - RANK[b.verdict] ||
      (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
  );
}

/** A verdict in words, for a badge. */
export function verdictLabel(v: FeatureDriftResponse['verdict']): string {
  return v === 'no_drift' ? 'no drift' : v === 'insufficient_data' ? 'too few values' : v;
}

const MEASURE_NAMES: Record<NonNullable<FeatureDriftResponse['measure']>, string> = {
  ks: 'KS p-value',
  chisquare: 'χ² p-value',
  wasserstein: 'Wasserstein (normed)',
  jensenShannon: 'Jensen–Shannon',
  psi: 'PSI',
};

/**
 * The verdict's measure and how it compares to its threshold: p-values drift *below* theirs,
 * distances *above*.
 */
export function describeScore(f: FeatureDriftResponse): string {
  if (f.measure === null || f.score === null) return '—';
  const pValue = f.measure === 'ks' || f.measure === 'chisquare';
  const score = pValue ? formatSmall(f.score) : f.score.toFixed(3);
  const limit = f.threshold === null ? '' : ` (drift ${pValue ? '<' : '≥'} ${f.threshold})`;
  return `${MEASURE_NAMES[f.measure]} ${score}${limit}`;
}

/** A small number readably: `0.031`, `1.2e-19`. */
export function formatSmall(v: number): string {
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(1) : String(Number(v.toPrecision(2)));
}

/**
 * Chart rows of a drift series: one line per feature (and version, where the series is
 * split), a point at each window's end.
 */
export function seriesRows(res: DriftSeriesResponse): { rows: ChartRow[]; lines: string[] } {
  const lines = res.series.map((s) =>
    [s.feature, s.version, s.variant].filter((x) => x !== null && x !== '').join(' · '),
  );
  const byTime = new Map<number, ChartRow>();
  res.series.forEach((s, i) => {
    for (const p of s.points) {
      const t = Date.parse(p.to);
      const row = byTime.get(t) ?? ({ t } as ChartRow);
      row[lines[i]!] = p.score;
      byTime.set(t, row);
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/** A window left out of the score-over-time chart because it was still filling. */
export interface PartialWindow {
  fromMs: number;
  toMs: number;
  /** The most current values any series had in it. */
  currentCount: number;
}

/**
 * The series without the windows still filling, and the window left out. A window is partial
 * when it is shorter than the step (the range's end cut it) or ends less than `settleMs` before
 * `requestedAtMs`, the instant the series was asked for (a range ending now: spans are still
 * arriving). Its few values make PSI spike
 * (shares floored at 1e-4 blow up the log ratio), which drew a cliff at the chart's right edge
 * and squashed the real windows; the page says what it left out instead of drawing it.
 * Stored results are closed windows, so they keep every point.
 */
export function completeWindows(
  res: DriftSeriesResponse,
  requestedAtMs: number,
  settleMs = 10_000,
): { res: DriftSeriesResponse; partial?: PartialWindow } {
  let partial: PartialWindow | undefined;
  const series = res.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => {
      const fromMs = Date.parse(p.from);
      const toMs = Date.parse(p.to);
      const open = toMs - fromMs < res.stepMs || toMs > requestedAtMs - settleMs;
      if (open) {
        const count = Math.max(partial?.currentCount ?? 0, p.currentCount);
        partial = { fromMs, toMs, currentCount: count };
      }
      return !open;
    }),
  }));
  return partial ? { res: { ...res, series }, partial } : { res };
}

/** A bar of the reference-vs-current overlay. */
export interface HistogramBar {
  bin: string;
  reference: number;
  current: number;
}

function edge(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/**
 * The bars of the overlay: numeric bins labelled by their edges (`< 10`, `10–20`, `≥ 90`),
 * categories by name; shares as given (0–1).
 */
export function histogramBars(res: DriftHistogramResponse): HistogramBar[] {
  return res.bins.map((b) => {
    let bin = b.category ?? '';
    if (b.category === undefined) {
      const lo = b.lower ?? null;
      const hi = b.upper ?? null;
      bin =
        lo === null && hi === null
          ? 'all'
          : lo === null
            ? `< ${edge(hi!)}`
            : hi === null
              ? `≥ ${edge(lo)}`
              : `${edge(lo)}–${edge(hi)}`;
    }
    return { bin, reference: b.reference, current: b.current };
  });
}
