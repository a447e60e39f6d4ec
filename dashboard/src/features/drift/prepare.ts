import type {
  DriftBaseline,
  DriftBaselinesResponse,
  DriftHistogramResponse,
  DriftSeries,
  DriftSeriesResponse,
  FeatureDriftResponse,
  ModelDimensionsResponse,
} from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/**
 * The models the Drift page offers, in its picker's order: those served over the range (the
 * models list's order), then those with a baseline only. The page's default is the first.
 */
export function driftModelNames(
  models: ModelDimensionsResponse,
  baselines: DriftBaselinesResponse,
): string[] {
  return [
    ...new Set([...models.models.map((m) => m.model), ...baselines.baselines.map((b) => b.model)]),
  ];
}

/**
 * What the Drift page opens with: the URL's model, else the first of {@link driftModelNames};
 * and its reference baseline ({@link pickBaseline}). The route loader and the boot script
 * send the score series for exactly this pair.
 */
export function driftSelection(
  models: ModelDimensionsResponse,
  baselines: DriftBaselinesResponse,
  model: string | undefined,
  baseline: string | undefined,
): { model?: string; baseline?: DriftBaseline } {
  const m = model ?? driftModelNames(models, baselines)[0];
  return m ? { model: m, baseline: pickBaseline(baselines.baselines, m, baseline) } : {};
}

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

const SPANS: Array<[number, string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/**
 * {@link previousWindow} in words, for the panels that compare with it: `the previous hour`,
 * `the previous 32 minutes`, `the previous 7 days` (the largest whole unit; else minutes).
 */
export function previousWindowLabel(fromMs: number, toMs: number): string {
  const span = toMs - fromMs;
  const whole = SPANS.find(([ms]) => span >= ms && span % ms === 0);
  const [n, unit] = whole
    ? [span / whole[0], whole[1]]
    : span >= 60_000
      ? [Math.round(span / 60_000), 'minute']
      : [Math.max(1, Math.round(span / 1_000)), 'second'];
  return n === 1 ? `the previous ${unit}` : `the previous ${n} ${unit}s`;
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

/** A series' line name: its feature, then its version and variant where it has them. */
export function lineLabel(s: DriftSeries): string {
  return [s.feature, s.version, s.variant].filter((x) => x !== null && x !== '').join(' · ');
}

/**
 * Chart rows of a drift series: one line per feature (and version, where the series is
 * split), a point at each window's end.
 */
export function seriesRows(res: DriftSeriesResponse): { rows: ChartRow[]; lines: string[] } {
  const lines = res.series.map(lineLabel);
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

/**
 * Most lines the score chart draws: each keeps a colour of its own (the palette has six) and
 * the legend stays on one or two rows.
 */
export const MAX_SCORE_LINES = 5;

/** The lines the score chart draws ({@link pickScoreLines}). */
export interface ScoreLines {
  /** The lines drawn, highest score first (the first colour goes to the worst). */
  series: DriftSeries[];
  /** Lines there were to pick from: every series, or the selected feature's. */
  total: number;
  /** The selected feature, when these are its lines. */
  feature?: string;
}

/** A series' highest score in the range; null when no window has one. */
function peak(s: DriftSeries): number | null {
  let top: number | null = null;
  for (const p of s.points)
    if (p.score !== null && Number.isFinite(p.score) && (top === null || p.score > top))
      top = p.score;
  return top;
}

/**
 * The lines of the score chart. The scheduled job stores a series per feature, version and
 * variant, so a chart of all of them is a tangle: with a feature selected, that feature's
 * lines (one per version and variant); otherwise the `max` series with the highest score in
 * the range. Either way at most `max`, highest first, ties by name; a series without a score
 * goes last.
 */
export function pickScoreLines(
  series: readonly DriftSeries[],
  selected?: { feature: string; kind: DriftSeries['kind'] },
  max = MAX_SCORE_LINES,
): ScoreLines {
  const pool = selected
    ? series.filter((s) => s.feature === selected.feature && s.kind === selected.kind)
    : series;
  const ranked = pool
    .map((s) => ({ s, top: peak(s), label: lineLabel(s) }))
    .sort((a, b) => {
      if (a.top !== b.top) {
        if (a.top === null) return 1;
        if (b.top === null) return -1;
        return b.top - a.top;
      }
      return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
    });
  return {
    series: ranked.slice(0, max).map((r) => r.s),
    total: pool.length,
    ...(selected ? { feature: selected.feature } : {}),
  };
}

/**
 * What the score chart says about its lines: which feature's they are, or which it left out;
 * undefined when it drew every feature's.
 */
export function scoreLinesNote(lines: ScoreLines): string | undefined {
  const shown = lines.series.length;
  const f = lines.feature;
  if (shown === 0) return undefined;
  if (lines.total > shown)
    return f !== undefined
      ? `Showing the ${shown} highest of ${lines.total} lines of ${f}.`
      : `Showing the ${shown} highest of ${lines.total} lines (by their highest score in the range); select a feature in the table for its lines.`;
  if (f === undefined) return undefined;
  return shown === 1
    ? `The line of ${f}.`
    : `The ${shown} lines of ${f}, one per version and variant.`;
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
