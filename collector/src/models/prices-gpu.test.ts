import { describe, expect, test } from 'vitest';
import { gpuCostByModel, hostHourKey, rateAt } from './prices-gpu.js';

const H = 3_600_000;
const DAY0 = Date.parse('2026-03-01T00:00:00Z');

describe('GPU-hour pricing', () => {
  test('the rate in force is the latest dated one not after the hour; none is 0', () => {
    const rates = [
      { model: 'a', effectiveFrom: '2026-03-01', gpuHourUsd: 2 },
      { model: 'a', effectiveFrom: '2026-03-03', gpuHourUsd: 3 },
      { model: 'b', effectiveFrom: '2026-03-02', gpuHourUsd: 9 },
    ];
    expect(rateAt(rates, 'a', DAY0 - H)).toBe(0);
    expect(rateAt(rates, 'a', DAY0)).toBe(2);
    expect(rateAt(rates, 'a', DAY0 + 2 * 24 * H - H)).toBe(2);
    expect(rateAt(rates, 'a', DAY0 + 2 * 24 * H)).toBe(3);
    expect(rateAt(rates, 'b', DAY0 + 23 * H)).toBe(0);
    expect(rateAt(rates, 'c', DAY0 + 30 * 24 * H)).toBe(0);
  });

  test('GPU-hours of each host hour are split by request share, at each hour’s rate', () => {
    const rates = [
      { model: 'a', effectiveFrom: '2026-03-01', gpuHourUsd: 2.5 },
      { model: 'b', effectiveFrom: '2026-03-01', gpuHourUsd: 4 },
    ];
    const gpu = [
      { host: 'h1', hourMs: DAY0, gpuMinutes: 120 }, // 2 GPUs the whole hour
      { host: 'h1', hourMs: DAY0 + H, gpuMinutes: 60 }, // 2 GPUs for half of it
      { host: 'h2', hourMs: DAY0, gpuMinutes: 60 },
      { host: 'h3', hourMs: DAY0, gpuMinutes: 600 }, // served nothing: nobody pays
    ];
    const served = [
      { model: 'a', host: 'h1', hourMs: DAY0, requests: 30 },
      { model: 'b', host: 'h1', hourMs: DAY0, requests: 10 },
      { model: 'a', host: 'h2', hourMs: DAY0, requests: 10 },
      { model: 'a', host: 'h1', hourMs: DAY0 + H, requests: 10 },
      { model: 'b', host: 'h1', hourMs: DAY0 + H, requests: 10 },
      { model: 'a', host: 'h4', hourMs: DAY0, requests: 99 }, // no agent data: free
    ];
    const totals = new Map([
      [hostHourKey('h1', DAY0), 60], // 20 more requests of an unpriced model
      [hostHourKey('h2', DAY0), 10],
      [hostHourKey('h1', DAY0 + H), 20],
      [hostHourKey('h4', DAY0), 99],
    ]);
    const cost = gpuCostByModel(gpu, served, totals, rates);
    // a: 2 GPU-h x 2.5 x 30/60 + 1 x 2.5 x 1 + 1 x 2.5 x 10/20 = 2.5 + 2.5 + 1.25
    expect(cost.get('a')).toBeCloseTo(6.25, 12);
    // b: 2 x 4 x 10/60 + 1 x 4 x 10/20
    expect(cost.get('b')).toBeCloseTo(8 / 6 + 2, 12);
    expect([...cost.keys()].sort()).toEqual(['a', 'b']);
  });

  test('a model without a rate, or hours before its rate, cost nothing', () => {
    const cost = gpuCostByModel(
      [{ host: 'h', hourMs: DAY0 - H, gpuMinutes: 60 }],
      [{ model: 'a', host: 'h', hourMs: DAY0 - H, requests: 5 }],
      new Map([[hostHourKey('h', DAY0 - H), 5]]),
      [{ model: 'a', effectiveFrom: '2026-03-01', gpuHourUsd: 2.5 }],
    );
    expect(cost.size).toBe(0);
  });
});
