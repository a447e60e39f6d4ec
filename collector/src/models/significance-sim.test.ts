import { describe, expect, test } from 'vitest';
import type { MeasureSignificance } from '../api/types.js';
import { gauss, rng } from './__fixtures__/significance-scipy.js';
import { type JudgeOptions, judgeLatency, judgeProportion } from './significance-judge.js';

// Repeated looks: 2,000 simulated experiments, each looked at every "minute" for an hour
// with all the data since its start, as an operator (or a rollback bot) polling
// /models/compare would. With no difference between the arms, the share of experiments in
// which any look alarms must stay at alpha; a fixed-horizon test looked at as often must
// not (it shows the simulation can tell). Pure and seeded: the same numbers every run.

const EXPERIMENTS = 2000;
const LOOKS = 60;
/** New inferences per arm per minute; 30% of them get feedback. */
const PER_MINUTE = 40;
const ERROR_RATE = 0.03;
const ACCURACY = 0.85;
const MAX_MS = 2000;
const OPTS: JudgeOptions = { alpha: 0.05, minSamples: 100 };

/** Integer-millisecond latencies (many ties), log-normal around 55 ms, scaled by `slow`. */
function latency(rand: () => number, slow: number): number {
  return Math.min(MAX_MS - 1, Math.round(Math.exp(4 + 0.5 * gauss(rand)) * slow));
}

interface Arm {
  hist: number[];
  n: number;
  errors: number;
  judged: number;
  correct: number;
}
const arm = (): Arm => ({ hist: Array(MAX_MS).fill(0), n: 0, errors: 0, judged: 0, correct: 0 });

function grow(x: Arm, rand: () => number, slow: number, errorRate: number) {
  for (let i = 0; i < PER_MINUTE; i++) {
    x.hist[latency(rand, slow)]! += 1;
    x.n++;
    if (rand() < errorRate) x.errors++;
    if (rand() < 0.3) {
      x.judged++;
      if (rand() < ACCURACY) x.correct++;
    }
  }
}

type Measure = 'latency' | 'errorRate' | 'accuracy';
const alarmed = (s: MeasureSignificance) => s.verdict === 'better' || s.verdict === 'worse';
const fixedAlarm = (s: MeasureSignificance) => s.pValue !== null && s.pValue < OPTS.alpha;

/**
 * Runs the experiments; per measure, the share in which some look alarmed (by the verdict,
 * and by the fixed-horizon p-value for comparison).
 */
function simulate(seed: number, slowB: number, errorRateB: number) {
  const rand = rng(seed);
  const measures: Measure[] = ['latency', 'errorRate', 'accuracy'];
  const sequential = Object.fromEntries(measures.map((m) => [m, 0])) as Record<Measure, number>;
  const fixed = { ...sequential };
  for (let e = 0; e < EXPERIMENTS; e++) {
    const a = arm();
    const b = arm();
    const seen = { seq: new Set<Measure>(), fixed: new Set<Measure>() };
    for (let look = 0; look < LOOKS; look++) {
      grow(a, rand, 1, ERROR_RATE);
      grow(b, rand, slowB, errorRateB);
      const judged: Record<Measure, MeasureSignificance> = {
        latency: judgeLatency(a.hist, b.hist, OPTS),
        errorRate: judgeProportion(a.errors, a.n, b.errors, b.n, false, OPTS),
        accuracy: judgeProportion(a.correct, a.judged, b.correct, b.judged, true, OPTS),
      };
      for (const m of measures) {
        if (alarmed(judged[m])) seen.seq.add(m);
        if (fixedAlarm(judged[m])) seen.fixed.add(m);
      }
    }
    for (const m of seen.seq) sequential[m]++;
    for (const m of seen.fixed) fixed[m]++;
  }
  const share = (r: Record<Measure, number>) =>
    Object.fromEntries(measures.map((m) => [m, r[m] / EXPERIMENTS])) as Record<Measure, number>;
  return { sequential: share(sequential), fixed: share(fixed) };
}

describe('repeated looks', () => {
  test('A/A: the false-alarm rate of every measure stays at alpha over 60 looks', () => {
    const r = simulate(2024, 1, ERROR_RATE);
    // Monte Carlo allowance: 2.5 standard errors of a rate of alpha over 2,000 experiments.
    const allowance = 2.5 * Math.sqrt((OPTS.alpha * (1 - OPTS.alpha)) / EXPERIMENTS);
    for (const [m, rate] of Object.entries(r.sequential))
      expect(rate, `${m}: ${rate}`).toBeLessThanOrEqual(OPTS.alpha + allowance);
    // The same data judged by the fixed-horizon p-value at every look alarms far more often.
    for (const [m, rate] of Object.entries(r.fixed))
      expect(rate, `${m} fixed-horizon: ${rate}`).toBeGreaterThan(0.15);
  }, 120_000);

  test('a real difference is still found: B 10% slower with twice the errors', () => {
    const r = simulate(7, 1.1, 2 * ERROR_RATE);
    expect(r.sequential.latency).toBeGreaterThan(0.95);
    expect(r.sequential.errorRate).toBeGreaterThan(0.8);
    // No accuracy difference was simulated: still within alpha.
    expect(r.sequential.accuracy).toBeLessThan(OPTS.alpha + 0.015);
  }, 120_000);
});
