import type { SignalSample } from '../contract.js';

/**
 * SLO burn rates, pure: the multiwindow, multi-burn-rate alerts of the Google SRE workbook
 * ("Alerting on SLOs", alert 6).
 *
 *   burn rate over w = (bad / total over w) / (1 − target)
 *
 * 1 spends the error budget exactly over the SLO period. The workbook pages when the last
 * hour burnt 2% of a 30-day budget (burn 14.4) and the last 5 minutes still burn that fast
 * (so the alert resets soon after the problem stops), and opens a ticket when 6 hours burnt
 * 5% (burn 6) and the last 30 minutes still do. For a period other than 30 days the same
 * budget shares give the thresholds: share · period / long window (14.4 and 6 for 30 days).
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The two alert conditions: long and short windows, and the budget share the long one burns. */
export const BURN_ALERTS = {
  page: { longMs: HOUR, shortMs: 5 * MINUTE, budgetShare: 0.02 },
  ticket: { longMs: 6 * HOUR, shortMs: 30 * MINUTE, budgetShare: 0.05 },
} as const;

/** Every window a burn-rate sample reads. */
export const BURN_WINDOWS_MS: readonly number[] = [5 * MINUTE, 30 * MINUTE, HOUR, 6 * HOUR];

/** Burn-rate thresholds for an SLO period: 14.4 (page) and 6 (ticket) for 30 days. */
export function burnThresholds(periodMs: number): { page: number; ticket: number } {
  const t = (a: { longMs: number; budgetShare: number }) => (a.budgetShare * periodMs) / a.longMs;
  return { page: t(BURN_ALERTS.page), ticket: t(BURN_ALERTS.ticket) };
}

/** Good and total events over a stretch. */
export interface Counts {
  good: number;
  total: number;
}

/** Burn rate of `counts` against `target`; null without events. */
export function burnRate(counts: Counts, target: number): number | null {
  if (counts.total <= 0) return null;
  return (counts.total - counts.good) / counts.total / (1 - target);
}

/**
 * Share of the period's error budget left: 1 − bad / ((1 − target) · total). Negative once
 * the budget is overspent; null without events.
 */
export function budgetRemaining(counts: Counts, target: number): number | null {
  if (counts.total <= 0) return null;
  return 1 - (counts.total - counts.good) / ((1 - target) * counts.total);
}

/** Counts over each window and over the period. */
export interface BurnInput {
  /** Keyed by the window's length in ms ({@link BURN_WINDOWS_MS}). */
  windows: Record<number, Counts>;
  period: Counts;
  target: number;
  periodMs: number;
}

/**
 * The SLO's sample: `value` is the 1-hour burn rate (0 without events in the hour; null
 * without any event in the period), `breach` firing (page) or warning (ticket) as above.
 */
export function judgeBurn(input: BurnInput): SignalSample {
  const rate = (ms: number) => burnRate(input.windows[ms] ?? { good: 0, total: 0 }, input.target);
  const [b5m, b30m, b1h, b6h] = BURN_WINDOWS_MS.map(rate) as (number | null)[];
  const th = burnThresholds(input.periodMs);
  const over = (x: number | null, limit: number) => x !== null && x > limit;
  const breach =
    over(b1h!, th.page) && over(b5m!, th.page)
      ? 'firing'
      : over(b6h!, th.ticket) && over(b30m!, th.ticket)
        ? 'warning'
        : 'ok';
  const sli = input.period.total > 0 ? input.period.good / input.period.total : null;
  return {
    value: input.period.total > 0 ? (b1h ?? 0) : null,
    breach,
    details: {
      burnRate5m: b5m ?? null,
      burnRate30m: b30m ?? null,
      burnRate1h: b1h ?? null,
      burnRate6h: b6h ?? null,
      pageBurnRate: th.page,
      ticketBurnRate: th.ticket,
      errorBudgetRemaining: budgetRemaining(input.period, input.target),
      sli,
      target: input.target,
      good: input.period.good,
      total: input.period.total,
    },
  };
}
