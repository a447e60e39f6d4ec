import type { DriftSeriesResponse, ModelQualityResponse, QualityGroup } from '@aiobs/api-types';
import type { ChartRow } from '../../components/charts/time-series-chart.js';

/** An arm's name in the model page's dimension (an empty value reads as "(none)"). */
function armName(value: string | null | undefined): string {
  return value ? value : '(none)';
}

function groupName(g: QualityGroup, groupBy: 'version' | 'variant'): string {
  return armName(g.group[groupBy]);
}

/**
 * The accuracy chart's rows: one line per version or variant, a point per bucket that has
 * judged predictions (a bucket without feedback is a gap, not 0%).
 */
export function accuracyRows(res: ModelQualityResponse): { rows: ChartRow[]; lines: string[] } {
  const lines = res.groups.map((g) => groupName(g, res.groupBy));
  const byTime = new Map<number, ChartRow>();
  res.groups.forEach((g, i) => {
    for (const p of g.points) {
      const t = Date.parse(p.time);
      let row = byTime.get(t);
      if (!row) {
        row = { t } as ChartRow;
        byTime.set(t, row);
      }
      row[lines[i]!] = p.judged > 0 ? p.accuracy : null;
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/** One row of the quality table: an arm's figures over the range. */
export interface QualityRow {
  arm: string;
  predictions: number;
  coverage: number | null;
  accuracy: number | null;
  macroF1: number | null;
  mae: number | null;
  brier: number | null;
}

/** The quality table: each arm's totals, most predictions first. */
export function qualityRows(res: ModelQualityResponse): QualityRow[] {
  return res.groups
    .map((g) => ({
      arm: groupName(g, res.groupBy),
      predictions: g.total.predictions,
      coverage: g.total.coverage,
      accuracy: g.total.accuracy,
      macroF1: g.total.macroF1,
      mae: g.total.mae,
      brier: g.total.brier,
    }))
    .sort((a, b) => b.predictions - a.predictions || a.arm.localeCompare(b.arm));
}

/** Whether any arm has feedback in the range (else the panel explains how to send it). */
export function hasFeedback(res: ModelQualityResponse): boolean {
  return res.groups.some((g) => g.total.labelled > 0);
}

type Verdict = DriftSeriesResponse['series'][number]['points'][number]['verdict'];

const RANK: Record<Verdict, number> = { insufficient_data: 0, no_drift: 1, moderate: 2, drift: 3 };

/** One arm's drift in the latest stored windows that judged it. */
export interface ArmDriftRow {
  arm: string;
  /** The latest stored window with a verdict for this arm (else the latest window). */
  windowFrom: string;
  windowTo: string;
  drift: string[];
  moderate: string[];
  /** Features (and prediction outputs) with a verdict other than insufficient data. */
  judged: number;
  features: number;
}

type Seen = { from: string; to: string; verdict: Verdict };

/** Whether `a` says more about a feature than `b`: a verdict over none, then later, then worse. */
function moreTelling(a: Seen, b: Seen): boolean {
  const judged = (x: Seen) => x.verdict !== 'insufficient_data';
  if (judged(a) !== judged(b)) return judged(a);
  if (a.to !== b.to) return a.to > b.to;
  return RANK[a.verdict] > RANK[b.verdict];
}

/**
 * Each arm's drift from the stored verdicts (`/drift/series?source=stored`): per feature, its
 * latest window with a verdict (the job keeps storing windows after an arm stops getting
 * traffic, judged "insufficient data"), the worst over the arm's other dimension (a version's
 * variants); arms with most drifting features first.
 */
export function driftByArm(
  res: DriftSeriesResponse,
  groupBy: 'version' | 'variant',
): ArmDriftRow[] {
  const arms = new Map<string, Map<string, Seen>>();
  for (const s of res.series) {
    let pick: Seen | undefined;
    for (const p of s.points) if (!pick || moreTelling(p, pick)) pick = p;
    if (!pick) continue;
    const arm = armName(s[groupBy]);
    const name = s.kind === 'prediction' ? `prediction ${s.feature}` : s.feature;
    let features = arms.get(arm);
    if (!features) {
      features = new Map();
      arms.set(arm, features);
    }
    const seen = features.get(name);
    if (!seen || moreTelling(pick, seen))
      features.set(name, { from: pick.from, to: pick.to, verdict: pick.verdict });
  }
  const rows: ArmDriftRow[] = [];
  for (const [arm, features] of arms) {
    const all = [...features.entries()];
    const of = (v: Verdict) =>
      all
        .filter(([, f]) => f.verdict === v)
        .map(([n]) => n)
        .sort();
    const latest = all.reduce((a, [, f]) => (moreTelling(f, a) ? f : a), all[0]![1]);
    rows.push({
      arm,
      windowFrom: latest.from,
      windowTo: latest.to,
      drift: of('drift'),
      moderate: of('moderate'),
      judged: all.filter(([, f]) => f.verdict !== 'insufficient_data').length,
      features: all.length,
    });
  }
  return rows.sort(
    (a, b) =>
      b.drift.length - a.drift.length ||
      b.moderate.length - a.moderate.length ||
      a.arm.localeCompare(b.arm),
  );
}
