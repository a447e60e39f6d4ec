import { describe, expect, test } from 'vitest';
import { offsetOf, Schedule, slotAt } from './schedule.js';

describe('schedule', () => {
  test('offsets spread rules over the interval', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => offsetOf(`rule-${i}`, 30_000));
    const buckets = new Array(10).fill(0);
    for (const o of offsets) {
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(30_000);
      buckets[Math.floor(o / 3000)]++;
    }
    // 100 expected per 3 s bucket; a hash that clusters would leave some nearly empty.
    for (const b of buckets) expect(b).toBeGreaterThan(60);
    expect(offsetOf('a', 30_000)).toBe(offsetOf('a', 30_000));
  });

  test('slotAt', () => {
    expect(slotAt(10_000, 1000, 250)).toBe(9_250);
    expect(slotAt(10_250, 1000, 250)).toBe(10_250);
    expect(slotAt(10_249, 1000, 250)).toBe(9_250);
  });

  test('a rule is due once per slot, first at its next slot', () => {
    const s = new Schedule();
    const id = 'r';
    const off = offsetOf(id, 1000);
    const t0 = 100_000 + off;
    expect(s.dueSlot(id, 1000, t0 + 10)).toBeUndefined();
    expect(s.dueSlot(id, 1000, t0 + 999)).toBeUndefined();
    expect(s.dueSlot(id, 1000, t0 + 1000)).toBe(t0 + 1000);
    expect(s.dueSlot(id, 1000, t0 + 1500)).toBe(t0 + 1000);
    s.done(id, t0 + 1000);
    expect(s.dueSlot(id, 1000, t0 + 1999)).toBeUndefined();
    // Missed slots are not caught up one by one: the latest is due.
    expect(s.dueSlot(id, 1000, t0 + 5200)).toBe(t0 + 5000);
    s.retain(new Set());
    expect(s.dueSlot(id, 1000, t0 + 6000)).toBeUndefined();
  });
});
