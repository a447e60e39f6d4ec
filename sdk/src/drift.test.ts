import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { FeatureSampler } from './drift.js';

describe('FeatureSampler', () => {
  it('lets at most maxPerSecond inferences through per one-second window', () => {
    let now = 10_000;
    const s = new FeatureSampler({ rate: 1, maxPerSecond: 3 }, () => now);
    const first = Array.from({ length: 5 }, () => s.shouldSample());
    expect(first).toEqual([true, true, true, false, false]);
    now += 999;
    expect(s.shouldSample()).toBe(false);
    now += 1;
    expect(s.shouldSample()).toBe(true);
  });

  it('samples about `rate` of inferences', () => {
    const s = new FeatureSampler({ rate: 0.25, maxPerSecond: Number.POSITIVE_INFINITY });
    let n = 0;
    for (let i = 0; i < 20_000; i++) if (s.shouldSample()) n++;
    // binomial(20000, 0.25): sd ≈ 61, so ±600 is ~10 sd
    expect(n).toBeGreaterThan(4400);
    expect(n).toBeLessThan(5600);
  });

  it('samples nothing at rate 0 or budget 0, and clamps bad rates', () => {
    expect(new FeatureSampler({ rate: 0 }).shouldSample()).toBe(false);
    expect(new FeatureSampler({ maxPerSecond: 0 }).shouldSample()).toBe(false);
    expect(new FeatureSampler({ rate: Number.NaN }).rate).toBe(0);
    expect(new FeatureSampler({ rate: 7 }).rate).toBe(1);
  });

  it('writes valid features as aiobs.feature.<name> and skips invalid values', () => {
    const s = new FeatureSampler();
    const attrs: Attributes = {};
    s.addFeatures(attrs, {
      amount: 12.5,
      country: 'DE',
      is_new: true,
      bad: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      long: 'x'.repeat(1000),
      obj: { nested: 1 } as any,
    });
    expect(attrs).toEqual({
      'aiobs.feature.amount': 12.5,
      'aiobs.feature.country': 'DE',
      'aiobs.feature.is_new': true,
      'aiobs.feature.long': 'x'.repeat(256),
    });
  });
});
