import { describe, expect, it } from 'vitest';
import { budgetRemaining, burnRate, burnThresholds, type Counts, judgeBurn } from './burn-rate.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Counts with `bad` failures out of `total`. */
const c = (total: number, bad: number): Counts => ({ total, good: total - bad });

function input(w: { m5: Counts; m30: Counts; h1: Counts; h6: Counts }, period = c(100_000, 600)) {
  return {
    windows: { 300000: w.m5, 1800000: w.m30, 3600000: w.h1, 21600000: w.h6 },
    period,
    target: 0.99,
    periodMs: 30 * DAY,
  };
}

describe('burn rates (SRE workbook, multiwindow multi-burn-rate)', () => {
  it('has the workbook thresholds for 30 days and scales them by the period', () => {
    const t30 = burnThresholds(30 * DAY);
    expect(t30.page).toBeCloseTo(14.4, 12);
    expect(t30.ticket).toBeCloseTo(6, 12);
    // 7 days: 2% of the budget in 1 h is 0.02 · 168 = 3.36; 5% in 6 h is 0.05 · 168 / 6 = 1.4.
    const t7 = burnThresholds(7 * DAY);
    expect(t7.page).toBeCloseTo(3.36, 12);
    expect(t7.ticket).toBeCloseTo(1.4, 12);
  });

  it('computes the burn rate and the budget left', () => {
    // 20 bad of 100 at a 1% budget: 20% / 1% = 20.
    expect(burnRate(c(100, 20), 0.99)).toBeCloseTo(20, 12);
    expect(burnRate(c(0, 0), 0.99)).toBeNull();
    // 600 bad of 100,000 allowed 1,000: 40% of the budget left; 1,500 bad: -50%.
    expect(budgetRemaining(c(100_000, 600), 0.99)).toBeCloseTo(0.4, 12);
    expect(budgetRemaining(c(100_000, 1500), 0.99)).toBeCloseTo(-0.5, 12);
  });

  it('pages when 1 h and 5 min both burn over 14.4', () => {
    const s = judgeBurn(
      input({ m5: c(100, 20), m30: c(500, 40), h1: c(1000, 160), h6: c(6000, 420) }),
    );
    expect(s.breach).toBe('firing');
    expect(s.value).toBeCloseTo(16, 12);
    expect(s.details?.burnRate5m).toBeCloseTo(20, 12);
    expect(s.details?.burnRate30m).toBeCloseTo(8, 12);
    expect(s.details?.burnRate6h).toBeCloseTo(7, 12);
    expect(s.details?.errorBudgetRemaining).toBeCloseTo(0.4, 12);
    expect(s.details?.sli).toBeCloseTo(0.994, 12);
  });

  it('does not page once the short window cools down, but tickets on 6 h and 30 min over 6', () => {
    const s = judgeBurn(
      input({ m5: c(100, 5), m30: c(500, 40), h1: c(1000, 160), h6: c(6000, 420) }),
    );
    expect(s.breach).toBe('warning');
  });

  it('is ok when only one window of a pair burns fast', () => {
    // 6 h burns 7 but the last 30 min only 4: no ticket; 1 h under 14.4: no page.
    const s = judgeBurn(
      input({ m5: c(100, 20), m30: c(500, 20), h1: c(1000, 100), h6: c(6000, 420) }),
    );
    expect(s.breach).toBe('ok');
    expect(s.value).toBeCloseTo(10, 12);
  });

  it('has no value without events in the period and 0 burn for a quiet hour', () => {
    const none = c(0, 0);
    expect(judgeBurn(input({ m5: none, m30: none, h1: none, h6: none }, none)).value).toBeNull();
    const quiet = judgeBurn(input({ m5: none, m30: none, h1: none, h6: none }));
    expect(quiet).toMatchObject({ value: 0, breach: 'ok' });
    expect(quiet.details?.burnRate1h).toBeNull();
  });
});
