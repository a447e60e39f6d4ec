import type {
  ArmDrift,
  CompareSignificance,
  CompareVerdict,
  MeasureSignificance,
} from '@aiobs/api-types';
import { formatPercent } from '../../lib/format.js';

/** The measures a comparison judges, in the order the page lists them. */
export type MeasureKey = 'latency' | 'errorRate' | 'accuracy' | 'drift';

/** One row of the significance table, formatted for display. */
export interface SignificanceRow {
  key: MeasureKey;
  label: string;
  test: string;
  /** Each arm's measure (a rate, or the drifting features), with its sample size. */
  a: string;
  b: string;
  /** The effect from B's side, and its always-valid interval. */
  effect: string;
  ci: string;
  /** The always-valid p-value the verdict rests on. */
  p: string;
  verdict: CompareVerdict;
  /** Why there is no verdict, when there is none. */
  why?: string;
}

/** What the page tells the operator to do with B. */
export interface CompareHeadline {
  action: 'promote' | 'roll back' | 'hold' | 'wait';
  title: string;
  reason: string;
}

const LABELS: Record<MeasureKey, string> = {
  latency: 'Latency',
  errorRate: 'Error rate',
  accuracy: 'Accuracy',
  drift: 'Drift',
};

const DASH = '—';

/** A difference of two rates in percentage points: `+2.10 pp`. */
function points(v: number): string {
  const pp = v * 100;
  return `${pp > 0 ? '+' : ''}${pp.toFixed(Math.abs(pp) >= 10 ? 1 : 2)} pp`;
}

function pValue(p: number | null): string {
  if (p === null) return DASH;
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

/** Why a two-proportion test (or the rank test) gave no verdict. */
function whyInsufficient(m: MeasureSignificance, minSamples: number, what: string): string {
  if (m.nA < minSamples || m.nB < minSamples)
    // No-break spaces: a line never ends between an arm and its count.
    return `fewer than ${minSamples} ${what} on an arm (A\u00a0${m.nA}, B\u00a0${m.nB})`;
  return 'too few events on an arm for the test (it needs 5 expected on each side)';
}

function measureRow(
  key: Exclude<MeasureKey, 'drift'>,
  m: MeasureSignificance,
  minSamples: number,
): SignificanceRow {
  const latency = m.effectMeasure === 'probabilityBHigher';
  const arm = (v: number | null, n: number) =>
    latency ? `n = ${n}` : v === null ? `${DASH} (n = ${n})` : `${formatPercent(v)} of ${n}`;
  const fmt = (v: number) => (latency ? formatPercent(v) : points(v));
  const row: SignificanceRow = {
    key,
    label: LABELS[key],
    test: m.test === 'mann-whitney-u' ? 'Mann–Whitney U' : 'two-proportion z',
    a: arm(m.a, m.nA),
    b: arm(m.b, m.nB),
    effect:
      m.effect === null
        ? DASH
        : latency
          ? `P(B slower) ${fmt(m.effect)}`
          : `B − A ${fmt(m.effect)}`,
    ci: m.ci === null ? DASH : `${fmt(m.ci[0])} to ${fmt(m.ci[1])}`,
    p: pValue(m.alwaysValidPValue),
    verdict: m.verdict,
  };
  if (m.verdict === 'insufficient_data')
    row.why = whyInsufficient(
      m,
      minSamples,
      key === 'accuracy' ? 'labelled predictions' : 'requests',
    );
  return row;
}

function driftArm(d: ArmDrift): string {
  return `${d.drift.length} of ${d.features} drifting`;
}

/**
 * The significance table's rows: latency, error rate, accuracy, and drift when the
 * comparison was made against a baseline. Pure; formatted for display.
 */
export function significanceRows(sig: CompareSignificance): SignificanceRow[] {
  const rows = [
    measureRow('latency', sig.latency, sig.minSamples),
    measureRow('errorRate', sig.errorRate, sig.minSamples),
    measureRow('accuracy', sig.accuracy, sig.minSamples),
  ];
  if (sig.drift) {
    const d = sig.drift;
    const row: SignificanceRow = {
      key: 'drift',
      label: LABELS.drift,
      test: 'features drifting from the baseline',
      a: driftArm(d.a),
      b: driftArm(d.b),
      effect: `${d.b.drift.length - d.a.drift.length >= 0 ? '+' : ''}${d.b.drift.length - d.a.drift.length} features`,
      ci: DASH,
      p: DASH,
      verdict: d.verdict,
    };
    if (d.verdict === 'insufficient_data')
      row.why = 'no feature has enough values on an arm to be judged against the baseline';
    rows.push(row);
  }
  return rows;
}

function list(rows: SignificanceRow[]): string {
  const names = rows.map((r) => r.label.toLowerCase());
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * What the significance verdicts say to do with B: roll back when it is significantly worse
 * on any measure, promote when it is better on some and worse on none, wait while no measure
 * has enough data, else hold (no significant difference yet).
 */
export function compareHeadline(rows: SignificanceRow[], alpha: number): CompareHeadline {
  const by = (v: CompareVerdict) => rows.filter((r) => r.verdict === v);
  const worse = by('worse');
  const better = by('better');
  const insufficient = by('insufficient_data');
  if (worse.length > 0)
    return {
      action: 'roll back',
      title: 'Roll back B',
      reason: `B is significantly worse on ${list(worse)}${better.length > 0 ? ` (better on ${list(better)})` : ''}`,
    };
  if (better.length > 0)
    return {
      action: 'promote',
      title: 'Promote B',
      reason: `B is significantly better on ${list(better)} and worse on nothing`,
    };
  if (insufficient.length === rows.length)
    return {
      action: 'wait',
      title: 'Not enough data yet',
      reason: 'no measure has enough values on both arms to be judged; keep B running',
    };
  const judged = rows.filter((r) => r.verdict === 'no_significant_difference');
  return {
    action: 'hold',
    title: 'No significant difference',
    reason:
      `B is neither better nor worse on ${list(judged)} at α = ${alpha}` +
      (insufficient.length > 0 ? `; too few values to judge ${list(insufficient)}` : ''),
  };
}
